package io.ringlite.storage.io.uring;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoErrors;
import io.ringlite.uring.CqeHandler;
import io.ringlite.uring.Errno;
import io.ringlite.uring.PosixFile;
import io.ringlite.uring.UringException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/** A file of the {@link UringBackend}: a raw descriptor whose I/O goes through the ring. */
final class UringFile implements AsyncFile {
    private final UringBackend backend;
    private final Path path;
    private final boolean readOnly;
    private final String identity;
    private int fd;

    UringFile(UringBackend backend, Path path, int fd, boolean readOnly) {
        this.backend = backend;
        this.path = path;
        this.fd = fd;
        this.readOnly = readOnly;
        this.identity = JvmLocks.identity(path);
        try {
            // Best effort: a full table (or a kernel without one) leaves the plain descriptor in use.
            backend.ring().registerFile(fd);
        } catch (UringException e) {
            // The kernel refused the update (ENOMEM and the like): the plain descriptor works too.
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        try {
            return PosixFile.size(fd());
        } catch (UringException e) {
            throw IoErrors.of(IoErrors.Op.SIZE, path, -1, e.errno(), e);
        }
    }

    @Override
    public Completion read(long offset, MemorySegment dst) {
        return transfer(false, offset, dst);
    }

    @Override
    public Completion write(long offset, MemorySegment src) {
        if (readOnly) {
            Completion c = new Completion();
            backend.deliverLater(() -> {
                backend.countCompletion();
                c.fail(new DatabaseException(ResultCode.READONLY,
                        "attempt to write a readonly database: " + path + " was opened read-only"));
            });
            return c;
        }
        return transfer(true, offset, src);
    }

    private Completion transfer(boolean write, long offset, MemorySegment user) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        Completion c = new Completion();
        MemorySegment buf = user;
        if (!user.isNative()) {
            // The kernel needs a stable address; a heap array may move during the operation.
            buf = Arena.ofAuto().allocate(user.byteSize(), 8);
            if (write) {
                buf.copyFrom(user);
            }
        }
        new Transfer(c, write, offset, user, buf).submit();
        return c;
    }

    /**
     * One read or write, re-submitted for its remainder after a short transfer. {@code user} is
     * referenced until completion (contract 2 of {@link AsyncFile}); {@code buf} is pinned by the
     * ring while each part is in flight. It is its own backlog starter and CQE handler, so a
     * transfer costs one object besides its {@link Completion} (and a slice only for a remainder).
     */
    private final class Transfer implements Runnable, CqeHandler {
        private final Completion completion;
        private final boolean write;
        private final long offset;
        private final MemorySegment user;
        private final MemorySegment buf;
        private long done;

        Transfer(Completion completion, boolean write, long offset, MemorySegment user, MemorySegment buf) {
            this.completion = completion;
            this.write = write;
            this.offset = offset;
            this.user = user;
            this.buf = buf;
        }

        void submit() {
            backend.enqueue(this);
        }

        /** Prepares the SQE for what is left (run now, or from the backlog when the ring had no room). */
        @Override
        public void run() {
            MemorySegment part = done == 0 ? buf : buf.asSlice(done);
            int f = fdOrMinus();
            if (write) {
                backend.ring().prepWrite(f, offset + done, part, this);
            } else {
                backend.ring().prepRead(f, offset + done, part, this);
            }
        }

        @Override
        public void onCompletion(int res) {
            if (res < 0) {
                finish(IoErrors.of(write ? IoErrors.Op.WRITE : IoErrors.Op.READ, path, offset + done, -res,
                        UringException.fromResult(write ? "write" : "read", res)));
                return;
            }
            done += res;
            if (done < buf.byteSize() && (res > 0 || write)) {
                if (write && res == 0) {
                    // A regular file never accepts zero bytes without an error; don't spin.
                    finish(IoErrors.of(IoErrors.Op.WRITE, path, offset + done, Errno.EIO.number()));
                    return;
                }
                submit();
                return;
            }
            finish(null);
        }

        private void finish(DatabaseException failure) {
            backend.countCompletion();
            if (failure != null) {
                completion.fail(failure);
                return;
            }
            if (!write && buf != user) {
                MemorySegment.copy(buf, 0, user, 0, done);
            }
            completion.complete(done);
        }
    }

    @Override
    public Completion sync(boolean dataOnly) {
        Completion c = new Completion();
        backend.enqueue(() -> backend.ring().prepFsync(fdOrMinus(), dataOnly, res -> {
            backend.countCompletion();
            if (res < 0) {
                c.fail(IoErrors.of(IoErrors.Op.SYNC, path, -1, -res, UringException.fromResult("fsync", res)));
            } else {
                c.complete(0);
            }
        }));
        return c;
    }

