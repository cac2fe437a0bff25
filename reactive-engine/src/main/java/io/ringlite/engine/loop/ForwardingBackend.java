package io.ringlite.engine.loop;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoKind;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * The backend as the engine's storage sees it when callers may run statements inline: file
 * operations started by a caller that owns the engine ({@link EventLoop#tryAcquire()}) are
 * forwarded to the loop, so the storage contract (AsyncFile rule 1: operations started and
 * completed on one thread) still holds for the real backend.
 *
 * <h2>Design</h2>
 * On the loop thread every call goes straight to the real file. Off it (an inline owner), a
 * {@code read}, {@code write}, {@code sync} or {@code truncate} returns a fresh pending
 * {@link Completion} (the <em>proxy</em>) and queues a loop task that starts the real operation
 * and completes the proxy when it completes. The proxy is completed only by the loop, and that
 * task cannot run before the caller released the engine (the loop runs nothing while a caller
 * owns it), so every callback the caller registered on the proxy is visible to the loop (the
 * ownership word's release/acquire) and runs there, as if the loop had started the operation.
 * Forwarded operations are started in the order the caller issued them.
 *
 * <p>Synchronous calls ({@code size}, {@code tryLock}, {@code unlock}, {@code open},
 * {@code exists}, {@code delete}) go straight to the real backend from whichever thread owns the
 * engine: they do not touch the completion pump.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>The real backend's asynchronous operations are started only on the loop thread.</li>
 *   <li>A proxy is completed exactly once, on the loop thread, never inside the call that
 *       returned it.</li>
 * </ol>
 */
public final class ForwardingBackend implements IoBackend {
    private final IoBackend delegate;
    private final EventLoop loop;

    public ForwardingBackend(IoBackend delegate, EventLoop loop) {
        this.delegate = Objects.requireNonNull(delegate);
        this.loop = Objects.requireNonNull(loop);
    }

    @Override
    public IoKind kind() {
        return delegate.kind();
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        return new ForwardingFile(delegate.open(path, create, readOnly));
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public void delete(Path path) {
        delegate.delete(path);
    }

    @Override
    public int poll(boolean wait) {
        if (!loop.inLoop()) {
            throw new IllegalStateException("invariant: poll off the loop thread");
        }
        return delegate.poll(wait);
    }

    @Override
    public boolean hasInFlight() {
        return delegate.hasInFlight();
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** An operation to start on the loop. */
    private interface Op {
        Completion start();
    }

    private Completion run(Op op) {
        if (loop.inLoop()) {
            return op.start();
        }
        if (!loop.inOwner()) {
            throw new IllegalStateException("invariant: file operation by a thread that does not own the engine");
        }
        Completion proxy = new Completion();
        try {
            loop.execute(() -> {
                Completion real;
                try {
                    real = op.start();
                } catch (Throwable t) {
                    proxy.fail(t);
                    return;
                }
                real.whenDone(() -> {
                    if (real.isFailed()) {
                        proxy.fail(real.failure());
                    } else {
                        proxy.complete(real.result());
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            // Only after the loop died: report it as the operation's failure.
            return Completion.failed(e);
        }
        return proxy;
    }

    private final class ForwardingFile implements AsyncFile {
        private final AsyncFile file;

        ForwardingFile(AsyncFile file) {
            this.file = file;
        }

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public long size() {
            return file.size();
        }

        @Override
        public Completion read(long offset, MemorySegment dst) {
            return run(() -> file.read(offset, dst));
        }

        @Override
        public Completion write(long offset, MemorySegment src) {
            return run(() -> file.write(offset, src));
        }

        @Override
        public Completion sync(boolean dataOnly) {
            return run(() -> file.sync(dataOnly));
        }

        @Override
        public Completion truncate(long size) {
            return run(() -> file.truncate(size));
        }

        @Override
        public boolean tryLock(long position, long length, boolean shared) {
            return file.tryLock(position, length, shared);
        }

        @Override
        public void unlock(long position, long length) {
            file.unlock(position, length);
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
