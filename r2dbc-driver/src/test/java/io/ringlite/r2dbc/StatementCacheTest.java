package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The connection's prepared-statement cache: reused by text, bounded, never stale after DDL. */
class StatementCacheTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RingliteConnectionFactory factory;
    private RingliteConnection conn;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void open() {
        factory = RingliteConnectionFactory.from("r2dbc:ringlite:mem:");
        conn = (RingliteConnection) factory.create().block(WAIT);
        run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    }

    @AfterEach
    void close() {
        Mono.from(conn.close()).then(factory.close()).block(WAIT);
    }

    private void run(String sql) {
        Flux.from(conn.createStatement(sql).execute()).concatMap(Result::getRowsUpdated).blockLast(WAIT);
    }

    private <T> List<T> query(String sql, Function<Readable, T> f) {
        return Flux.from(conn.createStatement(sql).execute()).concatMap(r -> r.map(f)).collectList().block(WAIT);
    }

    @Test
    void theSameTextIsPreparedOnceAndRunsWithNewBindingsEachTime() {
        run("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
        int before = conn.cachedStatements();
        for (int i = 1; i <= 2; i++) {
            String name = Flux.from(conn.createStatement("SELECT b FROM t WHERE a = ?").bind(0, i).execute())
                    .concatMap(r -> r.map(row -> row.get(0, String.class))).blockLast(WAIT);
            assertThat(name).isEqualTo(i == 1 ? "one" : "two");
        }
        assertThat(conn.cachedStatements()).isEqualTo(before + 1);
    }

    @Test
    void aCachedSelectStarSeesTheColumnsOfATableRecreatedByLaterDdl() {
        run("INSERT INTO t VALUES (1, 'one')");
        assertThat(query("SELECT * FROM t", row -> row.get(1, String.class))).containsExactly("one");
        run("DROP TABLE t");
        run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER)");
        run("INSERT INTO t VALUES (1, 'one', 7)");
        List<List<Object>> rows = Flux.from(conn.createStatement("SELECT * FROM t").execute())
                .concatMap(r -> r.map((row, md) -> List.<Object>of(md.getColumnMetadatas().size(),
                        md.getColumnMetadata(2).getName(), row.get("c", Long.class))))
                .collectList().block(WAIT);
        assertThat(rows).containsExactly(List.of(3, "c", 7L));
    }

    @Test
    void aCachedStatementOnADroppedTableFailsAsSqliteWould() {
        assertThat(query("SELECT count(*) FROM t", row -> row.get(0, Long.class))).containsExactly(0L);
        run("DROP TABLE t");
        assertThatThrownBy(() -> query("SELECT count(*) FROM t", row -> row.get(0, Long.class)))
                .isInstanceOf(R2dbcBadGrammarException.class).hasMessageContaining("no such table: t");
    }

    @Test
    void theCacheKeepsAtMostItsCapacity() {
        for (int i = 0; i < StatementCache.CAPACITY + 10; i++) {
            query("SELECT " + i, row -> row.get(0, Long.class));
        }
        assertThat(conn.cachedStatements()).isEqualTo(StatementCache.CAPACITY);
    }

    @Test
    void aCompileErrorIsNotCachedAndSurfacesOnSubscription() {
        var failing = conn.createStatement("SELEC 1").execute(); // nothing happens yet
        int before = conn.cachedStatements();
        assertThatThrownBy(() -> Flux.from(failing).blockLast(WAIT)).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(conn.cachedStatements()).isEqualTo(before);
    }
}
