package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.uring.Errno;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The deterministic backend over a {@link SimulatedFileSystem}: operations take effect and
 * complete only inside {@link #poll}, in an order drawn from the seed.
 *
 * <h2>Design</h2>
 * <ol>
 *   <li>Starting an operation only records it (with its buffer: the segment is read for a write,
 *       or filled for a read, when the operation <em>executes</em>, so a caller that reuses a
 *       buffer before its completion is done gets wrong bytes, as it would with a real kernel).</li>
 *   <li>Each {@link #poll} picks, from the operations pending when it began, a seeded non-empty
 *       subset in a seeded order, executes each against the file system (checking injected
 *       faults), and completes it. Operations started by those callbacks wait for a later poll.
 *       So a write issued before a sync may complete after it, as on a real disk queue.</li>
 *   <li>{@code poll(true)} with nothing pending blocks until {@link #wakeup()}; with something
 *       pending it never blocks (simulated I/O is instantaneous).</li>
 *   <li>The backend is one simulated process: it owns the POSIX locks its files take, and
 *       closing one of its files drops all its locks on that path, as POSIX does.</li>
 * </ol>
 */
public final class SimulatedBackend implements IoBackend {
    private final SimulatedFileSystem fs;
    private final Random random;
    private final List<Op> pending = new ArrayList<>();
    private final Object wakeMonitor = new Object();
    private boolean woken; // guarded by wakeMonitor
    private boolean closed;

    public SimulatedBackend(SimulatedFileSystem fs) {
        this.fs = fs;
        this.random = new Random(fs.nextBackendSeed());
    }

    public SimulatedFileSystem fileSystem() {
        return fs;
    }

    @Override
    public IoKind kind() {
        return IoKind.SIMULATED;
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        ensureOpen();
        if (!fs.openFile(path, create && !readOnly)) {
            throw IoErrors.of(IoErrors.Op.OPEN, path, -1, Errno.ENOENT.number());
        }
        return new SimulatedFile(this, path, readOnly, fs.generation());
    }

    @Override
    public boolean exists(Path path) {
        return fs.exists(path);
    }

    @Override
    public void delete(Path path) {
        fs.delete(path);
    }

    @Override
    public int poll(boolean wait) {
        ensureOpen();
        if (pending.isEmpty()) {
            synchronized (wakeMonitor) {
                while (wait && !woken) {
                    try {
                        wakeMonitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return 0;
                    }
                }
                woken = false;
            }
            return 0;
        }
        synchronized (wakeMonitor) {
            woken = false;
        }
        int count = 1 + random.nextInt(pending.size());
        List<Op> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int last = pending.size() - 1;
            int pick = random.nextInt(last + 1);
            batch.add(pending.get(pick));
            pending.set(pick, pending.get(last));
            pending.remove(last);
        }
        int i = 0;
        try {
            for (; i < batch.size(); i++) {
                execute(batch.get(i));
            }
        } finally {
            // A callback threw: the rest of the batch goes back, so no operation is ever lost.
            if (i < batch.size()) {
                pending.addAll(batch.subList(i + 1, batch.size()));
            }
        }
        return count;
    }

    @Override
    public boolean hasInFlight() {
        return !pending.isEmpty();
    }

    @Override
    public void wakeup() {
        synchronized (wakeMonitor) {
            woken = true;
            wakeMonitor.notifyAll();
        }
    }

    /** Operations started and not yet completed. */
    public int pendingCount() {
        return pending.size();
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
    }

    // ---------------------------------------------------------------- operations

    /** A started operation; {@code segment} is referenced here until it completes. */
    record Op(SimulatedFile file, SimulatedFileSystem.Operation kind, long offset, MemorySegment segment, long size, Completion completion) {
    }

    Completion start(SimulatedFile file, SimulatedFileSystem.Operation kind, long offset, MemorySegment segment, long size) {
        ensureOpen();
        Completion c = new Completion();
        pending.add(new Op(file, kind, offset, segment, size, c));
        return c;
    }

    private void execute(Op op) {
        SimulatedFile f = op.file();
        IoErrors.Op what = switch (op.kind()) {
            case READ -> IoErrors.Op.READ;
            case WRITE -> IoErrors.Op.WRITE;
            case SYNC -> IoErrors.Op.SYNC;
            case TRUNCATE -> IoErrors.Op.TRUNCATE;
        };
        if (f.generation() != fs.generation()) {
            op.completion().fail(new DatabaseException(what.code(),
                    "disk I/O error: the simulated machine crashed while " + f.path() + " was open"));
            return;
        }
        if (f.isClosed()) {
            op.completion().fail(IoErrors.of(what, f.path(), op.offset(), Errno.EBADF.number()));
            return;
        }
        if (f.readOnly() && op.kind() != SimulatedFileSystem.Operation.READ && op.kind() != SimulatedFileSystem.Operation.SYNC) {
            op.completion().fail(new DatabaseException(ResultCode.READONLY,
                    "attempt to write a readonly database: " + f.path() + " was opened read-only"));
            return;
        }
        Errno fault = fs.nextOperationFault(op.kind(), f.path());
        if (fault != null) {
            op.completion().fail(IoErrors.of(what, f.path(), op.kind() == SimulatedFileSystem.Operation.SYNC ? -1 : op.offset(), fault.number()));
            return;
        }
        // A refused file-system call (EFBIG, EINVAL) fails this operation's completion; it must
        // never escape, or the completion would never finish and its waiter would hang.
        long result;
        try {
            result = switch (op.kind()) {
                case READ -> {
                    byte[] tmp = new byte[(int) op.segment().byteSize()];
                    int n = fs.read(f.path(), op.offset(), tmp);
                    MemorySegment.copy(tmp, 0, op.segment(), JAVA_BYTE, 0, n);
                    yield n;
                }
                case WRITE -> {
                    fs.write(f.path(), op.offset(), op.segment().toArray(JAVA_BYTE));
                    yield op.segment().byteSize();
                }
                case SYNC -> {
                    fs.sync(f.path());
                    yield 0;
                }
                case TRUNCATE -> {
                    fs.truncate(f.path(), op.size());
                    yield 0;
                }
            };
        } catch (DatabaseException e) {
            op.completion().fail(e);
            return;
        }
        op.completion().complete(result);
    }
}
