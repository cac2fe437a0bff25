package io.ringlite.storage.error;

/**
 * The one exception type of the engine: a SQLite result code, a message as SQLite would word
 * it, and, for corruption, the page it was found on.
 *
 * <p>Every layer throws this for bad input (SQL text, parameters, file and WAL bytes) and for
 * I/O failures. An impossible internal state is an {@link IllegalStateException} instead
 * ("invariant: ..."), never this type.
 */
public final class DatabaseException extends RuntimeException {
    private final ResultCode code;
    private final int pageNumber;

    public DatabaseException(ResultCode code, String message) {
        this(code, message, 0, null);
    }

    public DatabaseException(ResultCode code, String message, Throwable cause) {
        this(code, message, 0, cause);
    }

    public DatabaseException(ResultCode code, String message, int pageNumber, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.pageNumber = pageNumber;
    }

    /** A SQLITE_CORRUPT error naming the page it was found on. */
    public static DatabaseException corrupt(int pageNumber, String what) {
        return new DatabaseException(ResultCode.CORRUPT,
                "database disk image is malformed (page " + pageNumber + ": " + what + ")", pageNumber, null);
    }

    public ResultCode code() {
        return code;
    }

    /** The page a corruption was found on, or 0. */
    public int pageNumber() {
        return pageNumber;
    }
}
