package io.ringlite.engine.exec;

import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.compile.CompiledStatement;
import java.util.List;

/**
 * A compiled statement bound to the schema generation it was compiled under. Immutable and
 * thread-safe; the runtime recompiles it from its text if the schema changed since.
 */
public final class EnginePreparedStatement implements PreparedStatement {
    private final CompiledStatement compiled;
    private final long schemaGeneration;
    private final Object owner;
    private final SchemaState schema;

    EnginePreparedStatement(CompiledStatement compiled, long schemaGeneration, EngineDatabase owner) {
        this.compiled = compiled;
        this.schemaGeneration = schemaGeneration;
        this.owner = owner;
        this.schema = owner.schema();
    }

    CompiledStatement compiled() {
        return compiled;
    }

    long schemaGeneration() {
        return schemaGeneration;
    }

    /** The database this statement was prepared on. */
    Object owner() {
        return owner;
    }

    @Override
    public String sql() {
        return compiled.sql();
    }

    @Override
    public String tail() {
        return compiled.tail();
    }

    @Override
    public List<String> columnNames() {
        return compiled.columnNames();
    }

    @Override
    public List<String> declaredTypes() {
        return compiled.declaredTypes();
    }

    @Override
    public int parameterCount() {
        return Math.max(compiled.parameterCount(), compiled.program().parameterCount());
    }

    @Override
    public String parameterName(int index) {
        List<String> names = compiled.parameterNames();
        return index >= 1 && index <= names.size() ? names.get(index - 1) : null;
    }

    @Override
    public int parameterIndex(String name) {
        return name == null ? 0 : compiled.parameterNames().indexOf(name) + 1;
    }

    @Override
    public boolean isReadOnly() {
        return compiled.readOnly();
    }

    /** True for EXPLAIN: executing emits the program listing instead of running it. */
    public boolean isExplain() {
        return compiled.explain();
    }

    @Override
    public List<Object[]> explain() {
        return compiled.program().explain();
    }

    /** True once the schema may have changed since this statement was compiled (any thread). */
    @Override
    public boolean isExpired() {
        return schema.generation() != schemaGeneration;
    }

    @Override
    public String toString() {
        return compiled.sql();
    }
}
