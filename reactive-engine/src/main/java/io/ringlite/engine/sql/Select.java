package io.ringlite.engine.sql;

import java.util.List;

/**
 * A SELECT (also the body of INSERT ... SELECT, views, subqueries and CTEs).
 *
 * @param with    common table expressions or null
 * @param body    the core, VALUES, or a compound of them
 * @param orderBy empty if none
 * @param limit   null if none
 * @param offset  null if none
 */
public record Select(With with, Body body, List<OrderingTerm> orderBy, Expr limit, Expr offset)
        implements Statement {

    public record With(boolean recursive, List<Cte> tables) {
    }

    public record Cte(String name, List<String> columns, Boolean materialized, Select select) {
    }

    public sealed interface Body permits Core, Values, Compound {
    }

    /** {@code SELECT [DISTINCT] columns [FROM ..] [WHERE ..] [GROUP BY .. [HAVING ..]] [WINDOW ..]}. */
    public record Core(boolean distinct, List<ResultColumn> columns, From from, Expr where,
                       List<Expr> groupBy, Expr having, List<NamedWindow> windows) implements Body {
    }

    public record Values(List<List<Expr>> rows) implements Body {
    }

    public enum CompoundOp { UNION, UNION_ALL, INTERSECT, EXCEPT }

    public record Compound(Body left, CompoundOp op, Body right) implements Body {
    }

    public sealed interface ResultColumn permits Star, TableStar, ExprColumn {
    }

    public record Star() implements ResultColumn {
    }

    public record TableStar(String table) implements ResultColumn {
    }

    /** @param text the expression exactly as written (SQLite names such columns by it) */
    public record ExprColumn(Expr expr, String alias, String text) implements ResultColumn {
    }

    /** A FROM clause item. */
    public sealed interface From permits TableName, SubqueryRef, TableFunction, Join {
    }

    /** @param indexedBy INDEXED BY name, "" for NOT INDEXED, null if neither */
    public record TableName(String schema, String name, String alias, String indexedBy) implements From {
    }

    public record SubqueryRef(Select select, String alias) implements From {
    }

    public record TableFunction(String schema, String name, List<Expr> args, String alias) implements From {
    }

    /** @param operator e.g. "JOIN", "LEFT JOIN", "NATURAL INNER JOIN", "," */
    public record Join(From left, String operator, From right, Expr on, List<String> using) implements From {
    }

    /** @param nullsFirst null when not written */
    public record OrderingTerm(Expr expr, boolean descending, Boolean nullsFirst) {
    }

    public record NamedWindow(String name, Window window) {
    }

    /**
     * A window definition, or a reference to a named one ({@code OVER w}: only base set).
     *
     * @param frame the frame text as written (e.g. "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW") or null
     */
    public record Window(String base, List<Expr> partitionBy, List<OrderingTerm> orderBy, String frame) {
    }
}
