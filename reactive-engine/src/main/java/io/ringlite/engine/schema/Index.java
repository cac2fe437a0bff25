package io.ringlite.engine.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An index of a table: an index B-tree whose entries are records of the key columns followed by
 * the rowid of the table row.
 *
 * @param columns     names of the indexed columns (null entries for expressions)
 * @param unique      a UNIQUE index (also every automatic index)
 * @param sql         CREATE INDEX text, null for an automatic index (UNIQUE / PRIMARY KEY constraint)
 * @param descending  per key column: DESC
 * @param collations  per key column: the COLLATE name given in the index, or null (then the
 *                    column's declared collation, else BINARY, applies)
 * @param primaryKey  the automatic index of a PRIMARY KEY that is not the rowid (its conflicts
 *                    are SQLITE_CONSTRAINT_PRIMARYKEY)
 * @param partial     has a WHERE clause (a partial index)
 */
public record Index(String name, String tableName, int rootPage, List<String> columns, boolean unique, String sql,
                    List<Boolean> descending, List<String> collations, boolean primaryKey, boolean partial) {

    public Index {
        columns = Collections.unmodifiableList(new ArrayList<>(columns));
        descending = List.copyOf(descending);
        collations = Collections.unmodifiableList(new ArrayList<>(collations));
        if (descending.size() != columns.size() || collations.size() != columns.size()) {
            throw new IllegalArgumentException("invariant: one direction and collation per index column");
        }
    }

    /** An index with ascending key columns of their declared collations. */
    public Index(String name, String tableName, int rootPage, List<String> columns, boolean unique, String sql) {
        this(name, tableName, rootPage, columns, unique, sql, Collections.nCopies(columns.size(), false),
                Collections.nCopies(columns.size(), null), false, false);
    }

    /** True for an index made by a UNIQUE or PRIMARY KEY constraint (no CREATE INDEX text). */
    public boolean automatic() {
        return sql == null;
    }

    /** True if every key column is a plain column (no expression). */
    public boolean plainColumns() {
        for (String c : columns) {
            if (c == null) {
                return false;
            }
        }
        return true;
    }

    Index withRoot(String newName, int root) {
        return new Index(newName, tableName, root, columns, unique, sql, descending, collations, primaryKey, partial);
    }
}
