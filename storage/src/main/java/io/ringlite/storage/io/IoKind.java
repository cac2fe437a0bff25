package io.ringlite.storage.io;

/** Which {@link IoBackend} a database uses. */
public enum IoKind {
    /** io_uring through FFM (Linux); falls back to PORTABLE, saying so once, where unavailable. */
    URING,
    /** AsynchronousFileChannel; every platform. */
    PORTABLE,
    /** In memory, deterministic from a seed, with injectable faults. */
    SIMULATED
}
