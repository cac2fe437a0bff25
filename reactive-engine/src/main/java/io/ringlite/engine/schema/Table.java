package io.ringlite.engine.schema;

import io.ringlite.vdbe.value.Affinity;
import java.util.List;
import java.util.Locale;

/**
 * A table of the schema.
 *
 * <p>Invariants: column names are unique ignoring case; {@code rowidAlias} is -1 or the index
 * of the one column that is an alias for the rowid (declared type exactly INTEGER and the sole
 * PRIMARY KEY column, not declared {@code PRIMARY KEY DESC} as a column constraint — SQLite's
 * documented quirk); a WITHOUT ROWID table has no rowid alias.
 *
 * @param indexes the table's indexes, filled in by {@link Schema#build}
 * @param checks  CHECK constraint expressions (column and table constraints)
 * @param strict  a STRICT table
 * @param primaryKey for a WITHOUT ROWID table made from CREATE TABLE text: its key and row layout;
 *                   else null
 */
public record Table(String name, int rootPage, List<Column> columns, int rowidAlias, boolean withoutRowid,
                    boolean autoincrement, String sql, List<Index> indexes, List<CheckConstraint> checks,
                    boolean strict, PrimaryKey primaryKey) {

    public Table {
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
        checks = List.copyOf(checks);
        assert rowidAlias >= -1 && rowidAlias < columns.size() : "invariant: rowid alias index";
        assert !(withoutRowid && rowidAlias >= 0) : "invariant: WITHOUT ROWID has no rowid alias";
        assert primaryKey == null || withoutRowid : "invariant: only a WITHOUT ROWID table has a key layout";
    }

    /** A table without a key layout (rowid tables, and row sources that are not B-trees). */
    public Table(String name, int rootPage, List<Column> columns, int rowidAlias, boolean withoutRowid,
                 boolean autoincrement, String sql, List<Index> indexes, List<CheckConstraint> checks, boolean strict) {
        this(name, rootPage, columns, rowidAlias, withoutRowid, autoincrement, sql, indexes, checks, strict, null);
    }

    /** True for a WITHOUT ROWID table stored as an index B-tree (it has a {@link #primaryKey()}). */
    public boolean indexOrganized() {
        return primaryKey != null;
    }

    /** The record field that holds table column {@code column} (the column itself in a rowid table). */
    public int storageField(int column) {
        return primaryKey == null ? column : primaryKey.fieldOfColumn()[column];
    }

    /**
     * As {@link #affinityString()} with the letters in record field order (a WITHOUT ROWID
     * table's key columns first); null if nothing is left.
     */
    public String storageAffinityString() {
        if (primaryKey == null) {
            return affinityString();
        }
        StringBuilder sb = new StringBuilder(primaryKey.fields());
        for (int c : primaryKey.fieldOrder()) {
            sb.append(columns.get(c).affinity().code());
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == Affinity.BLOB.code()) {
            end--;
        }
        return end == 0 ? null : sb.substring(0, end);
    }

    /** Index of the column named {@code columnName} (any case), or -1. */
    public int columnIndex(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(columnName)) {
                return i;
            }
        }
        return -1;
    }

    /** True if {@code word} names the rowid here (rowid, oid, _rowid_ not shadowed by a column). */
    public boolean isRowidName(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return !withoutRowid && (w.equals("rowid") || w.equals("oid") || w.equals("_rowid_")) && columnIndex(word) < 0;
    }

    /**
     * The affinity string of the columns, one letter per column (MakeRecord p4), without the
     * trailing BLOB ('A') letters, which change nothing; null if nothing is left (as SQLite).
     */
    public String affinityString() {
        StringBuilder sb = new StringBuilder(columns.size());
        for (Column c : columns) {
            sb.append(c.affinity().code());
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == Affinity.BLOB.code()) {
            end--;
        }
        return end == 0 ? null : sb.substring(0, end);
    }

    Table withIndexes(List<Index> idx) {
        return new Table(name, rootPage, columns, rowidAlias, withoutRowid, autoincrement, sql, idx, checks, strict,
                primaryKey);
    }
}
