/**
 * SQL to VDBE program: {@link io.ringlite.engine.compile.Compiler#compile(String,
 * io.ringlite.engine.schema.Schema)} parses the first statement of a text and generates its
 * {@link io.ringlite.vdbe.Program} with the vdbe's ProgramBuilder and opcodes, in the shapes
 * SQLite's code generator uses (compare {@code EXPLAIN} output).
 *
 * <p>One class per statement kind (SELECT, INSERT, UPDATE, DELETE, CREATE TABLE), expressions in
 * {@link io.ringlite.engine.compile.ExprCompiler}, name resolution in
 * {@link io.ringlite.engine.compile.Scope}. Every program starts with Init jumping to a
 * prologue that opens the transaction and jumps back to address 1. A WITHOUT ROWID table is an
 * index B-tree keyed by its PRIMARY KEY ({@code Scope.open}, {@code Table.storageField} for the
 * record field of a column): INSERT/UPDATE/DELETE write it with IdxInsert/Delete and probe its key
 * where SQLite checks it among the indexes ({@code IndexMaintenance}); a WHERE pinning the leading
 * key fields seeks instead of scanning ({@code RowidCollector.seekKey}). The loop over a rowid
 * table (alone, in a join, or collecting the rows of UPDATE/DELETE) runs on an index when the
 * WHERE's {@code =}, {@code IS}, {@code IN}, range or BETWEEN terms allow it under SQLite's
 * affinity and collation rules, and a one-table ORDER BY the index order gives skips the sorter
 * ({@link io.ringlite.engine.compile.WherePlanner}). What does not compile yet
 * fails with {@code not supported yet: <feature>}; a wrong program is never produced
 * knowingly.
 */
package io.ringlite.engine.compile;
