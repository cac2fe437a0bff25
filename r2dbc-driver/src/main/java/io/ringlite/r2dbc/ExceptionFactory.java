package io.ringlite.r2dbc;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;

/**
 * The one place where engine errors become R2DBC exceptions.
 *
 * <p>Every mapped exception carries SQLite's extended result code as {@link R2dbcException#getErrorCode()}
 * (e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE), a null SQLState (SQLite has none), the engine's message,
 * and the {@link DatabaseException} as its cause.
 * <table>
 *   <caption>primary result code to R2DBC exception</caption>
 *   <tr><th>SQLite primary code</th><th>R2DBC exception</th></tr>
 *   <tr><td>ERROR (parser, compiler, "no such table", ...)</td><td>{@link R2dbcBadGrammarException} (with the SQL)</td></tr>
 *   <tr><td>CONSTRAINT, MISMATCH</td><td>{@link R2dbcDataIntegrityViolationException}</td></tr>
 *   <tr><td>BUSY, LOCKED, SCHEMA</td><td>{@link R2dbcTransientResourceException} (retrying may succeed)</td></tr>
 *   <tr><td>IOERR, CORRUPT, CANTOPEN, FULL, NOTADB, NOMEM, NOLFS, PROTOCOL, FORMAT</td><td>{@link R2dbcNonTransientResourceException}</td></tr>
 *   <tr><td>READONLY, PERM, AUTH</td><td>{@link R2dbcPermissionDeniedException}</td></tr>
 *   <tr><td>ABORT (a statement or transaction was rolled back)</td><td>{@link R2dbcRollbackException}</td></tr>
 *   <tr><td>INTERRUPT</td><td>{@link R2dbcTimeoutException} (the engine is interrupted only by a cancel or a statement timeout)</td></tr>
 *   <tr><td>anything else (RANGE, MISUSE, TOOBIG, INTERNAL, ...)</td><td>{@link RingliteNonTransientException}</td></tr>
 * </table>
 * Throwables that are not {@link DatabaseException}s (an {@link R2dbcException} already, or a
 * programming error such as {@link IllegalArgumentException}) pass through unchanged.
 */
public final class ExceptionFactory {

    private ExceptionFactory() {
    }

    /** The R2DBC exception for {@code t}, or {@code t} itself if it is not an engine error. */
    public static Throwable map(Throwable t) {
        return map(t, null);
    }

    /**
     * As {@link #map(Throwable)}; {@code sql} is the statement that failed, recorded as the
     * offending SQL of a bad-grammar error.
     */
    public static Throwable map(Throwable t, String sql) {
        if (t instanceof DatabaseException de) {
            return map(de, sql);
        }
        return t;
    }

    /** The R2DBC exception for an engine error. */
    public static R2dbcException map(DatabaseException e, String sql) {
        ResultCode code = e.code() == null ? ResultCode.ERROR : e.code();
        String message = e.getMessage();
        int errorCode = code.code();
        return switch (code.primary()) {
            case ERROR -> new R2dbcBadGrammarException(message, null, errorCode, sql, e);
            case CONSTRAINT, MISMATCH -> new R2dbcDataIntegrityViolationException(message, null, errorCode, e);
            case BUSY, LOCKED, SCHEMA -> new R2dbcTransientResourceException(message, null, errorCode, e);
            case IOERR, CORRUPT, CANTOPEN, FULL, NOTADB, NOMEM, NOLFS, PROTOCOL, FORMAT ->
                    new R2dbcNonTransientResourceException(message, null, errorCode, e);
            case READONLY, PERM, AUTH -> new R2dbcPermissionDeniedException(message, null, errorCode, e);
            case ABORT -> new R2dbcRollbackException(message, null, errorCode, e);
            case INTERRUPT -> new R2dbcTimeoutException(message, null, errorCode, e);
            default -> new RingliteNonTransientException(message, errorCode, e);
        };
    }

    /** An engine error of no more specific R2DBC category (SQLITE_RANGE, SQLITE_MISUSE, SQLITE_TOOBIG, ...). */
    public static final class RingliteNonTransientException extends R2dbcNonTransientException {
        RingliteNonTransientException(String reason, int errorCode, Throwable cause) {
            super(reason, null, errorCode, cause);
        }
    }
}
