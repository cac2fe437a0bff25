package io.ringlite.engine.exec;

import io.ringlite.engine.compile.CompiledStatement;
import io.ringlite.engine.compile.Compiler;
import io.ringlite.engine.schema.Schema;

/**
 * The one call from the runtime into the SQL compiler. Returns null for text that holds only
 * whitespace and comments; throws DatabaseException ERROR for bad SQL.
 */
final class CompilerBridge {
    private CompilerBridge() {
    }

    static CompiledStatement compile(String sql, Schema schema) {
        return Compiler.compile(sql, schema);
    }
}
