package io.ringlite.engine.exec;

import io.ringlite.engine.loop.TestBackend;
import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.StepResult;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A StepSource that plays a script: "ROW" (row n), "IO" (yields on a fake completion completed
 * by the next poll), "FAILIO" (yields on a completion that fails), "HANG" (yields on a completion nobody completes), "DONE", "THROW", "SPIN" (a
 * long step that only an interrupt ends). An empty script with {@code endless} yields rows forever.
 */
final class ScriptedSource implements StepSource {
    private final TestBackend backend;
    private final ArrayDeque<String> script;
    private final boolean endless;
    private volatile boolean interrupted;
    final AtomicInteger steps = new AtomicInteger();
    volatile boolean closed;
    volatile Thread stepThread;
    private long rows;
    private Completion pending;

    ScriptedSource(TestBackend backend, List<String> script, boolean endless) {
        this.backend = backend;
        this.script = new ArrayDeque<>(script);
        this.endless = endless;
    }

    @Override
    public StepResult step() {
        stepThread = Thread.currentThread();
        steps.incrementAndGet();
        if (closed) {
            throw new IllegalStateException("invariant: step after close");
        }
        if (interrupted) {
            return StepResult.INTERRUPTED;
        }
        String next = script.isEmpty() ? (endless ? "ROW" : "DONE") : script.poll();
        switch (next) {
            case "ROW" -> {
                rows++;
                return StepResult.ROW;
            }
            case "IO" -> {
                pending = backend.operation(0);
                return StepResult.IO;
            }
            case "FAILIO" -> {
                pending = new Completion();
                Completion c = backend.operation(0);
                c.whenDone(() -> pending.fail(new io.ringlite.storage.error.DatabaseException(
                        io.ringlite.storage.error.ResultCode.IOERR_READ, "disk I/O error")));
                return StepResult.IO;
            }
            case "HANG" -> {
                pending = new Completion(); // never completed, like a lock that is not granted
                return StepResult.IO;
            }
            case "THROW" -> throw new io.ringlite.storage.error.DatabaseException(
                    io.ringlite.storage.error.ResultCode.CONSTRAINT_UNIQUE, "UNIQUE constraint failed: t.a");
            case "SPIN" -> {
                while (!interrupted) {
                    Thread.onSpinWait();
                }
                return StepResult.INTERRUPTED;
            }
            default -> {
                return StepResult.DONE;
            }
        }
    }

    @Override
    public Completion pendingIo() {
        return pending;
    }

    @Override
    public Object[] row() {
        return new Object[] {rows};
    }

    @Override
    public long changes() {
        return 7;
    }

    @Override
    public void interrupt() {
        interrupted = true;
    }

    @Override
    public void close() {
        closed = true;
    }
}
