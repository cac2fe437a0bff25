package io.ringlite.bench;

import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.function.Supplier;

/**
 * Shared plumbing of the storage-level benchmarks. The benchmark thread plays the event loop:
 * it is the only thread that touches the backend, the pager and the cursors, and it drives
 * completions by calling {@code backend.poll} itself.
 */
final class StorageHarness {
    private StorageHarness() {
    }

    /** Polls {@code io} until {@code c} is done; rethrows its failure. */
    static long await(IoBackend io, Completion c) {
        while (!c.isDone()) {
            io.poll(io.hasInFlight());
        }
        if (c.isFailed()) {
            Throwable t = c.failure();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("invariant: completion failed with " + t, t);
        }
        return c.result();
    }

    /** Re-runs {@code op} until it is READY, awaiting each Pending completion. */
    static void ready(IoBackend io, Supplier<IoStatus> op) {
        while (true) {
            IoStatus s = op.get();
            if (s instanceof IoStatus.Pending(Completion c)) {
                await(io, c);
            } else {
                return;
            }
        }
    }

    /**
     * Writes a SQLite database with sqlite-jdbc (native SQLite, fast to load): table
     * {@code kv(id INTEGER PRIMARY KEY, name TEXT, score REAL, pad BLOB)} with ids 1..rows and a
     * {@code padBytes}-byte blob per row. Closed in rollback-journal mode, so no -wal is left.
     *
     * @return the root page of {@code kv}
     */
    static int createSqliteDb(Path file, int rows, int padBytes) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=DELETE");
                s.execute("CREATE TABLE kv(id INTEGER PRIMARY KEY, name TEXT, score REAL, pad BLOB)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO kv VALUES (?, ?, ?, randomblob(?))")) {
                for (int id = 1; id <= rows; id++) {
                    ins.setLong(1, id);
                    ins.setString(2, "name-" + id);
                    ins.setDouble(3, id * 0.5);
                    ins.setInt(4, padBytes);
                    ins.addBatch();
                    if (id % 10_000 == 0) {
                        ins.executeBatch();
                    }
                }
                ins.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            return rootPage(c, "kv");
        }
    }

    static int rootPage(Connection c, String table) throws Exception {
        try (PreparedStatement p = c.prepareStatement("SELECT rootpage FROM sqlite_master WHERE name = ?")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("invariant: no table " + table);
                }
                return rs.getInt(1);
            }
        }
    }

    static void deleteTree(Path dir) throws Exception {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---- dropping a file from the OS page cache (no root needed) ----

    private static final int O_RDONLY = 0;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FADVISE;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fadvise = null;
        try {
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            fadvise = linker.downcallHandle(libc.find("posix_fadvise").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        } catch (RuntimeException | LinkageError e) {
            // not Linux / no native access: dropOsCache reports false
        }
        OPEN = open;
        CLOSE = close;
        FADVISE = fadvise;
    }

    /**
     * Asks the kernel to drop {@code file}'s clean pages from the OS page cache
     * ({@code posix_fadvise(POSIX_FADV_DONTNEED)}); advisory, so the pages may stay (e.g. if
     * mapped elsewhere or dirty). Returns false where unavailable.
     */
    static boolean dropOsCache(Path file) {
        if (FADVISE == null) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toAbsolutePath().toString()), O_RDONLY);
            if (fd < 0) {
                return false;
            }
            try {
                int rc = (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
                return rc == 0;
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * CPU time used so far by the whole process (every thread, user + system), in nanoseconds;
     * -1 where the JVM cannot tell. On a shared machine, work per CPU-second is steadier than
     * work per wall-second, and it charges a backend for its helper threads.
     */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The calling thread's scheduler statistics from {@code /proc/thread-self/schedstat}: {time
     * on a CPU, time runnable but waiting for a CPU, timeslices}, nanoseconds; null where the
     * kernel does not provide them. On an overloaded machine the second number shows how much
     * of a wall-clock score was spent waiting for a CPU rather than working or waiting for I/O.
     */
    static long[] threadSchedstat() {
        try {
            String[] f = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** "12,345 per CPU-second (1.23 CPU-s over 4.56 s)" for {@code ops} done since the two start marks. */
    static String perCpuSecond(long ops, long cpuStart, long wallStart) {
        long cpu = processCpuNanos();
        if (cpuStart < 0 || cpu < 0 || cpu == cpuStart) {
            return "CPU time unavailable";
        }
        double cpuSeconds = (cpu - cpuStart) / 1e9;
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        return String.format("%,.0f per process CPU-second (%.2f CPU-s over %.2f s wall)", ops / cpuSeconds, cpuSeconds, wallSeconds);
    }

    /** A copy of {@code payload} in its own memory, usable after the cursor moves. */
    static MemorySegment copy(MemorySegment payload) {
        MemorySegment out = Arena.ofAuto().allocate(payload.byteSize());
        out.copyFrom(payload);
        return out;
    }
}
