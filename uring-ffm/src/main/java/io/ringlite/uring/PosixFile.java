package io.ringlite.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The synchronous file-descriptor calls that sit beside the ring: open, size, truncate, POSIX
 * byte-range locks, close. They are metadata operations done when a database is opened or a WAL
 * is reset, not on the per-page path.
 *
 * <p>Locks are {@code fcntl(F_SETLK)} record locks, the ones SQLite's unix VFS takes, so a
 * {@code sqlite3} process sees them. POSIX semantics apply: locks belong to the process (two
 * descriptors of one process never conflict), re-locking a range upgrades or downgrades it in
 * place, and closing <em>any</em> descriptor of the file drops all of the process's locks on it.
 *
 * <p>{@code struct flock} on x86_64 and aarch64 (32 bytes):
 * <pre>
 * OFFSET SIZE DESCRIPTION
 *   0     2   l_type   (F_RDLCK 0, F_WRLCK 1, F_UNLCK 2)
 *   2     2   l_whence (SEEK_SET 0)
 *   8     8   l_start
 *  16     8   l_len    (0 = to end of file and beyond)
 *  24     4   l_pid
 * </pre>
 */
public final class PosixFile {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    public static final int O_CLOEXEC = 0x80000;

    private static final int F_SETLK = 6;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final int SEEK_END = 2;

    private PosixFile() {
    }

    /** open(2); returns the descriptor. */
    public static int open(Path path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = LibC.newCapture(arena);
            MemorySegment cpath = arena.allocateFrom(path.toString());
            int fd = (int) LibC.get().open.invokeExact(cap, cpath, flags | O_CLOEXEC, mode);
            if (fd < 0) {
                throw new UringException("open " + path, LibC.errno(cap));
            }
            return fd;
        } catch (UringException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** The file's size: lseek(fd, 0, SEEK_END) (positioned I/O never uses the offset it moves). */
    public static long size(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = LibC.newCapture(arena);
            long r = (long) LibC.get().lseek.invokeExact(cap, fd, 0L, SEEK_END);
            if (r < 0) {
                throw new UringException("lseek", LibC.errno(cap));
            }
            return r;
        } catch (UringException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** ftruncate(2). */
    public static void truncate(int fd, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = LibC.newCapture(arena);
            int r = (int) LibC.get().ftruncate.invokeExact(cap, fd, size);
            if (r < 0) {
                throw new UringException("ftruncate", LibC.errno(cap));
            }
        } catch (UringException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /**
     * Takes a read ({@code shared}) or write lock on {@code [position, position+length)} without
     * waiting. Returns false if another process holds a conflicting lock (EAGAIN/EACCES).
     */
    public static boolean tryLock(int fd, long position, long length, boolean shared) {
        return setLock(fd, shared ? F_RDLCK : F_WRLCK, position, length);
    }

    /** Releases this process's locks on the range. */
    public static void unlock(int fd, long position, long length) {
        boolean ok = setLock(fd, F_UNLCK, position, length);
        assert ok : "invariant: F_UNLCK cannot conflict";
    }

    private static boolean setLock(int fd, short type, long position, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = LibC.newCapture(arena);
            MemorySegment flock = arena.allocate(32, 8);
            flock.set(JAVA_SHORT, 0, type);
            flock.set(JAVA_SHORT, 2, (short) 0);
            flock.set(JAVA_LONG, 8, position);
            flock.set(JAVA_LONG, 16, length);
            flock.set(JAVA_INT, 24, 0);
            int r = (int) LibC.get().fcntl.invokeExact(cap, fd, F_SETLK, flock);
            if (r < 0) {
                int errno = LibC.errno(cap);
                if (errno == Errno.EAGAIN.number() || errno == Errno.EACCES.number()) {
                    return false;
                }
                throw new UringException("fcntl(F_SETLK)", errno);
            }
            return true;
        } catch (UringException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** close(2). */
    public static void close(int fd) {
        int r = LibC.close(fd);
        if (r < 0) {
            throw new UringException("close", -r);
        }
    }
}
