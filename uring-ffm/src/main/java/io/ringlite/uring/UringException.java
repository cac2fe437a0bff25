package io.ringlite.uring;

/**
 * A failed system call or io_uring operation, carrying the errno and its name.
 *
 * <p>The message reads {@code "<operation> failed: EBADF (Bad file descriptor)"}, so a log line
 * names the errno without a lookup table. Callers that map to other error models branch on
 * {@link #errno()} (or {@link #errnoConstant()}), never on the message.
 */
public final class UringException extends RuntimeException {
    private final int errno;
    private final String operation;

    public UringException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = Math.abs(errno);
        this.operation = operation;
    }

    /** The failure for a negative CQE result or syscall return value. */
    public static UringException fromResult(String operation, long negativeResult) {
        if (negativeResult >= 0) {
            throw new IllegalStateException("invariant: not a failure result: " + negativeResult);
        }
        return new UringException(operation, (int) -negativeResult);
    }

    /** The positive errno. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. "ENOSPC". */
    public String errnoName() {
        return Errno.nameOf(errno);
    }

    /** The errno as a constant, or null when it is not one {@link Errno} lists. */
    public Errno errnoConstant() {
        return Errno.of(errno);
    }

    /** What failed, e.g. "io_uring_setup" or "write". */
    public String operation() {
        return operation;
    }
}
