package io.ringlite.engine.schema;

import java.util.Arrays;

/**
 * The PRIMARY KEY of a WITHOUT ROWID table and the layout of its rows.
 *
 * <p>A WITHOUT ROWID table is an index B-tree (fileformat2, "Representation Of SQL Tables";
 * withoutrowid.html, section 4). Each entry is one row: the key fields first, in PRIMARY KEY
 * order, then every other column in table order. A column named twice in the key with the same
 * collation is stored once (SQLite drops the repeat); the entries are ordered by the key fields,
 * each with its direction and collation.
 *
 * <p>Invariants: {@code columns}, {@code descending} and {@code collations} have one element
 * per key field; {@code fieldOrder} lists every table column at least once and starts with
 * {@code columns}; {@code fieldOfColumn[c]} is the first field holding column {@code c}.
 *
 * @param columns       table column of each key field
 * @param descending    per key field: DESC
 * @param collations    per key field: the collation name it compares with
 * @param fieldOrder    table column stored in each field of a row's record
 * @param fieldOfColumn record field of each table column
 */
public record PrimaryKey(int[] columns, boolean[] descending, String[] collations, int[] fieldOrder,
                         int[] fieldOfColumn) {

    /** Builds the layout of a table with {@code columnCount} columns from its key fields (duplicates removed). */
    static PrimaryKey of(int columnCount, int[] columns, boolean[] descending, String[] collations) {
        int[] order = new int[columns.length + columnCount];
        int[] fieldOf = new int[columnCount];
        Arrays.fill(fieldOf, -1);
        int n = 0;
        for (int c : columns) {
            if (fieldOf[c] < 0) {
                fieldOf[c] = n;
            }
            order[n++] = c;
        }
        for (int c = 0; c < columnCount; c++) {
            if (fieldOf[c] < 0) {
                fieldOf[c] = n;
                order[n++] = c;
            }
        }
        return new PrimaryKey(columns, descending, collations, Arrays.copyOf(order, n), fieldOf);
    }

    /** Number of key fields. */
    public int size() {
        return columns.length;
    }

    /** Number of fields of a row's record. */
    public int fields() {
        return fieldOrder.length;
    }

    /**
     * True if key field {@code k} is also index key column {@code column} compared with
     * {@code collation}: SQLite then does not repeat it after the index's key (its isDupColumn).
     */
    public boolean sameField(int k, int column, String collation) {
        return columns[k] == column && collations[k].equalsIgnoreCase(collation);
    }
}
