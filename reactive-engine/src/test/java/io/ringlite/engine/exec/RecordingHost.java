package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.loop.TestBackend;
import io.ringlite.storage.io.Completion;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** An ExecutionHost that records the calls the execution makes, in order, with their thread. */
final class RecordingHost implements ExecutionHost {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    private final Supplier<ScriptedSource> sources;
    private final TestBackend backend;
    private final StatementQueue queue;
    /** When true, finish() returns a completion done by a later poll (a commit with an fsync). */
    boolean asyncCommit;
    volatile ScriptedSource source;
    volatile Throwable abortCause;

    RecordingHost(Supplier<ScriptedSource> sources, TestBackend backend, StatementQueue queue) {
        this.sources = sources;
        this.backend = backend;
        this.queue = queue;
    }

    private void record(String call) {
        calls.add(call);
        threads.add(Thread.currentThread().getName());
    }

    @Override
    public StepSource open() {
        record("open");
        source = sources.get();
        return source;
    }

    @Override
    public Completion finish(StepSource s) {
        record("finish");
        if (asyncCommit) {
            Completion c = backend.operation(0);
            c.whenDone(() -> record("committed"));
            return c;
        }
        return null;
    }

    @Override
    public Outcome.Done done(StepSource s) {
        record("done");
        return new Outcome.Done(s.changes(), 99);
    }

    @Override
    public void abort(StepSource s, Throwable cause) {
        record("abort");
        abortCause = cause;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void released() {
        record("released");
        if (source != null) {
            source.close();
        }
        if (queue != null) {
            queue.released();
        }
    }
}
