package io.ringlite.uring;

/**
 * Receives one CQE's result on the thread that reaps the ring.
 *
 * <p>{@code res} is the kernel's result: bytes transferred for READ/WRITE, 0 for FSYNC, or a
 * negative errno ({@link UringException#fromResult} turns it into an exception).
 */
@FunctionalInterface
public interface CqeHandler {
    void onCompletion(int res);
}