    /**
     * Through the ring (IORING_OP_FTRUNCATE) where the kernel has it (6.9+); otherwise a
     * synchronous ftruncate (a rare, metadata-only call) whose completion is still delivered at
     * the next poll, never inline.
     */
    @Override
    public Completion truncate(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        Completion c = new Completion();
        if (readOnly) {
            DatabaseException f = new DatabaseException(ResultCode.READONLY,
                    "attempt to write a readonly database: " + path + " was opened read-only");
            backend.deliverLater(() -> {
                backend.countCompletion();
                c.fail(f);
            });
            return c;
        }
        if (backend.ring().supportsFtruncate()) {
            backend.enqueue(() -> backend.ring().prepFtruncate(fdOrMinus(), size, res -> {
                backend.countCompletion();
                if (res < 0) {
                    c.fail(IoErrors.of(IoErrors.Op.TRUNCATE, path, size, -res, UringException.fromResult("ftruncate", res)));
                } else {
                    c.complete(0);
                }
            }));
            return c;
        }
        DatabaseException failure = null;
        try {
            PosixFile.truncate(fd(), size);
        } catch (UringException e) {
            failure = IoErrors.of(IoErrors.Op.TRUNCATE, path, size, e.errno(), e);
        }
        DatabaseException f = failure;
        backend.deliverLater(() -> {
            backend.countCompletion();
            if (f != null) {
                c.fail(f);
            } else {
                c.complete(0);
            }
        });
        return c;
    }

    /**
     * fcntl record lock, after checking the other handles of this JVM ({@link JvmLocks}): the
     * kernel would let them share any lock, since they belong to one process.
     */
    @Override
    public boolean tryLock(long position, long length, boolean shared) {
        long end = length == 0 ? Long.MAX_VALUE : position + length;
        if (!JvmLocks.INSTANCE.allowed(identity, this, position, end, shared)) {
            return false;
        }
        try {
            if (!PosixFile.tryLock(fd(), position, length, shared)) {
                return false;
            }
        } catch (UringException e) {
            if (e.errno() == Errno.EBADF.number()) {
                throw new DatabaseException(ResultCode.READONLY_CANTLOCK,
                        "cannot take a " + (shared ? "shared" : "exclusive") + " lock on " + path + ": " + e.getMessage(), e);
            }
            throw IoErrors.of(IoErrors.Op.LOCK, path, position, e.errno(), e);
        }
        JvmLocks.INSTANCE.record(identity, this, position, end, shared);
        return true;
    }

    @Override
    public void unlock(long position, long length) {
        long end = length == 0 ? Long.MAX_VALUE : position + length;
        List<JvmLocks.Range> others = JvmLocks.INSTANCE.release(identity, this, position, end);
        try {
            PosixFile.unlock(fd(), position, length);
        } catch (UringException e) {
            throw IoErrors.of(IoErrors.Op.UNLOCK, path, position, e.errno(), e);
        }
        reassert(others);
    }

    /** Takes the other handles' locks again after an fcntl release dropped them process-wide. */
    private static void reassert(List<JvmLocks.Range> others) {
        for (JvmLocks.Range r : others) {
            int ofd = r.owner().fd;
            if (ofd >= 0) {
                long len = r.end() == Long.MAX_VALUE ? 0 : r.end() - r.start();
                // Can only fail if another process took the range in the two-syscall window since
                // the release; the handle then no longer holds it at the OS level (documented).
                PosixFile.tryLock(ofd, r.start(), len, r.shared());
            }
        }
    }

    private int fd() {
        if (fd < 0) {
            throw IoErrors.of(IoErrors.Op.READ, path, -1, Errno.EBADF.number());
        }
        return fd;
    }

    /** The descriptor, or -1 once closed (tests). */
    int descriptor() {
        return fd;
    }

    /** The descriptor, or -1 once closed: the ring then reports EBADF through the CQE. */
    private int fdOrMinus() {
        return fd;
    }

    /** Closes the descriptor; POSIX drops every lock this process holds on the file. */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        int f = fd;
        fd = -1;
        List<JvmLocks.Range> others = JvmLocks.INSTANCE.release(identity, this, 0, Long.MAX_VALUE);
        try {
            try {
                // Before close: the registered table holds its own reference to the open file.
                backend.ring().unregisterFile(f);
            } finally {
                PosixFile.close(f);
            }
        } catch (UringException e) {
            throw IoErrors.of(IoErrors.Op.CLOSE, path, -1, e.errno(), e);
        } finally {
            // POSIX: closing any descriptor dropped every lock this process held on the file.
            reassert(others);
        }
    }

    @Override
    public String toString() {
        return "UringFile[" + path + "]";
    }
}
