package io.ringlite.storage.error;

/**
 * SQLite's result codes, primary and extended, in one enum.
 *
 * <p>The numeric values are SQLite's own (see "Result and Error Codes" in the SQLite
 * documentation): an extended code is {@code primary | (n << 8)}. The driver maps these to the
 * R2DBC exception hierarchy in exactly one place; nothing else branches on messages.
 */
public enum ResultCode {
    OK(0),
    ERROR(1),
    INTERNAL(2),
    PERM(3),
    ABORT(4),
    BUSY(5),
    LOCKED(6),
    NOMEM(7),
    READONLY(8),
    INTERRUPT(9),
    IOERR(10),
    CORRUPT(11),
    NOTFOUND(12),
    FULL(13),
    CANTOPEN(14),
    PROTOCOL(15),
    EMPTY(16),
    SCHEMA(17),
    TOOBIG(18),
    CONSTRAINT(19),
    MISMATCH(20),
    MISUSE(21),
    NOLFS(22),
    AUTH(23),
    FORMAT(24),
    RANGE(25),
    NOTADB(26),
    NOTICE(27),
    WARNING(28),
    ROW(100),
    DONE(101),

    ERROR_MISSING_COLLSEQ(1 | (1 << 8)),
    ERROR_RETRY(1 | (2 << 8)),
    ERROR_SNAPSHOT(1 | (3 << 8)),
    IOERR_READ(10 | (1 << 8)),
    IOERR_SHORT_READ(10 | (2 << 8)),
    IOERR_WRITE(10 | (3 << 8)),
    IOERR_FSYNC(10 | (4 << 8)),
    IOERR_DIR_FSYNC(10 | (5 << 8)),
    IOERR_TRUNCATE(10 | (6 << 8)),
    IOERR_FSTAT(10 | (7 << 8)),
    IOERR_UNLOCK(10 | (8 << 8)),
    IOERR_RDLOCK(10 | (9 << 8)),
    IOERR_DELETE(10 | (10 << 8)),
    IOERR_NOMEM(10 | (12 << 8)),
    IOERR_ACCESS(10 | (13 << 8)),
    IOERR_LOCK(10 | (15 << 8)),
    IOERR_CLOSE(10 | (16 << 8)),
    IOERR_SHMOPEN(10 | (18 << 8)),
    IOERR_SEEK(10 | (22 << 8)),
    IOERR_DATA(10 | (32 << 8)),
    IOERR_CORRUPTFS(10 | (33 << 8)),
    LOCKED_SHAREDCACHE(6 | (1 << 8)),
    BUSY_RECOVERY(5 | (1 << 8)),
    BUSY_SNAPSHOT(5 | (2 << 8)),
    BUSY_TIMEOUT(5 | (3 << 8)),
    CANTOPEN_NOTEMPDIR(14 | (1 << 8)),
    CANTOPEN_ISDIR(14 | (2 << 8)),
    CANTOPEN_FULLPATH(14 | (3 << 8)),
    CORRUPT_VTAB(11 | (1 << 8)),
    CORRUPT_SEQUENCE(11 | (2 << 8)),
    CORRUPT_INDEX(11 | (3 << 8)),
    READONLY_RECOVERY(8 | (1 << 8)),
    READONLY_CANTLOCK(8 | (2 << 8)),
    READONLY_ROLLBACK(8 | (3 << 8)),
    READONLY_DBMOVED(8 | (4 << 8)),
    READONLY_DIRECTORY(8 | (6 << 8)),
    ABORT_ROLLBACK(4 | (2 << 8)),
    CONSTRAINT_CHECK(19 | (1 << 8)),
    CONSTRAINT_COMMITHOOK(19 | (2 << 8)),
    CONSTRAINT_FOREIGNKEY(19 | (3 << 8)),
    CONSTRAINT_FUNCTION(19 | (4 << 8)),
    CONSTRAINT_NOTNULL(19 | (5 << 8)),
    CONSTRAINT_PRIMARYKEY(19 | (6 << 8)),
    CONSTRAINT_TRIGGER(19 | (7 << 8)),
    CONSTRAINT_UNIQUE(19 | (8 << 8)),
    CONSTRAINT_VTAB(19 | (9 << 8)),
    CONSTRAINT_ROWID(19 | (10 << 8)),
    CONSTRAINT_DATATYPE(19 | (12 << 8));

    private final int code;

    ResultCode(int code) {
        this.code = code;
    }

    /** SQLite's numeric (extended) result code. */
    public int code() {
        return code;
    }

    /** The primary code this one extends (itself for a primary code). */
    public ResultCode primary() {
        return forCode(code & 0xff);
    }

    public static ResultCode forCode(int code) {
        for (ResultCode rc : values()) {
            if (rc.code == code) {
                return rc;
            }
        }
        throw new IllegalArgumentException("unknown SQLite result code " + code);
    }
}
