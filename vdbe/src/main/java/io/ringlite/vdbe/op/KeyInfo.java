package io.ringlite.vdbe.op;

import io.ringlite.vdbe.value.Collation;
import java.util.List;

/**
 * How a sorter or an index compares its keys: the first {@code descending.size()} fields of each record,
 * each with its direction and collation. NULLs sort first ascending and last descending, as in
 * SQLite. EXPLAIN prints it as SQLite does, e.g. {@code k(2,B,-B)}.
 */
public record KeyInfo(List<Boolean> descending, List<Collation> collations, boolean ofIndex) {
    public KeyInfo {
        descending = List.copyOf(descending);
        collations = List.copyOf(collations);
        if (descending.size() != collations.size()) {
            throw new IllegalArgumentException("one collation per key field");
        }
    }

    /** A sorter's key. */
    public KeyInfo(List<Boolean> descending, List<Collation> collations) {
        this(descending, collations, false);
    }

    /**
     * An index B-tree's key (its fields, then the rowid). Compares the same; EXPLAIN prints a
     * BINARY field as an empty name, as SQLite does for index cursors ({@code k(2,,)}).
     */
    public static KeyInfo ofIndex(List<Boolean> descending, List<Collation> collations) {
        return new KeyInfo(descending, collations, true);
    }

    /** {@code n} ascending BINARY keys. */
    public static KeyInfo ascending(int n) {
        return new KeyInfo(java.util.Collections.nCopies(n, false),
                java.util.Collections.nCopies(n, Collation.BINARY));
    }

    public int keyFields() {
        return descending.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("k(").append(descending.size());
        for (int i = 0; i < descending.size(); i++) {
            sb.append(',').append(descending.get(i) ? "-" : "");
            Collation c = collations.get(i);
            sb.append(c == Collation.BINARY ? (ofIndex ? "" : "B") : c.name());
        }
        return sb.append(')').toString();
    }
}
