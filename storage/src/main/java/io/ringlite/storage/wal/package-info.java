/**
 * SQLite's write-ahead log: the file format and checksum ({@link io.ringlite.storage.wal.WalFormat}),
 * the in-memory index from page to frames ({@link io.ringlite.storage.wal.WalIndex}), and the log
 * file itself: recovery, commit, restart ({@link io.ringlite.storage.wal.Wal}).
 */
package io.ringlite.storage.wal;
