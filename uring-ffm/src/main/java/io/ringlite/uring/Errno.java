package io.ringlite.uring;

/**
 * The Linux errno values this project names in its errors.
 *
 * <p>The numbers are the asm-generic ones, shared by x86_64 and aarch64 (the two architectures the
 * ring supports). A kernel result that is not listed here is still reported, as {@code E<n>}.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ESPIPE(29, "Illegal seek"),
    EROFS(30, "Read-only file system"),
    EPIPE(32, "Broken pipe"),
    EDEADLK(35, "Resource deadlock avoided"),
    ENAMETOOLONG(36, "File name too long"),
    ENOLCK(37, "No locks available"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EBADFD(77, "File descriptor in bad state"),
    EOPNOTSUPP(95, "Operation not supported"),
    ETIMEDOUT(110, "Connection timed out"),
    EDQUOT(122, "Disk quota exceeded"),
    ECANCELED(125, "Operation canceled");

    private static final Errno[] BY_NUMBER = new Errno[126];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** The positive errno value. */
    public int number() {
        return number;
    }

    /** The strerror-style text. */
    public String description() {
        return description;
    }

    /** The constant for a positive errno, or null when it is not listed. */
    public static Errno of(int errno) {
        return errno > 0 && errno < BY_NUMBER.length ? BY_NUMBER[errno] : null;
    }

    /** "EBADF" for 9; "E4711" for an unlisted value. Accepts a negative kernel result too. */
    public static String nameOf(int errno) {
        int n = Math.abs(errno);
        Errno e = of(n);
        return e != null ? e.name() : "E" + n;
    }

    /** "EBADF (Bad file descriptor)". */
    public static String describe(int errno) {
        int n = Math.abs(errno);
        Errno e = of(n);
        return e != null ? e.name() + " (" + e.description + ")" : "E" + n + " (errno " + n + ")";
    }
}
