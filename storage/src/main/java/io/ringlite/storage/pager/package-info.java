/**
 * Pages of a database file: the page cache, transactions and statement savepoints, the
 * freelist, hot-journal rollback. {@link io.ringlite.storage.pager.Pager} is the contract the
 * B-tree layer codes against; {@link io.ringlite.storage.pager.WalPager} implements it over a
 * {@link io.ringlite.storage.wal.Wal}. Open a database through {@link io.ringlite.storage.Storage}.
 *
 * <h2>Auto-vacuum files</h2>
 * Files with a non-zero "largest root page" (header offset 52) carry a pointer map
 * ({@code PtrMap}: one entry per page naming its type and the page that refers to it) and keep
 * their root pages at the low page numbers. {@code AutoVacuum} does all of it inside the pager,
 * so the B-tree layer knows nothing of pointer maps:
 * <ul>
 *   <li>Entries are derived at commit (and before any step that reads them) from the final
 *       content of the transaction's dirty pages: a dirty b-tree page re-parents its children and
 *       first overflow pages, a dirty overflow page its successor, the changed freelist trunks
 *       mark their pages free. SQLite instead updates each entry at the moment a pointer changes
 *       (btree.c); the result on disk is the same.</li>
 *   <li>New roots go to largestRoot+1 ({@link io.ringlite.storage.pager.Pager#allocateRoot}),
 *       moving the page found there; a dropped root's slot takes the largest root and that
 *       tree's sqlite_schema row is patched in place ({@link io.ringlite.storage.pager.Pager#freeRoot}).</li>
 *   <li>FULL mode: every commit moves pages from the end of the file into free pages and lowers
 *       the page count until the freelist is empty (the WAL commit frame carries the new size;
 *       the file shrinks at checkpoint). INCREMENTAL: {@code PRAGMA incremental_vacuum(N)}
 *       ({@link io.ringlite.storage.pager.Pager#incrementalVacuum}) does the same for N pages.</li>
 * </ul>
 */
package io.ringlite.storage.pager;
