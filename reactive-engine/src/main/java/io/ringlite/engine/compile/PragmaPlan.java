package io.ringlite.engine.compile;

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
 * @param roots        for the integrity checks: every table and index root page of the schema
 * @param indexes      for integrity_check: the index/table pairs whose entry counts must agree
 */
public record PragmaPlan(Kind kind, List<String> columnNames, boolean set, long number, List<Object[]> rows,
                         int[] roots, List<IndexCount> indexes) {

    /** An index whose entries must number the rows of its table (integrity_check). */
    public record IndexCount(String indexName, int indexRoot, int tableRoot) {
    }

    /** The pragmas the runtime executes. Anything else compiles to {@link #IGNORED}, as SQLite ignores it. */
    public enum Kind {
        PAGE_SIZE, PAGE_COUNT, FREELIST_COUNT, USER_VERSION, APPLICATION_ID, SCHEMA_VERSION,
        JOURNAL_MODE, SYNCHRONOUS, WAL_AUTOCHECKPOINT, BUSY_TIMEOUT, WAL_CHECKPOINT,
        INTEGRITY_CHECK, QUICK_CHECK,
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
        indexes = List.copyOf(indexes);
    }

    /** The plan writes the database file (a header field is set). */
    public boolean writes() {
        return set && switch (kind) {
            case USER_VERSION, APPLICATION_ID, SCHEMA_VERSION -> true;
            default -> false;
        };
    }
}
