package io.ringlite.engine.loop;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file-less backend for loop and publisher tests: {@link #operation(long)} starts a fake
 * operation whose completion is completed by the next {@link #poll}, never inside the call that
 * started it (AsyncFile rule 1). Records which threads polled.
 */
public final class TestBackend implements IoBackend {
    private final ArrayDeque<Object[]> started = new ArrayDeque<>();
    private final Semaphore wake = new Semaphore(0);
    public final AtomicInteger wakeups = new AtomicInteger();
    public volatile Thread pollingThread;
    public volatile boolean closed;

    /** Starts a fake operation (loop thread only); it completes with {@code result} in a later poll. */
    public Completion operation(long result) {
        Completion c = new Completion();
        started.add(new Object[] {c, result});
        return c;
    }

    @Override
    public IoKind kind() {
        return IoKind.SIMULATED;
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        throw new UnsupportedOperationException("TestBackend has no files");
    }

    @Override
    public boolean exists(Path path) {
        return false;
    }

    @Override
    public void delete(Path path) {
    }

    @Override
    public int poll(boolean wait) {
        pollingThread = Thread.currentThread();
        if (started.isEmpty() && wait) {
            try {
                wake.tryAcquire(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wake.drainPermits();
        int n = 0;
        int count = started.size();
        for (int i = 0; i < count; i++) {
            Object[] op = started.poll();
            ((Completion) op[0]).complete((Long) op[1]);
            n++;
        }
        return n;
    }

    @Override
    public boolean hasInFlight() {
        return !started.isEmpty();
    }

    @Override
    public void wakeup() {
        wakeups.incrementAndGet();
        wake.release();
    }

    @Override
    public void close() {
        closed = true;
    }
}
