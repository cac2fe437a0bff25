package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;

/**
 * The tables a SELECT level reads, chained to the enclosing level's scope for correlated
 * subqueries. The tables of one level (an inner join) are linked through {@code next}; the
 * first is the level's head. A name resolves in the innermost level that has it; within a
 * level, an unqualified name found in two tables is ambiguous (SQLite's rules).
 *
 * @param table  the table
 * @param alias  the name it is referred to by (alias or table name)
 * @param cursor the VDBE cursor open on it
 * @param outer  the enclosing query's scope, or null
 * @param next   the next table of the same level, or null
 * @param source for a subquery or view in FROM: the query materialised into a sorter whose
 *               rows the (pseudo) {@code cursor} reads; null for a table
 */
record Scope(Table table, String alias, int cursor, Scope outer, Scope next, Source source) {

    /** A FROM subquery, materialised into {@code sorter} and read through a pseudo cursor. */
    record Source(io.ringlite.engine.sql.Select select, int sorter, int dataReg) {
    }

    Scope(Table table, String alias, int cursor) {
        this(table, alias, cursor, null, null, null);
    }

    Scope(Table table, String alias, int cursor, Scope outer) {
        this(table, alias, cursor, outer, null, null);
    }

    Scope(Table table, String alias, int cursor, Scope outer, Scope next) {
        this(table, alias, cursor, outer, next, null);
    }

    /** This table and the ones after it at the same level, in FROM order. */
    java.util.List<Scope> level() {
        java.util.List<Scope> out = new java.util.ArrayList<>();
        for (Scope s = this; s != null; s = s.next) {
            out.add(s);
        }
        return out;
    }

    /**
     * A resolved column reference: {@code column} is -1 for the rowid; {@code cursor} to read it
     * from; {@code field} the record field holding it there (the column, except in a WITHOUT
     * ROWID table, whose key columns come first).
     */
    record Resolved(int column, Column def, int cursor, int field) {
        Resolved(int column, Column def, int cursor) {
            this(column, def, cursor, column);
        }

        boolean isRowid() {
            return column < 0;
        }
    }

    /**
     * The instruction opening {@code cursor} on table {@code t}: a WITHOUT ROWID table is an
     * index B-tree ordered by its key, a rowid table a table B-tree.
     */
    static io.ringlite.vdbe.op.Insn open(Table t, int cursor, boolean write) {
        if (t.indexOrganized()) {
            io.ringlite.vdbe.op.KeyInfo k = IndexMaintenance.tableKeyInfo(t);
            return write ? new io.ringlite.vdbe.op.Insn.OpenWrite(cursor, t.rootPage(), 0, t.primaryKey().fields(), k)
                    : new io.ringlite.vdbe.op.Insn.OpenRead(cursor, t.rootPage(), 0, t.primaryKey().fields(), k);
        }
        return write ? new io.ringlite.vdbe.op.Insn.OpenWrite(cursor, t.rootPage(), 0, t.columns().size())
                : new io.ringlite.vdbe.op.Insn.OpenRead(cursor, t.rootPage(), 0, t.columns().size());
    }

    /**
     * Resolves {@code ref} here or in an enclosing scope; null if no scope has such a column (the
     * caller decides between an error and SQLite's double-quoted-string fallback).
     */
    Resolved resolve(Expr.ColumnRef ref) {
        for (Scope level = this; level != null; level = level.outer) {
            Resolved found = null;
            for (Scope s = level; s != null; s = s.next) {
                Resolved r = s.resolveHere(ref);
                if (r != null) {
                    if (found != null) {
                        throw new DatabaseException(ResultCode.ERROR, "ambiguous column name: "
                                + (ref.table() == null ? "" : ref.table() + ".") + ref.column());
                    }
                    found = r;
                }
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Resolves {@code ref} against this scope's table only. */
    Resolved resolveHere(Expr.ColumnRef ref) {
        if (ref.schema() != null && !ref.schema().equalsIgnoreCase("main")) {
            return null;
        }
        if (ref.table() != null && !ref.table().equalsIgnoreCase(alias)) {
            return null;
        }
        int idx = table.columnIndex(ref.column());
        if (idx >= 0) {
            if (source != null) {
                return new Resolved(idx, table.columns().get(idx), cursor);
            }
            if (idx == table.rowidAlias()) {
                return new Resolved(-1, table.columns().get(idx), cursor);
            }
            return new Resolved(idx, table.columns().get(idx), cursor, table.storageField(idx));
        }
        if (source == null && table.isRowidName(ref.column())) {
            return new Resolved(-1, table.rowidAlias() >= 0 ? table.columns().get(table.rowidAlias()) : null, cursor);
        }
        return null;
    }

    static DatabaseException noSuchColumn(Expr.ColumnRef ref) {
        StringBuilder name = new StringBuilder();
        if (ref.schema() != null) {
            name.append(ref.schema()).append('.');
        }
        if (ref.table() != null) {
            name.append(ref.table()).append('.');
        }
        name.append(ref.column());
        return new DatabaseException(ResultCode.ERROR, "no such column: " + name);
    }
}
