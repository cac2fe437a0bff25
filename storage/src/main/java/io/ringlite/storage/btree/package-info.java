/**
 * Table and index B-trees in SQLite's file format ("B-tree Pages" of the file format document),
 * over the {@link io.ringlite.storage.pager.Pager}.
 *
 * <h2>Public surface</h2>
 * {@link io.ringlite.storage.btree.BTrees#create} gives a {@link io.ringlite.storage.btree.BTreeStore}
 * (create, clear and drop trees; open {@link io.ringlite.storage.btree.BTreeCursor table} and
 * {@link io.ringlite.storage.btree.IndexCursor index} cursors). Every call returns
 * {@code IoStatus}: READY, or Pending having changed nothing (the VDBE re-runs it).
 *
 * <h2>Inside</h2>
 * <ul>
 *   <li>Page and cell layout: {@code BTreePage} (header, pointer array, freeblocks, in-place
 *       insert and remove, defragmentation), {@code TableCells}, {@code IndexCells},
 *       {@code PayloadRules} (local/overflow split), {@code OverflowChain}.</li>
 *   <li>Positions: {@code TreePath} (table), {@code IndexPath} (index); seeks never trust an
 *       interior key to exist in a leaf (a divider can outlive its row).</li>
 *   <li>Cursors: {@code TableCursor}, {@code IndexTreeCursor}; a cursor whose tree changed
 *       (generation counter) re-seeks its key before it uses a page again.</li>
 *   <li>Writes, fetch-then-mutate: {@code TableWriter}, {@code IndexWriter} do phase 1 (fetch
 *       the path, overflow chains and the siblings a balance may need, reserve allocations and
 *       frees; Pending here changes nothing) and phase 2 (no I/O) through the
 *       {@code Balancer}.</li>
 *   <li>{@code Balancer}: SQLite's balancing, for table and index trees alike. A change is made
 *       in place while the page has room (gap, a freeblock, or after defragmenting); otherwise
 *       the page is overfull and is balanced: {@code balanceQuick} for a rowid append to the
 *       right-most leaf (new right sibling holding just the new cell, so sequential inserts
 *       leave full pages), {@code balanceNonRoot} otherwise (up to three siblings under one
 *       parent gathered with their dividers, laid out again left to right and evened out,
 *       pages allocated or freed as the count changes, dividers rewritten in the parent, which
 *       may overflow or underflow in turn), {@code balanceDeeper} for an overfull root. After a
 *       delete or a shrinking update a page with more than two thirds of its usable size free
 *       is balanced the same way (so pages merge), and a root interior page left without cells
 *       takes its only child's content. Cells move whole: overflow chains stay attached.</li>
 *   <li>{@code PagerBTreeStore} wires it together; {@code TreeDropper} frees whole trees.</li>
 * </ul>
 */
package io.ringlite.storage.btree;
