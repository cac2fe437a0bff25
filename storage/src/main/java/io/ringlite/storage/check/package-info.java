/**
 * Integrity checking of a database file: {@link io.ringlite.storage.check.IntegrityCheck} walks
 * the freelist and every B-tree (table and index pages) through the pager, asynchronously and
 * bounded on corrupt input, and reports problems with SQLite 3.40's {@code PRAGMA integrity_check}
 * messages. The engine runs it for {@code PRAGMA integrity_check} and {@code quick_check}.
 */
package io.ringlite.storage.check;
