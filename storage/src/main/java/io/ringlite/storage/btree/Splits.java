package io.ringlite.storage.btree;

import java.util.ArrayList;
import java.util.List;

/**
 * How the cells of an overfull page are divided into pieces, one page each (see the splitting
 * rules in {@link TableWriter}). Pure functions over cell byte arrays; {@code cap} is the space
 * (cells plus 2-byte pointers) of one non-root page of the kind.
 */
final class Splits {
    private Splits() {
    }

    /**
     * One page's worth of cells. {@code right} is the right-most child (interior pieces),
     * {@code divider} the key that bounds the piece from above in the parent (every piece but
     * the last).
     */
    record Piece(List<byte[]> cells, int right, long divider) {
    }

    /**
     * Leaf cells in key order: the append split (old cells | the new last cell) when
     * {@code append}, else the most balanced two pieces, else greedy left-to-right filling (a
     * big cell in the middle may need three). A single piece only when everything fits one page
     * (a root on page 1, whose own space is 100 bytes smaller).
     */
    static List<Piece> leaf(List<byte[]> cells, int cap, boolean append) {
        int n = cells.size();
        List<Piece> out = new ArrayList<>(3);
        if (append && n >= 2 && BTreePage.spaceNeeded(cells.subList(0, n - 1)) <= cap) {
            out.add(leafPiece(cells.subList(0, n - 1)));
            out.add(leafPiece(cells.subList(n - 1, n)));
            return out;
        }
        int[] pre = prefix(cells);
        int total = pre[n];
        int best = -1;
        int bestMax = Integer.MAX_VALUE;
        for (int k = 1; k < n; k++) {
            int l = pre[k];
            int r = total - l;
            if (l <= cap && r <= cap && Math.max(l, r) < bestMax) {
                best = k;
                bestMax = Math.max(l, r);
            }
        }
        if (best > 0) {
            out.add(leafPiece(cells.subList(0, best)));
            out.add(leafPiece(cells.subList(best, n)));
            return out;
        }
        int start = 0;
        for (int k = 1; k <= n; k++) {
            if (k == n || pre[k + 1] - pre[start] > cap) {
                out.add(leafPiece(cells.subList(start, k)));
                start = k;
            }
        }
        return out;
    }

    private static Piece leafPiece(List<byte[]> cells) {
        List<byte[]> copy = new ArrayList<>(cells);
        return new Piece(copy, 0, TableCells.rowidOfLeaf(copy.get(copy.size() - 1)));
    }

    /**
     * Interior cells in key order plus the right-most child: the most balanced two pieces with
     * the cell between them moving up as the divider.
     */
    static List<Piece> interior(List<byte[]> cells, int right, int cap) {
        int n = cells.size();
        int[] pre = prefix(cells);
        int best = -1;
        int bestMax = Integer.MAX_VALUE;
        for (int m = 1; m < n - 1; m++) {
            int l = pre[m];
            int r = pre[n] - pre[m + 1];
            if (l <= cap && r <= cap && Math.max(l, r) < bestMax) {
                best = m;
                bestMax = Math.max(l, r);
            }
        }
        if (best < 0) {
            throw new IllegalStateException("invariant: interior page of " + n + " cells cannot be split in two");
        }
        byte[] mid = cells.get(best);
        List<Piece> out = new ArrayList<>(2);
        out.add(new Piece(new ArrayList<>(cells.subList(0, best)), TableCells.childOf(mid), TableCells.keyOfInterior(mid)));
        out.add(new Piece(new ArrayList<>(cells.subList(best + 1, n)), right, 0));
        return out;
    }

    private static int[] prefix(List<byte[]> cells) {
        int[] pre = new int[cells.size() + 1];
        for (int i = 0; i < cells.size(); i++) {
            pre[i + 1] = pre[i] + cells.get(i).length + 2;
        }
        return pre;
    }
}
