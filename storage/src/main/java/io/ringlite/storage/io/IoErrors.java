package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.uring.Errno;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one place where an I/O failure becomes a {@link DatabaseException}.
 *
 * <p>The code is SQLite's extended IOERR code for the operation (IOERR_READ, IOERR_WRITE,
 * IOERR_FSYNC, ...), except that ENOSPC and EDQUOT are FULL ("database or disk is full") and a
 * failed open is CANTOPEN, as in SQLite's unix VFS. The message always names the errno, e.g.
 * {@code "disk I/O error: EIO (Input/output error) while reading /db/x.db at offset 4096"}.
 */
public final class IoErrors {

    /** The file operations, each with the IOERR code SQLite reports for it. */
    public enum Op {
        READ(ResultCode.IOERR_READ, "reading"),
        WRITE(ResultCode.IOERR_WRITE, "writing"),
        SYNC(ResultCode.IOERR_FSYNC, "syncing"),
        TRUNCATE(ResultCode.IOERR_TRUNCATE, "truncating"),
        SIZE(ResultCode.IOERR_FSTAT, "measuring"),
        LOCK(ResultCode.IOERR_LOCK, "locking"),
        UNLOCK(ResultCode.IOERR_UNLOCK, "unlocking"),
        CLOSE(ResultCode.IOERR_CLOSE, "closing"),
        DELETE(ResultCode.IOERR_DELETE, "deleting"),
        OPEN(ResultCode.CANTOPEN, "opening");

        private final ResultCode code;
        private final String verb;

        Op(ResultCode code, String verb) {
            this.code = code;
            this.verb = verb;
        }

        public ResultCode code() {
            return code;
        }
    }

    private IoErrors() {
    }

    /** The error for {@code op} on {@code path} failing with the positive {@code errno}. */
    public static DatabaseException of(Op op, Path path, long offset, int errno, Throwable cause) {
        String err = Errno.describe(errno);
        String where = " while " + op.verb + " " + path + (offset >= 0 ? " at offset " + offset : "");
        ResultCode code = op.code;
        String lead = "disk I/O error";
        if (errno == Errno.ENOSPC.number() || errno == Errno.EDQUOT.number()) {
            code = ResultCode.FULL;
            lead = "database or disk is full";
        } else if (op == Op.OPEN) {
            lead = "unable to open database file";
            if (errno == Errno.EISDIR.number()) {
                code = ResultCode.CANTOPEN_ISDIR;
            }
        } else if (errno == Errno.EROFS.number() && op == Op.WRITE) {
            code = ResultCode.READONLY;
            lead = "attempt to write a readonly database";
        }
        return new DatabaseException(code, lead + ": " + err + where, cause);
    }

    public static DatabaseException of(Op op, Path path, long offset, int errno) {
        return of(op, path, offset, errno, null);
    }

    /**
     * Java reports errno only as strerror text inside IOException messages (and a few subtypes);
     * this recovers the errno from them, defaulting to EIO.
     */
    public static int errnoOf(Throwable t) {
        if (t instanceof NoSuchFileException) {
            return Errno.ENOENT.number();
        }
        if (t instanceof AccessDeniedException) {
            return Errno.EACCES.number();
        }
        String msg = t instanceof FileSystemException fse ? fse.getReason() : t.getMessage();
        if (msg != null) {
            for (Errno e : Errno.values()) {
                if (msg.contains(e.description())) {
                    return e.number();
                }
            }
            if (msg.contains("Is a directory")) {
                return Errno.EISDIR.number();
            }
        }
        return Errno.EIO.number();
    }

    /** The error for an IOException (or other failure) from the JDK's file APIs. */
    public static DatabaseException fromJava(Op op, Path path, long offset, Throwable t) {
        if (t instanceof DatabaseException de) {
            return de;
        }
        if (!(t instanceof IOException) && !(t instanceof java.io.UncheckedIOException)) {
            return new DatabaseException(op.code, "disk I/O error: " + t + " while " + op.verb + " " + path, t);
        }
        return of(op, path, offset, errnoOf(t), t);
    }
}
