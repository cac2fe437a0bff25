package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Corruption reaches an R2DBC user as {@link R2dbcNonTransientResourceException} carrying
 * SQLite's code (SQLITE_CORRUPT 11, SQLITE_NOTADB 26) and the page, on a real file, and the
 * connection stays usable for the parts of the file that are intact.
 */
class CorruptThroughR2dbcTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void corruptLeafIsANonTransientResourceErrorNamingThePageAndTheConnectionStaysUsable() throws Exception {
        Specimen s = Specimen.create(tmp, "r2dbc-source.db", 512, 600, 1, 100, 3L);
        byte[] bad = s.copy();
        Pages p = new Pages(bad);
        int leaf = p.leaves(s.rootT()).get(2);
        p.put8(p.header(leaf), 7);
        Path file = tmp.resolve("r2dbc-corrupt.db");
        Files.write(file, bad);

        var cf = ConnectionFactories.get("r2dbc:ringlite:file://" + file.toAbsolutePath() + "?io=portable");
        Connection c = Mono.from(cf.create()).block(HANG_GUARD);
        try {
            StepVerifier.create(Flux.from(c.createStatement("SELECT id, v FROM t").execute())
                            .concatMap(r -> r.map((row, md) -> row.get(0, Long.class))))
                    .thenConsumeWhile(id -> true)
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class);
                        assertThat(((R2dbcException) e).getErrorCode() & 0xff).isEqualTo(11);
                        assertThat(e.getMessage()).contains("malformed").contains("page " + leaf);
                    })
                    .verify(HANG_GUARD);
            List<Long> docs = Flux.from(c.createStatement("SELECT id FROM docs").execute())
                    .concatMap(r -> r.map((row, md) -> row.get(0, Long.class))).collectList().block(HANG_GUARD);
            assertThat(docs).containsExactly(1L);
        } finally {
            Mono.from(c.close()).block(HANG_GUARD);
        }
    }

    @Test
    void fileThatIsNotADatabaseIsANonTransientResourceError() throws Exception {
        Path file = tmp.resolve("not-a-db.db");
        Files.write(file, "this is a text file, not a database, and it is long enough to have a header".repeat(20).getBytes());
        var cf = ConnectionFactories.get("r2dbc:ringlite:file://" + file.toAbsolutePath() + "?io=portable");
        StepVerifier.create(Mono.from(cf.create())
                        .flatMapMany(c -> Flux.from(c.createStatement("SELECT 1").execute())
                                .concatMap(Result::getRowsUpdated)
                                .onErrorResume(e -> Mono.from(c.close()).then(Mono.error(e)))))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(R2dbcNonTransientResourceException.class);
                    assertThat(((R2dbcException) e).getErrorCode() & 0xff).isEqualTo(26);
                    assertThat(e.getMessage()).isEqualTo("file is not a database");
                })
                .verify(HANG_GUARD);
    }
}
