package io.ringlite.engine;

import io.ringlite.engine.loop.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.ServiceLoader;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.scheduler.NonBlocking;

/**
 * Installs BlockHound once per JVM. The loop thread is non-blocking (it implements Reactor's
 * NonBlocking marker); the only allowance is the loop's idle wait, {@code EventLoop.park()},
 * where {@code backend.poll(true)} blocks because there is nothing else to do. Every detected
 * blocking call is recorded (and thrown in the offending thread) so tests can assert none happened.
 */
public final class BlockHoundSupport {
    public static final List<String> DETECTED = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private BlockHoundSupport() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        BlockHound.Builder builder = BlockHound.builder();
        // builder() does not load integrations by itself; Reactor's marks NonBlocking threads.
        for (BlockHoundIntegration integration : ServiceLoader.load(BlockHoundIntegration.class)) {
            builder.with(integration);
        }
        // A caller running a statement inline owns the engine like the loop does and must not block
        // either; every thread is "dynamic" (its predicate re-evaluated at each blocking call),
        // because the same thread blocks freely outside its inline runs.
        builder.nonBlockingThreadPredicate(p -> p.or(t -> t instanceof NonBlocking).or(EventLoop::runsInline))
                .addDynamicThreadPredicate(t -> true)
                .allowBlockingCallsInside(EventLoop.class.getName(), "park")
                .blockingMethodCallback(m -> {
                    String where = m + " on " + Thread.currentThread().getName();
                    DETECTED.add(where);
                    throw new reactor.blockhound.BlockingOperationError(m);
                })
                .install();
        installed = true;
    }
}
