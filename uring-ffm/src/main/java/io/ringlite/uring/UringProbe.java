package io.ringlite.uring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether io_uring can be used in this process, and if not, why.
 *
 * <p>The probe does what the backend will do: it links libc, creates a small ring (mapping its
 * rings and the eventfd), submits a NOP and reaps it. The answer is computed once per JVM.
 * Typical reasons: not Linux or an unsupported architecture; ENOSYS (kernel without io_uring);
 * EPERM ({@code kernel.io_uring_disabled} or a seccomp filter such as a container default);
 * ENOMEM (locked-memory limit on old kernels); native access denied to this module.
 */
public final class UringProbe {

    /** The probe's answer. {@code reason} is null when available. */
    public record Availability(boolean available, String reason) {
    }

    private static volatile Availability cached;

    private UringProbe() {
    }

    public static Availability probe() {
        Availability a = cached;
        if (a == null) {
            a = compute();
            cached = a;
        }
        return a;
    }

    private static Availability compute() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return new Availability(false, "io_uring needs Linux (os.name=" + System.getProperty("os.name") + ")");
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return new Availability(false, "io_uring syscall numbers are known for x86_64 and aarch64 only (os.arch=" + arch + ")");
        }
        try (IoUring ring = IoUring.open(4)) {
            int[] res = {Integer.MIN_VALUE};
            ring.prepNop(r -> res[0] = r);
            while (res[0] == Integer.MIN_VALUE) {
                ring.submitAndWait();
                ring.reap();
            }
            if (res[0] != 0) {
                return new Availability(false, "io_uring NOP failed: " + Errno.describe(res[0]));
            }
            return new Availability(true, null);
        } catch (UringException e) {
            String why = e.getMessage();
            if (e.errno() == Errno.ENOSYS.number()) {
                why += ": the kernel has no io_uring";
            } else if (e.errno() == Errno.EPERM.number()) {
                why += ": io_uring is disabled (kernel.io_uring_disabled=" + disabledSysctl() + ") or blocked by seccomp";
            }
            return new Availability(false, why);
        } catch (Throwable t) {
            return new Availability(false, "io_uring could not be linked: " + t);
        }
    }

    private static String disabledSysctl() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
