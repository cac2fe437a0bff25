package io.ringlite.engine.sql;

import java.util.List;

/**
 * The first statement of an SQL text, parsed.
 *
 * @param statement      the AST
 * @param explain        0 for none, 1 for EXPLAIN, 2 for EXPLAIN QUERY PLAN
 * @param sql            the statement's own text (without the terminating semicolon)
 * @param tail           the text after the statement and its semicolon
 * @param parameterNames index i names parameter i+1 as written; null for a bare {@code ?}
 */
public record ParsedStatement(Statement statement, int explain, String sql, String tail,
                              List<String> parameterNames) {
}
