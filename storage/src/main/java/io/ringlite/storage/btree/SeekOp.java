package io.ringlite.storage.btree;

/**
 * How {@link IndexCursor#seek} positions, relative to a (possibly partial) key K compared as a
 * prefix: an entry "equals" K when its first K.length fields compare equal.
 * <ul>
 *   <li>GE: the first entry &gt;= K; GT: the first entry &gt; K (past every entry equal to K);</li>
 *   <li>LE: the last entry &lt;= K; LT: the last entry &lt; K;</li>
 *   <li>EQ: as GE, and {@link BTreeCursor#found()} tells whether that entry equals K.</li>
 * </ul>
 * When no entry qualifies the cursor is at eof.
 */
public enum SeekOp {
    GE, GT, LE, LT, EQ
}
