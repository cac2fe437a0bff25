/**
 * SQL to VDBE program: {@link io.ringlite.engine.compile.Compiler#compile(String,
 * io.ringlite.engine.schema.Schema)} parses the first statement of a text and generates its
 * {@link io.ringlite.vdbe.Program} with the vdbe's ProgramBuilder and opcodes, in the shapes
 * SQLite's code generator uses (compare {@code EXPLAIN} output).
 *
 * <p>One class per statement kind (SELECT, INSERT, UPDATE, DELETE, CREATE TABLE), expressions in
 * {@link io.ringlite.engine.compile.ExprCompiler}, name resolution in
 * {@link io.ringlite.engine.compile.Scope}. Every program starts with Init jumping to a
 * prologue that opens the transaction and jumps back to address 1. What does not compile yet
 * fails with {@code not supported yet: <feature>}; a wrong program is never produced
 * knowingly.
 */
package io.ringlite.engine.compile;
