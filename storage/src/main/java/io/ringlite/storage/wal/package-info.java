/**
 * SQLite's write-ahead log: the file format and checksum ({@link io.ringlite.storage.wal.WalFormat}),
 * the in-memory index from page to frames ({@link io.ringlite.storage.wal.WalIndex}), the log
 * file itself: recovery, commit, restart ({@link io.ringlite.storage.wal.Wal}), and the copy of
 * its frames into the database file ({@link io.ringlite.storage.wal.WalBackfill}).
 *
 * <h2>When the files are synced ({@code PRAGMA synchronous}, read at each commit and checkpoint)</h2>
 * <table>
 *   <caption>syncs per level</caption>
 *   <tr><th>level</th><th>commit</th><th>checkpoint</th><th>after an OS crash / power cut</th></tr>
 *   <tr><td>OFF (0)</td><td>none</td><td>none</td><td>recent commits may be lost; a crash during a
 *       checkpoint may corrupt the database (as SQLite documents)</td></tr>
 *   <tr><td>NORMAL (1)</td><td>none</td><td>the WAL before the copy, the database file after it,
 *       the WAL's truncation before the next generation is written</td><td>consistent; a prefix of
 *       the commits, at least every one a completed checkpoint copied</td></tr>
 *   <tr><td>FULL (2, default), EXTRA (3)</td><td>the WAL, after all the commit's frames were
 *       written and before the commit completes</td><td>as NORMAL</td><td>every acknowledged
 *       commit survives</td></tr>
 * </table>
 * A process crash (the OS survives) never loses an acknowledged commit at any level. The first
 * commit of a new database also writes and (unless OFF) syncs its empty page 1 into the database
 * file first, because SQLite ignores a WAL next to an empty database file.
 */
package io.ringlite.storage.wal;
