/**
 * Pages of a database file: the page cache, transactions and statement savepoints, the
 * freelist, hot-journal rollback. {@link io.ringlite.storage.pager.Pager} is the contract the
 * B-tree layer codes against; {@link io.ringlite.storage.pager.WalPager} implements it over a
 * {@link io.ringlite.storage.wal.Wal}. Open a database through {@link io.ringlite.storage.Storage}.
 */
package io.ringlite.storage.pager;
