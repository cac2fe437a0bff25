package io.ringlite.storage.io;

import io.ringlite.storage.io.uring.UringBackend;
import io.ringlite.uring.UringProbe;
import io.ringlite.uring.UringException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates {@link IoBackend}s.
 *
 * <p>{@link IoKind#URING} is the default on Linux. Where io_uring cannot be used (not Linux, an
 * old kernel, {@code kernel.io_uring_disabled}, a seccomp filter, native access denied), it falls
 * back to {@link IoKind#PORTABLE} and logs the reason once per JVM (System.Logger
 * {@code io.ringlite.storage.io}, level WARNING).
 */
public final class IoBackends {
    private static final System.Logger LOG = System.getLogger("io.ringlite.storage.io");
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private IoBackends() {
    }

    /**
     * A backend of the given kind. URING falls back to PORTABLE where unavailable; SIMULATED
     * gives a fresh {@link SimulatedFileSystem} with seed 0 (use {@link #simulated} to share one).
     */
    public static IoBackend create(IoKind kind) {
        return switch (kind) {
            case URING -> uringOrPortable();
            case PORTABLE -> new PortableBackend();
            case SIMULATED -> simulated(new SimulatedFileSystem(0));
        };
    }

    /** A deterministic backend over {@code fs}; several backends may share one file system. */
    public static IoBackend simulated(SimulatedFileSystem fs) {
        return new SimulatedBackend(fs);
    }

    /** Null if io_uring is usable here, else why not. */
    public static String uringUnavailableReason() {
        return UringProbe.probe().reason();
    }

    private static IoBackend uringOrPortable() {
        return uringOrPortable(UringProbe.probe(), FALLBACK_LOGGED);
    }

    /** The URING choice given a probe result; {@code logged} makes the notice once-only. */
    static IoBackend uringOrPortable(UringProbe.Availability a, AtomicBoolean logged) {
        if (a.available()) {
            try {
                return UringBackend.create();
            } catch (UringException e) {
                return fallBack(e.getMessage(), logged);
            }
        }
        return fallBack(a.reason(), logged);
    }

    private static IoBackend fallBack(String reason, AtomicBoolean logged) {
        if (logged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING,
                    "io_uring unavailable ({0}); using the portable AsynchronousFileChannel backend", reason);
        }
        return new PortableBackend();
    }
}
