package io.ringlite.engine.pragma;

import static io.ringlite.engine.pragma.EngineSql.WAIT;
import static io.ringlite.engine.pragma.EngineSql.rows;
import static io.ringlite.engine.pragma.EngineSql.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Databases;
import io.ringlite.engine.Session;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code PRAGMA synchronous = NORMAL} through the engine: commits are not synced, so a power cut
 * (simulated: unsynced writes applied, lost or torn as the seed decides) may lose the last ones,
 * but the file is never corrupt, holds a prefix of the commits, and keeps everything a completed
 * checkpoint copied.
 */
class SynchronousNormalCrashTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28})
    void aCrashKeepsAConsistentPrefixOfTheCommitsAndEverythingCheckpointed(long seed) throws Exception {
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        Path file = Path.of("/sim/normal.db");
        DatabaseConfig config = new DatabaseConfig(file, IoKind.SIMULATED, false, seed);
        Random rnd = new Random(seed);
        Database db = Databases.open(config, fs).block(WAIT);
        Session s = db.connect();
        rows(s, "PRAGMA synchronous = NORMAL");
        rows(s, "PRAGMA wal_autocheckpoint = " + (5 + rnd.nextInt(30)));
        rows(s, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        rows(s, "CREATE INDEX tv ON t(v)");
        List<Long> committed = new ArrayList<>();
        int checkpointedRows = 0;
        int total = 20 + rnd.nextInt(60);
        int checkpointAt = rnd.nextInt(total);
        for (int i = 1; i <= total; i++) {
            rows(s, "INSERT INTO t(id, v) VALUES (" + i + ", '" + "v".repeat(1 + rnd.nextInt(400)) + i + "')");
            committed.add((long) i);
            if (i == checkpointAt) {
                rows(s, "PRAGMA wal_checkpoint(TRUNCATE)");
                checkpointedRows = i;
            }
        }
        fs.crash(SimulatedFileSystem.CrashMode.SEEDED);
        db.close().onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(WAIT);

        Database again = Databases.open(config, fs).block(WAIT);
        List<Long> found;
        try {
            Session r = again.connect();
            found = rows(r, "SELECT id FROM t ORDER BY id").stream().map(x -> (Long) x.get(0)).toList();
            assertThat(rows(r, "PRAGMA integrity_check")).as("seed %d", seed).containsExactly(List.of("ok"));
        } finally {
            again.close().block(WAIT);
        }
        assertThat(committed).as("seed %d: a prefix of the commits", seed).startsWith(found.toArray(new Long[0]));
        assertThat(found.size()).as("seed %d: at least what the checkpoint made durable", seed)
                .isGreaterThanOrEqualTo(checkpointedRows);
        Path real = tmp.resolve("normal.db");
        Files.write(real, fs.content(file));
        Path wal = Path.of(file + "-wal");
        if (fs.exists(wal)) {
            Files.write(Path.of(real + "-wal"), fs.content(wal));
        }
        assertThat(sqlite(real, "PRAGMA integrity_check")).as("seed %d", seed).containsExactly(List.of("ok"));
        assertThat(sqlite(real, "SELECT count(*) FROM t")).containsExactly(List.of((long) found.size()));
    }
}
