package io.ringlite.bench;

import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a round trip to a parked event loop costs, and how much of it is the backend's wait and
 * wake-up path rather than the operating system waking a thread.
 *
 * <p>A loop thread waits exactly as {@code EventLoop} does: it announces {@code parked}, checks
 * for a request, and waits — in {@code backend.poll(true)} for {@code wait=uring} and
 * {@code wait=portable}, or in a bare {@link LockSupport#park()} for {@code wait=park} (the
 * baseline: nothing but two OS thread wake-ups). The benchmark thread publishes a request,
 * wakes the loop only if it is parked ({@code backend.wakeup()} or {@link LockSupport#unpark}),
 * and parks until the loop answers with {@link LockSupport#unpark}. So every mode pays the same
 * loop-to-caller wake-up; the differences between modes are the caller-to-loop path:
 * <ul>
 *   <li>{@code park}: futex wake of a thread parked in a futex wait;</li>
 *   <li>{@code portable}: the same, through {@code PortableBackend}'s flag and unpark;</li>
 *   <li>{@code uring}: an 8-byte write to the ring's eventfd, the posted read completing in the
 *       kernel, and the waiting {@code io_uring_enter} returning with its CQE.</li>
 * </ul>
 * One op = one round trip (ns/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LoopWakeup {
    @Param({"park", "portable", "uring"})
    public String wait;

    private IoBackend backend;
    private Thread loop;
    private volatile boolean running;
    private volatile boolean parked;
    private volatile long request;
    private volatile long response;
    private volatile Thread caller;
    private long sequence;
    private volatile Throwable failure;

    @Setup(Level.Trial)
    public void setUp() {
        backend = switch (wait) {
            case "park" -> null;
            case "portable" -> IoBackends.create(IoKind.PORTABLE);
            case "uring" -> {
                IoBackend b = IoBackends.create(IoKind.URING);
                if (b.kind() != IoKind.URING) {
                    throw new IllegalStateException("invariant: asked for URING but got " + b.kind()
                            + " (" + IoBackends.uringUnavailableReason() + ")");
                }
                yield b;
            }
            default -> throw new IllegalArgumentException("wait must be park, portable or uring: " + wait);
        };
        running = true;
        loop = Thread.ofPlatform().daemon().name("bench-wakeup-loop").start(this::loop);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        running = false;
        wake();
        loop.join();
        if (failure != null) {
            throw new IllegalStateException("loop failed: " + failure, failure);
        }
    }

    /** The loop: answer each new request, else park (Dekker pairing with {@link #roundTrip}). */
    private void loop() {
        long served = 0;
        try {
            while (running) {
                long r = request;
                if (r != served) {
                    served = r;
                    response = r;
                    LockSupport.unpark(caller);
                    continue;
                }
                parked = true;
                if (request == served && running) {
                    if (backend == null) {
                        LockSupport.park(this);
                    } else {
                        backend.poll(true);
                    }
                }
                parked = false;
            }
            // The backend belongs to this thread: close it here.
            if (backend != null) {
                backend.close();
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void wake() {
        if (backend == null) {
            LockSupport.unpark(loop);
        } else {
            backend.wakeup();
        }
    }

    @Benchmark
    public long roundTrip() {
        caller = Thread.currentThread();
        long seq = ++sequence;
        request = seq;
        if (parked) {
            wake();
        }
        while (response != seq) {
            if (failure != null) {
                throw new IllegalStateException("loop failed: " + failure, failure);
            }
            LockSupport.park(this);
        }
        return seq;
    }
}
