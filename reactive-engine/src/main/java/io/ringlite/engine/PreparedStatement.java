package io.ringlite.engine;

import java.util.List;

/** One compiled statement of a {@link Session}. Immutable; may be executed many times. */
public interface PreparedStatement {

    /** The text of this statement. */
    String sql();

    /** The SQL text after this statement (the next statements of a script); may be blank. */
    String tail();

    /** Result column names as SQLite names them ({@code sqlite3_column_name}). */
    List<String> columnNames();

    /** Declared types of result columns that are plain table columns, else null entries. */
    List<String> declaredTypes();

    /** Number of parameters (the largest parameter index, as {@code sqlite3_bind_parameter_count}). */
    int parameterCount();

    /** Name of parameter {@code index} (1-based) including its prefix ({@code :a}, {@code ?3}), or null for a bare {@code ?}. */
    String parameterName(int index);

    /** 1-based index of the named parameter (with its prefix), or 0 if there is none. */
    int parameterIndex(String name);

    /** True if the statement does not write the database. */
    boolean isReadOnly();

    /** The program as EXPLAIN would print it (addr, opcode, p1, p2, p3, p4, p5, comment). */
    List<Object[]> explain();

    /**
     * True once the schema may have changed since this statement was prepared: executing it still
     * works (it is recompiled from its text), but its column names, types, parameters and
     * read-only flag may be out of date, so a cache of prepared statements should prepare it
     * again. Any thread; a cheap volatile read.
     */
    default boolean isExpired() {
        return false;
    }
}
