package io.ringlite.engine.compile;

import io.ringlite.engine.sql.Statement;
import io.ringlite.vdbe.Program;
import java.util.List;

/**
 * One compiled statement: the program and what the runtime and the driver need to know about it.
 *
 * @param program        the program to run (for EXPLAIN: the program to print, not run)
 * @param sql            the statement's text
 * @param tail           the text after it (next statements of a script)
 * @param columnNames    result column names as sqlite3_column_name gives them; for EXPLAIN
 *                       (addr, opcode, p1, p2, p3, p4, p5, comment)
 * @param declaredTypes  per result column: the declared type of a plain table column, else null
 * @param parameterNames index i names parameter i+1 as written; null for a bare {@code ?}
 * @param readOnly       the statement does not write the database (EXPLAIN is read-only)
 * @param explain        the runtime returns {@code program().explain()} rows instead of running it
 * @param statement      the parsed statement
 */
public record CompiledStatement(Program program, String sql, String tail, List<String> columnNames,
                                List<String> declaredTypes, List<String> parameterNames, boolean readOnly,
                                boolean explain, Statement statement) {

    public CompiledStatement {
        columnNames = List.copyOf(columnNames);
        declaredTypes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(declaredTypes));
        parameterNames = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameterNames));
    }

    /** Number of parameters (the highest parameter index). */
    public int parameterCount() {
        return parameterNames.size();
    }
}
