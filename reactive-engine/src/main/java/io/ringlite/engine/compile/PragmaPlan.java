package io.ringlite.engine.compile;

import io.ringlite.vdbe.Program;
import java.util.List;

/**
 * What a PRAGMA statement does, decided at compile time; the engine runtime carries it out
 * directly against the pager (no VDBE program: pragmas read and write header fields, run a
 * checkpoint or an integrity check, none of which the instruction set covers).
 *
 * @param kind         which pragma
 * @param columnNames  result columns as sqlite3 3.40 names them (empty when it returns nothing)
 * @param set          the pragma was given a value ({@code PRAGMA x = v} or {@code PRAGMA x(v)})
 * @param number       the value as SQLite reads it for this pragma (sqlite3Atoi, a safety level,
 *                     an error limit, a checkpoint mode ordinal); 0 when not set
 * @param rows         for {@link Kind#CONSTANT}: the rows, computed from the schema
 * @param roots        for the integrity checks: the root pages whose B-trees are checked (every
 *                     table and index of the schema, or those of the one table named)
 * @param rowChecks    for the integrity checks: the program scanning the rows (NOT NULL, CHECK,
 *                     index agreement; see {@code IntegrityCheckCompiler}), parameter ?1 = the
 *                     messages still allowed; null when there is no table
 * @param partial      {@code integrity_check(TABLE)}: only that table's trees, no freelist and
 *                     no "never used" pages, as SQLite
 */
public record PragmaPlan(Kind kind, List<String> columnNames, boolean set, long number, List<Object[]> rows,
                         int[] roots, Program rowChecks, boolean partial) {

    /** The pragmas the runtime executes. Anything else compiles to {@link #IGNORED}, as SQLite ignores it. */
    public enum Kind {
        PAGE_SIZE, PAGE_COUNT, FREELIST_COUNT, USER_VERSION, APPLICATION_ID, SCHEMA_VERSION,
        JOURNAL_MODE, SYNCHRONOUS, WAL_AUTOCHECKPOINT, BUSY_TIMEOUT, WAL_CHECKPOINT,
        INTEGRITY_CHECK, QUICK_CHECK,
        /** data_version: per session, changes when another session commits. */
        DATA_VERSION,
        /** auto_vacuum: reports or sets the mode (0 NONE, 1 FULL, 2 INCREMENTAL) in {@code number}. */
        AUTO_VACUUM,
        /** incremental_vacuum(N): frees up to {@code number} pages from the end of the file (0: all). */
        INCREMENTAL_VACUUM,
        /** Rows known at compile time (table_info). */
        CONSTANT,
        /** Unknown pragma, or a setting with no effect here: no rows, nothing done. */
        IGNORED
    }

    /** wal_checkpoint modes, in SQLite's order. */
    public enum CheckpointMode { PASSIVE, FULL, RESTART, TRUNCATE }

    public PragmaPlan {
        columnNames = List.copyOf(columnNames);
        rows = List.copyOf(rows);
        roots = roots.clone();
    }

    /** The plan writes the database file (a header field is set). */
    public boolean writes() {
        return kind == Kind.INCREMENTAL_VACUUM || set && switch (kind) {
            case USER_VERSION, APPLICATION_ID, SCHEMA_VERSION, AUTO_VACUUM -> true;
            default -> false;
        };
    }
}
