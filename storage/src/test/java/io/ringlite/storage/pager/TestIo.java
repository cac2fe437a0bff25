package io.ringlite.storage.pager;

import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Drives completions on the test thread (acting as the event loop) and finds fixtures. */
public final class TestIo {
    private TestIo() {
    }

    /** Polls {@code io} until {@code c} is done; rethrows its failure. */
    public static long await(IoBackend io, Completion c) {
        int spins = 0;
        while (!c.isDone()) {
            io.poll(io.hasInFlight());
            if (++spins > 10_000_000) {
                throw new AssertionError("completion never finished");
            }
        }
        if (c.isFailed()) {
            Throwable t = c.failure();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(t);
        }
        return c.result();
    }

    /** Re-runs {@code op} until it is READY, awaiting each Pending completion. */
    public static void ready(IoBackend io, Supplier<IoStatus> op) {
        for (int i = 0; i < 1000; i++) {
            IoStatus s = op.get();
            if (s instanceof IoStatus.Pending(Completion c)) {
                await(io, c);
            } else {
                return;
            }
        }
        throw new AssertionError("operation stayed Pending");
    }

    /** The shared fixtures directory, found by walking up from the working directory. */
    public static Path fixtures() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path f = dir.resolve("shared/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
            dir = dir.getParent();
        }
        Path fallback = Path.of("/work/shared/fixtures");
        if (Files.isDirectory(fallback)) {
            return fallback;
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }

    /** Copies fixture {@code name} (plus its -wal / -journal, never -shm) into {@code dir}. */
    public static Path copyFixture(String name, Path dir) {
        try {
            Path src = fixtures().resolve(name);
            Path dst = dir.resolve(name);
            Files.copy(src, dst);
            dst.toFile().setWritable(true);
            for (String suffix : new String[] {"-wal", "-journal"}) {
                Path side = fixtures().resolve(name + suffix);
                if (Files.exists(side)) {
                    Path d = dir.resolve(name + suffix);
                    Files.copy(side, d);
                    d.toFile().setWritable(true);
                }
            }
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
