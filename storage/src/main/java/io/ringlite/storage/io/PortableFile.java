package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A file of the {@link PortableBackend}.
 *
 * <p>Locks are the JDK's {@link FileLock}s, which are POSIX {@code fcntl} locks on Linux and
 * macOS (so a sqlite3 process sees them) and LockFileEx on Windows. Two JDK limits differ from
 * POSIX and are handled here: a JVM may not hold overlapping locks (an overlapping request from
 * another file in the same JVM reports "held", i.e. false); and a lock cannot be converted in
 * place, so re-locking exactly the range this file already holds releases it and takes the new
 * kind (taking the old kind back if the new one is refused, which leaves a short window in which
 * another process could take it). {@link #unlock} releases the locks this file holds that lie
 * wholly inside the range (a held range cannot be split as POSIX would).
 */
final class PortableFile implements AsyncFile {
    private final PortableBackend backend;
    private final Path path;
    private final AsynchronousFileChannel channel;
    private final boolean readOnly;
    private final Map<Range, FileLock> locks = new HashMap<>();
    private boolean closed;

    private record Range(long position, long length) {
    }

    PortableFile(PortableBackend backend, Path path, AsynchronousFileChannel channel, boolean readOnly) {
        this.backend = backend;
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw IoErrors.fromJava(IoErrors.Op.SIZE, path, -1, e);
        }
    }

    @Override
    public Completion read(long offset, MemorySegment dst) {
        Completion c = backend.started();
        if (PortableBackend.usableByIoThreads(dst)) {
            new Transfer(c, false, offset, dst.asByteBuffer(), null).next();
        } else {
            // A confined segment: read into a bounce buffer, copy on the loop thread at delivery.
            MemorySegment bounce = MemorySegment.ofArray(new byte[(int) dst.byteSize()]);
            new Transfer(c, false, offset, bounce.asByteBuffer(), dst).next();
        }
        return c;
    }

    @Override
    public Completion write(long offset, MemorySegment src) {
        Completion c = backend.started();
        if (readOnly) {
            backend.finished(c, 0, new DatabaseException(ResultCode.READONLY,
                    "attempt to write a readonly database: " + path + " was opened read-only"));
            return c;
        }
        ByteBuffer buf = PortableBackend.usableByIoThreads(src)
                ? src.asByteBuffer()
                : ByteBuffer.wrap(src.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)); // confined: copy now
        new Transfer(c, true, offset, buf, null).next();
        return c;
    }

    /**
     * One read or write, continued on the I/O thread until the buffer is full (or EOF for a
     * read), then reported. The buffer is referenced from here until then.
     */
    private final class Transfer implements CompletionHandler<Integer, Void> {
        private final Completion completion;
        private final boolean write;
        private final long start;
        private final ByteBuffer buf;
        /** For a read through a bounce buffer: the caller's (confined) segment to copy into. */
        private final MemorySegment copyTo;

        Transfer(Completion completion, boolean write, long start, ByteBuffer buf, MemorySegment copyTo) {
            this.completion = completion;
            this.write = write;
            this.start = start;
            this.buf = buf;
            this.copyTo = copyTo;
        }

        void next() {
            try {
                long at = start + buf.position();
                if (write) {
                    channel.write(buf, at, null, this);
                } else {
                    channel.read(buf, at, null, this);
                }
            } catch (RuntimeException e) {
                failed(e, null);
            }
        }

        @Override
        public void completed(Integer n, Void unused) {
            if (n < 0 || !buf.hasRemaining() || (n == 0 && !write)) {
                int total = buf.position();
                backend.finished(completion, total, null, copyTo == null ? null
                        : () -> MemorySegment.copy(MemorySegment.ofBuffer(buf.duplicate().clear()), 0, copyTo, 0, total));
            } else {
                next();
            }
        }

        @Override
        public void failed(Throwable t, Void unused) {
            backend.finished(completion, 0,
                    IoErrors.fromJava(write ? IoErrors.Op.WRITE : IoErrors.Op.READ, path, start + buf.position(), t));
        }
    }

    @Override
    public Completion sync(boolean dataOnly) {
        Completion c = backend.started();
        backend.pool().execute(() -> {
            try {
                channel.force(!dataOnly);
                backend.finished(c, 0, null);
            } catch (Exception e) {
                backend.finished(c, 0, IoErrors.fromJava(IoErrors.Op.SYNC, path, -1, e));
            }
        });
        return c;
    }

    @Override
    public Completion truncate(long size) {
        Completion c = backend.started();
        backend.pool().execute(() -> {
            try {
                long current = channel.size();
                if (size < current) {
                    channel.truncate(size);
                } else if (size > current) {
                    // The JDK's truncate never grows a file; ftruncate does (SQLite relies on it
                    // only rarely). Writing the last byte extends it with a hole of zeros. The
                    // write is reported from its own handler rather than awaited here: a worker
                    // waiting for a task queued on its own pool deadlocks once every worker waits.
                    channel.write(ByteBuffer.allocate(1), size - 1, null, new CompletionHandler<Integer, Void>() {
                        @Override
                        public void completed(Integer n, Void unused) {
                            backend.finished(c, 0, null);
                        }

                        @Override
                        public void failed(Throwable t, Void unused) {
                            backend.finished(c, 0, IoErrors.fromJava(IoErrors.Op.TRUNCATE, path, size, t));
                        }
                    });
                    return;
                }
                backend.finished(c, 0, null);
            } catch (Exception e) {
                backend.finished(c, 0, IoErrors.fromJava(IoErrors.Op.TRUNCATE, path, size, e));
            }
        });
        return c;
    }

    @Override
    public boolean tryLock(long position, long length, boolean shared) {
        Range r = new Range(position, length == 0 ? Long.MAX_VALUE - position : length);
        FileLock old = locks.remove(r);
        try {
            if (old != null) {
                if (old.isShared() == shared) {
                    locks.put(r, old);
                    return true;
                }
                old.release();
            }
            FileLock lock = lockOrNull(r, shared);
            if (lock == null) {
                if (old != null) {
                    FileLock back = lockOrNull(r, old.isShared());
                    if (back != null) {
                        locks.put(r, back);
                    }
                }
                return false;
            }
            locks.put(r, lock);
            return true;
        } catch (IOException e) {
            throw IoErrors.fromJava(IoErrors.Op.LOCK, path, position, e);
        }
    }

    private FileLock lockOrNull(Range r, boolean shared) throws IOException {
        try {
            return channel.tryLock(r.position(), r.length(), shared);
        } catch (OverlappingFileLockException e) {
            return null;
        } catch (java.nio.channels.NonWritableChannelException | java.nio.channels.NonReadableChannelException e) {
            throw new DatabaseException(ResultCode.READONLY_CANTLOCK,
                    "cannot take a " + (shared ? "shared" : "exclusive") + " lock on read-only " + path, e);
        }
    }

    @Override
    public void unlock(long position, long length) {
        long len = length == 0 ? Long.MAX_VALUE - position : length;
        long end = position + len;
        try {
            for (var it = locks.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                Range r = e.getKey();
                if (r.position() >= position && r.position() + r.length() <= end) {
                    e.getValue().release();
                    it.remove();
                }
            }
        } catch (IOException e) {
            throw IoErrors.fromJava(IoErrors.Op.UNLOCK, path, position, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw IoErrors.fromJava(IoErrors.Op.CLOSE, path, -1, e);
        }
    }

    @Override
    public String toString() {
        return "PortableFile[" + path + "]";
    }
}
