/**
 * Integrity checking of a database file: {@link io.ringlite.storage.check.IntegrityCheck} walks
 * the freelist and every B-tree (table and index pages) through the pager, asynchronously and
 * bounded on corrupt input, and reports problems with SQLite 3.40's {@code PRAGMA integrity_check}
 * messages. The engine runs it for {@code PRAGMA integrity_check} and {@code quick_check} (and,
 * for {@code integrity_check(TABLE)}, over that table's trees only), then runs the row-level
 * half (NOT NULL, CHECK, STRICT types, index/table agreement) as a VDBE program it compiles from
 * the schema ({@code reactive-engine: compile.IntegrityCheckCompiler}), as SQLite does.
 */
package io.ringlite.storage.check;
