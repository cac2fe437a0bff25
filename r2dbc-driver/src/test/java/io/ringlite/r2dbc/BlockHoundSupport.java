package io.ringlite.r2dbc;

import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per test JVM, so any blocking call on a non-blocking thread (Reactor's
 * parallel schedulers, the engine's event loop) fails the test that made it.
 */
final class BlockHoundSupport {

    private static boolean installed;

    private BlockHoundSupport() {
    }

    static synchronized void install() {
        if (!installed) {
            // install(...) also loads the ServiceLoader integrations (Reactor's marks its NonBlocking
            // threads, the engine's loop thread among them); builder().install() alone would not.
            // The loop's one allowed blocking call is its idle wait for I/O when it has nothing to do.
            // (The portable backend hands reads and writes to its own lock-free I/O pool, so the
            // loop needs no allowance for them.)
            // A caller running a statement inline owns the engine like the loop does and must not
            // block either; every thread is "dynamic" (its predicate re-evaluated at each blocking
            // call), because the same thread blocks freely outside its inline runs.
            BlockHound.install(builder -> builder
                    .allowBlockingCallsInside("io.ringlite.engine.loop.EventLoop", "park")
                    .nonBlockingThreadPredicate(p -> p.or(io.ringlite.engine.loop.EventLoop::runsInline))
                    .addDynamicThreadPredicate(t -> true));
            installed = true;
        }
    }
}
