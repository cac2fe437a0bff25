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
            // The portable backend's AsynchronousFileChannel hands each read and write to the JDK's
            // thread pool: the caller only offers a task to the pool's queue, whose lock is held for
            // a few instructions (BlockHound reports it when contended); the I/O runs on the pool.
            BlockHound.install(builder -> builder
                    .allowBlockingCallsInside("io.ringlite.engine.loop.EventLoop", "park")
                    .allowBlockingCallsInside("sun.nio.ch.SimpleAsynchronousFileChannelImpl", "implRead")
                    .allowBlockingCallsInside("sun.nio.ch.SimpleAsynchronousFileChannelImpl", "implWrite"));
            installed = true;
        }
    }
}
