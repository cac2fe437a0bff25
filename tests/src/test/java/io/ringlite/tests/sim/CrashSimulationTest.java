package io.ringlite.tests.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deterministic simulation: seeded random workloads (inserts, updates of indexed columns,
 * deletes, range changes, CREATE/DROP INDEX of every kind, DROP/CREATE TABLE, multi-statement
 * transactions, rollbacks, UNIQUE violations, overflow rows, bulk transactions, clean
 * close-and-reopen checkpoints, automatic and PRAGMA checkpoints) with crashes at arbitrary file operations
 * (torn and lost unsynced writes) and injected EIO/ENOSPC on reads, writes and syncs, checked
 * after every recovery against the model of committed states, by Ringlite and by real SQLite
 * ({@link SimulationRun} describes the checks).
 *
 * <p>System properties: {@code ringlite.sim.seeds} (how many seeds, default 200; the Maven
 * profile {@code long} runs 5000), {@code ringlite.sim.firstSeed} (default 1),
 * {@code ringlite.sim.seed} (run just that one seed: the rerun of a failure),
 * {@code ringlite.sim.steps} (workload steps per seed, default 40; every twentieth seed is a
 * heavy run of five times as many steps with more bulk transactions and rarer faults, enough to
 * pass the default 1000-frame auto-checkpoint; every third light seed sets
 * {@code wal_autocheckpoint} to 50), {@code ringlite.sim.trace=true} (print each run's last steps).
 */
class CrashSimulationTest {
    /** Where faults and crashes hit, summed over the seeds of this run (see {@link #everyKindOfFaultWasExercised}). */
    private static final Map<String, Integer> HITS = new TreeMap<>();
    private static int seedsRun;

    @TempDir
    Path tmp;

    static Stream<Long> seeds() {
        String one = System.getProperty("ringlite.sim.seed");
        if (one != null && !one.isBlank()) {
            return Stream.of(Long.parseLong(one.trim()));
        }
        long first = Long.getLong("ringlite.sim.firstSeed", 1L);
        long count = Long.getLong("ringlite.sim.seeds", 200L);
        return LongStream.range(first, first + count).boxed();
    }

    static int stepsFor(long seed) {
        int steps = Integer.getInteger("ringlite.sim.steps", 40);
        return heavy(seed) ? steps * 5 : steps;
    }

    static boolean heavy(long seed) {
        return seed % 20 == 0;
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void everyAcknowledgedCommitSurvivesCrashesAndIoErrorsAndNothingElseDoes(long seed) throws Exception {
        runSeed(seed);
    }

    /**
     * Seeds that found bugs, run in every default run. 1033: a checkpoint's WAL restart (a
     * truncate) was not synced, so a crash brought back the old log header with a stale prefix of
     * valid frames, which recovery replayed over the already checkpointed database file (SQLite:
     * "database disk image is malformed"); the restart is synced now ({@code Wal.restart}).
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1033})
    void seedsThatFoundBugsStillPass(long seed) throws Exception {
        runSeed(seed);
    }

    private void runSeed(long seed) throws Exception {
        SimulationRun run = new SimulationRun(seed, tmp);
        try {
            run.run(stepsFor(seed), heavy(seed));
            System.out.println(run.summary());
            if (Boolean.getBoolean("ringlite.sim.trace")) {
                System.out.println(run.trace());
            }
        } catch (Throwable t) {
            String message = "seed=" + seed + " failed: " + t.getMessage()
                    + "\nrerun: " + rerunCommand(seed)
                    + "\n" + run.summary()
                    + "\nlast steps:\n" + run.trace();
            System.out.println(message);
            throw new AssertionError(message, t);
        }
        synchronized (HITS) {
            run.hits().forEach((k, v) -> HITS.merge(k, v, Integer::sum));
            seedsRun++;
        }
    }

    /**
     * A run of at least 200 seeds (the default) must have hit each kind of fault somewhere: EIO
     * on a read, a write and a sync, ENOSPC on a write and a sync, and crashes inside a commit,
     * inside a checkpoint's backfill and inside the WAL restart that follows it. Otherwise the
     * workload has drifted away from what it is meant to test.
     */
    @AfterAll
    static void everyKindOfFaultWasExercised() {
        synchronized (HITS) {
            System.out.println("simulation: " + seedsRun + " seeds, faults and crashes hit " + HITS);
            if (seedsRun < 200) {
                return;
            }
            assertThat(HITS).containsKeys("EIO/read", "EIO/write", "EIO/sync", "ENOSPC/write", "ENOSPC/sync",
                    "crash@commit", "crash@checkpoint-backfill", "crash@wal-restart");
        }
    }

    /**
     * The point of seeds: a seed replays the same workload, the same file operations and the same
     * faults, so a failure reproduces.
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {3, 27, 41})
    void aSeedReplaysTheSameRunExactly(long seed) throws Exception {
        SimulationRun first = new SimulationRun(seed, tmp);
        first.run(stepsFor(seed), heavy(seed));
        SimulationRun second = new SimulationRun(seed, tmp);
        second.run(stepsFor(seed), heavy(seed));
        assertThat(second.summary()).isEqualTo(first.summary());
        assertThat(second.trace()).isEqualTo(first.trace());
    }

    /**
     * A heavy seed, whose commits pass the 1000-frame automatic checkpoint while the workload
     * goes on, replays file operation for file operation: the engine runs that checkpoint inside
     * the committing statement, before its Done, so it never interleaves with the next statement.
     * (Before, it ran after the Done and a heavy seed's I/O depended on thread timing.)
     */
    @Test
    void aHeavySeedWithAutomaticCheckpointsReplaysEveryFileOperation() throws Exception {
        long seed = HEAVY_REPLAY_SEED;
        SimulationRun first = new SimulationRun(seed, tmp);
        first.run(stepsFor(seed), true);
        SimulationRun second = new SimulationRun(seed, tmp);
        second.run(stepsFor(seed), true);
        assertThat(first.walRestartsWhileOpen()).as("automatic checkpoints in " + first.summary()).isPositive();
        assertThat(second.fingerprint()).as(second.summary() + " vs " + first.summary()).isEqualTo(first.fingerprint());
        assertThat(second.summary()).isEqualTo(first.summary());
        assertThat(second.trace()).isEqualTo(first.trace());
    }

    static final long HEAVY_REPLAY_SEED = 20;

    static String rerunCommand(long seed) {
        return "mvn -B -o -pl tests -am test -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest='CrashSimulationTest#everyAcknowledgedCommit*' -Dringlite.sim.seed=" + seed;
    }
}
