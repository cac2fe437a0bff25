package io.ringlite.storage.record;

import java.util.Arrays;

/**
 * How the records of one index B-tree are ordered: per key column its collation and whether it
 * sorts descending. Columns past {@link #columns()} (e.g. the rowid SQLite appends to every
 * index entry) compare BINARY, ascending.
 *
 * <p>Invariant: {@code collations.length == desc.length}; no element is null.
 */
public record KeyInfo(Collation[] collations, boolean[] desc) {

    public KeyInfo {
        if (collations.length != desc.length) {
            throw new IllegalArgumentException("collations and desc differ in length");
        }
        for (Collation c : collations) {
            if (c == null) {
                throw new IllegalArgumentException("null collation");
            }
        }
        collations = collations.clone();
        desc = desc.clone();
    }

    /** {@code n} columns, all BINARY and ascending. */
    public static KeyInfo binary(int n) {
        Collation[] c = new Collation[n];
        Arrays.fill(c, Collation.BINARY);
        return new KeyInfo(c, new boolean[n]);
    }

    /** Number of described key columns. */
    public int columns() {
        return collations.length;
    }

    public Collation collation(int i) {
        return i < collations.length ? collations[i] : Collation.BINARY;
    }

    public boolean descending(int i) {
        return i < desc.length && desc[i];
    }
}
