package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.uring.Errno;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A handle on a {@link SimulatedFileSystem} file; its operations run in the backend's poll. */
final class SimulatedFile implements AsyncFile {
    private final SimulatedBackend backend;
    private final Path path;
    private final boolean readOnly;
    private final int generation;
    private boolean closed;

    SimulatedFile(SimulatedBackend backend, Path path, boolean readOnly, int generation) {
        this.backend = backend;
        this.path = path;
        this.readOnly = readOnly;
        this.generation = generation;
    }

    @Override
    public Path path() {
        return path;
    }

    boolean readOnly() {
        return readOnly;
    }

    int generation() {
        return generation;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public long size() {
        checkUsable(IoErrors.Op.SIZE);
        return backend.fileSystem().size(path);
    }

    @Override
    public Completion read(long offset, MemorySegment dst) {
        checkOffset(offset);
        return backend.start(this, SimulatedFileSystem.Operation.READ, offset, dst, 0);
    }

    @Override
    public Completion write(long offset, MemorySegment src) {
        checkOffset(offset);
        return backend.start(this, SimulatedFileSystem.Operation.WRITE, offset, src, 0);
    }

    @Override
    public Completion sync(boolean dataOnly) {
        return backend.start(this, SimulatedFileSystem.Operation.SYNC, 0, null, 0);
    }

    @Override
    public Completion truncate(long size) {
        checkOffset(size);
        return backend.start(this, SimulatedFileSystem.Operation.TRUNCATE, 0, null, size);
    }

    @Override
    public boolean tryLock(long position, long length, boolean shared) {
        checkUsable(IoErrors.Op.LOCK);
        if (readOnly && !shared) {
            // As fcntl(F_WRLCK) on an O_RDONLY descriptor (EBADF) in the real backends.
            throw new DatabaseException(ResultCode.READONLY_CANTLOCK,
                    "cannot take an exclusive lock on read-only " + path);
        }
        return backend.fileSystem().tryLock(backend, path, position, length, shared);
    }

    @Override
    public void unlock(long position, long length) {
        checkUsable(IoErrors.Op.UNLOCK);
        backend.fileSystem().unlock(backend, path, position, length);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (generation == backend.fileSystem().generation()) {
            backend.fileSystem().unlockAll(backend, path);
        }
    }

    private void checkUsable(IoErrors.Op op) {
        if (closed || generation != backend.fileSystem().generation()) {
            throw IoErrors.of(op, path, -1, Errno.EBADF.number());
        }
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
    }

    @Override
    public String toString() {
        return "SimulatedFile[" + path + "]";
    }
}
