package io.ringlite.engine.sql;

import java.util.List;

/**
 * Expression AST (SQLite's "expr" grammar). Values of {@link Literal} are the Java forms used
 * across the engine: null, Long, Double, String, byte[].
 */
public sealed interface Expr {

    /** NULL, an integer, a real, a string or a blob literal. */
    record Literal(Object value) implements Expr {
    }

    /** CURRENT_DATE, CURRENT_TIME or CURRENT_TIMESTAMP. */
    record CurrentTime(Keyword which) implements Expr {
    }

    /**
     * A parameter.
     *
     * @param index 1-based, numbered as SQLite does: {@code ?} takes the next number, {@code ?N}
     *              takes N, a repeated name reuses its number
     * @param name  as written ({@code :a}, {@code ?3}), null for a bare {@code ?}
     */
    record Param(int index, String name) implements Expr {
    }

    /**
     * A column reference {@code [schema.][table.]column}.
     *
     * @param doubleQuoted the column name was written in double quotes: SQLite then falls back
     *                     to a string literal when no column has that name
     */
    record ColumnRef(String schema, String table, String column, boolean doubleQuoted) implements Expr {
    }

    enum UnaryOp { NEG, PLUS, BITNOT, NOT }

    record Unary(UnaryOp op, Expr operand) implements Expr {
    }

    enum BinaryOp {
        OR, AND, EQ, NE, IS, IS_NOT, LT, LE, GT, GE, BITAND, BITOR, LSHIFT, RSHIFT,
        ADD, SUB, MUL, DIV, REM, CONCAT, PTR, PTR2
    }

    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {
    }

    /** {@code x ISNULL}, {@code x NOTNULL}, {@code x IS [NOT] NULL}, {@code x NOT NULL}. */
    record NullTest(Expr operand, boolean notNull) implements Expr {
    }

    /** LIKE, GLOB, MATCH or REGEXP, optionally negated, LIKE with an optional ESCAPE. */
    record Like(Keyword op, boolean not, Expr left, Expr pattern, Expr escape) implements Expr {
    }

    record Between(Expr operand, boolean not, Expr low, Expr high) implements Expr {
    }

    record InList(Expr operand, boolean not, List<Expr> values) implements Expr {
    }

    record InSelect(Expr operand, boolean not, Select select) implements Expr {
    }

    /** {@code x IN table} or {@code x IN table_function(args)}. */
    record InTable(Expr operand, boolean not, String schema, String table, List<Expr> args) implements Expr {
    }

    record Exists(Select select) implements Expr {
    }

    record Subquery(Select select) implements Expr {
    }

    record WhenThen(Expr when, Expr then) {
    }

    record Case(Expr operand, List<WhenThen> whens, Expr otherwise) implements Expr {
    }

    record Cast(Expr operand, String typeName) implements Expr {
    }

    record Collate(Expr operand, String collation) implements Expr {
    }

    /** {@code (a, b, ...)} with two or more values. */
    record RowValue(List<Expr> values) implements Expr {
    }

    /** RAISE(IGNORE) (message null) or RAISE(ROLLBACK|ABORT|FAIL, message). */
    record Raise(Keyword action, Expr message) implements Expr {
    }

    /**
     * A function call.
     *
     * @param star    {@code f(*)}
     * @param orderBy aggregate ORDER BY inside the parentheses (empty if none)
     * @param filter  FILTER (WHERE ...) or null
     * @param over    OVER clause or null
     */
    record Function(String name, boolean distinct, List<Expr> args, boolean star,
                    List<Select.OrderingTerm> orderBy, Expr filter, Select.Window over) implements Expr {
    }
}
