package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The driver over the real engine, in memory: what an R2DBC user does. */
class EngineEndToEndTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private RingliteConnectionFactory factory;
    private Connection conn;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void open() {
        factory = RingliteConnectionFactory.from("r2dbc:ringlite:mem:");
        conn = factory.create().block(HANG_GUARD);
        run(conn, "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, score REAL, photo BLOB)");
    }

    @AfterEach
    void close() {
        Mono.from(conn.close()).then(factory.close()).block(HANG_GUARD);
    }

    static void run(Connection c, String sql) {
        Flux.from(c.createStatement(sql).execute()).concatMap(Result::getRowsUpdated).blockLast(HANG_GUARD);
    }

    static <T> List<T> query(Connection c, String sql, java.util.function.Function<Readable, T> f) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.map(f)).collectList().block(HANG_GUARD);
    }

    private static <T> Flux<T> flux(Publisher<T> p) {
        return Flux.from(p);
    }

    @Test
    void insertsBoundByIndexAndByNameReadBackWithTheirTypes() {
        var insert = conn.createStatement("INSERT INTO person (id, name, age, score, photo) VALUES (?, ?, ?, ?, ?)")
                .bind(0, 1).bind(1, "Ada").bind(2, 36).bind(3, 9.5).bind(4, new byte[] {1, 2});
        StepVerifier.create(flux(insert.execute()).concatMap(Result::getRowsUpdated)).expectNext(1L).verifyComplete();
        var named = conn.createStatement("INSERT INTO person (id, name, age, score) VALUES (:id, :name, :age, :score)")
                .bind("id", 2).bind(":name", "Brian").bindNull("age", Integer.class).bind("score", 7.25);
        StepVerifier.create(flux(named.execute()).concatMap(Result::getRowsUpdated)).expectNext(1L).verifyComplete();

        var rows = flux(conn.createStatement("SELECT id, name, age, score, photo FROM person ORDER BY id").execute())
                .concatMap(r -> r.map((row, md) -> List.of(
                        row.get("id", Long.class), row.get("name", String.class),
                        String.valueOf(row.get("age", Integer.class)), row.get("score", Double.class),
                        String.valueOf(row.get("photo", byte[].class) == null ? null : row.get("photo", byte[].class).length),
                        md.getColumnMetadata("score").getType().getName())));
        StepVerifier.create(rows)
                .expectNext(List.of(1L, "Ada", "36", 9.5, "2", "REAL"))
                .expectNext(List.of(2L, "Brian", "null", 7.25, "null", "REAL"))
                .verifyComplete();
    }

    @Test
    void updateAndDeleteReportTheirChangeCounts() {
        run(conn, "INSERT INTO person (id, name, age) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
        StepVerifier.create(flux(conn.createStatement("UPDATE person SET age = age + 1 WHERE age >= :min")
                        .bind("min", 20).execute()).concatMap(Result::getRowsUpdated))
                .expectNext(2L).verifyComplete();
        StepVerifier.create(flux(conn.createStatement("DELETE FROM person WHERE id = ?").bind(0, 1).execute())
                        .concatMap(Result::getRowsUpdated))
                .expectNext(1L).verifyComplete();
        assertThat(query(conn, "SELECT age FROM person ORDER BY id", r -> r.get(0, Integer.class)))
                .containsExactly(21, 31);
    }

    @Test
    void addRunsTheInsertOncePerBindingSet() {
        var st = conn.createStatement("INSERT INTO person (id, name) VALUES (?, ?)");
        for (int i = 1; i <= 5; i++) {
            st.bind(0, i).bind(1, "p" + i).add();
        }
        StepVerifier.create(flux(st.execute()).concatMap(Result::getRowsUpdated))
                .expectNext(1L, 1L, 1L, 1L, 1L).verifyComplete();
        assertThat(query(conn, "SELECT name FROM person WHERE id >= 2 ORDER BY id", r -> r.get(0, String.class)))
                .containsExactly("p2", "p3", "p4", "p5");
    }

    @Test
    void generatedValuesReturnTheNewRowid() {
        var ids = flux(conn.createStatement("INSERT INTO person (name) VALUES (?)").bind(0, "auto")
                .returnGeneratedValues("id").execute())
                .concatMap(r -> r.map(row -> row.get("id", Long.class)));
        Long id = ids.blockLast(HANG_GUARD);
        assertThat(query(conn, "SELECT name FROM person WHERE id = " + id, r -> r.get(0, String.class)))
                .containsExactly("auto");
    }

    @Test
    void rollbackDiscardsAndCommitKeepsAndOtherConnectionsSeeOnlyCommittedRows() {
        Connection other = factory.create().block(HANG_GUARD);
        try {
            StepVerifier.create(Mono.from(conn.beginTransaction())
                    .thenMany(conn.createStatement("INSERT INTO person (id, name) VALUES (10, 'gone')").execute())
                    .concatMap(Result::getRowsUpdated)
                    .then(Mono.from(conn.rollbackTransaction()))).verifyComplete();
            assertThat(conn.isAutoCommit()).isTrue();
            assertThat(query(conn, "SELECT count(*) FROM person", r -> r.get(0, Long.class))).containsExactly(0L);

            StepVerifier.create(Mono.from(conn.beginTransaction())
                    .thenMany(conn.createStatement("INSERT INTO person (id, name) VALUES (11, 'kept')").execute())
                    .concatMap(Result::getRowsUpdated)).expectNext(1L).verifyComplete();
            assertThat(conn.isAutoCommit()).isFalse();
            StepVerifier.create(conn.commitTransaction()).verifyComplete();
            assertThat(query(other, "SELECT name FROM person", r -> r.get(0, String.class))).containsExactly("kept");
        } finally {
            Mono.from(other.close()).block(HANG_GUARD);
        }
    }

    @Test
    void explicitTransactionModeKeepsStatementsInATransactionUntilCommit() {
        StepVerifier.create(conn.setAutoCommit(false)).verifyComplete();
        run(conn, "INSERT INTO person (id, name) VALUES (1, 'a')");
        StepVerifier.create(conn.rollbackTransaction()).verifyComplete();
        run(conn, "INSERT INTO person (id, name) VALUES (2, 'b')");
        assertThat(conn.isAutoCommit()).isFalse();
        StepVerifier.create(conn.commitTransaction()).verifyComplete();
        StepVerifier.create(conn.setAutoCommit(true)).verifyComplete();
        assertThat(query(conn, "SELECT id FROM person", r -> r.get(0, Long.class))).containsExactly(2L);
    }

    @Test
    void aBadStatementIsBadGrammarAndTheConnectionStaysUsable() {
        StepVerifier.create(flux(conn.createStatement("SELECT * FROM nosuch").execute()).concatMap(r -> r.map(x -> x)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(R2dbcBadGrammarException.class)
                        .hasMessageContaining("no such table: nosuch"))
                .verify(HANG_GUARD);
        assertThat(query(conn, "SELECT count(*) FROM person", r -> r.get(0, Long.class))).containsExactly(0L);
    }

    @Test
    void aUniqueViolationIsADataIntegrityViolationWithSqlitesExtendedCode() {
        run(conn, "INSERT INTO person (id, name) VALUES (1, 'a')");
        StepVerifier.create(flux(conn.createStatement("INSERT INTO person (id, name) VALUES (1, 'b')").execute())
                        .concatMap(Result::getRowsUpdated))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(io.r2dbc.spi.R2dbcDataIntegrityViolationException.class);
                    // SQLITE_CONSTRAINT_PRIMARYKEY (1555), as sqlite3 reports for a duplicate INTEGER PRIMARY KEY
                    assertThat(((io.r2dbc.spi.R2dbcException) e).getErrorCode()).isEqualTo(1555);
                }).verify(HANG_GUARD);
    }

    @Test
    void aWriterWaitsForAnotherConnectionsTransactionAndProceedsAfterItsCommit() {
        Connection other = factory.create().block(HANG_GUARD);
        try {
            run(conn, "BEGIN");
            run(conn, "INSERT INTO person (id, name) VALUES (1, 'first')");
            var waiting = flux(other.createStatement("INSERT INTO person (id, name) VALUES (2, 'second')").execute())
                    .concatMap(Result::getRowsUpdated).collectList().toFuture();
            run(conn, "COMMIT");
            assertThat(Mono.fromFuture(waiting).block(HANG_GUARD)).containsExactly(1L);
            assertThat(query(conn, "SELECT name FROM person ORDER BY id", r -> r.get(0, String.class)))
                    .containsExactly("first", "second");
        } finally {
            Mono.from(other.close()).block(HANG_GUARD);
        }
    }

    @Test
    void aWriterThatCannotGetTheLockInTimeGetsATransientError() {
        RingliteConnectionFactory impatient = RingliteConnectionFactory.from("r2dbc:ringlite:mem:?lockWaitTimeout=PT0S");
        Connection a = impatient.create().block(HANG_GUARD);
        Connection b = impatient.create().block(HANG_GUARD);
        try {
            run(a, "CREATE TABLE t (x INTEGER)");
            run(a, "BEGIN");
            run(a, "INSERT INTO t VALUES (1)");
            StepVerifier.create(flux(b.createStatement("INSERT INTO t VALUES (2)").execute()).concatMap(Result::getRowsUpdated))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(io.r2dbc.spi.R2dbcTransientResourceException.class)
                                .hasMessageContaining("database is locked");
                        assertThat(((io.r2dbc.spi.R2dbcException) e).getErrorCode() & 0xff).isEqualTo(5);
                    })
                    .verify(HANG_GUARD);
            run(a, "COMMIT");
            run(b, "INSERT INTO t VALUES (2)");
            assertThat(query(b, "SELECT count(*) FROM t", r -> r.get(0, Long.class))).containsExactly(2L);
        } finally {
            Mono.from(a.close()).then(Mono.from(b.close())).then(impatient.close()).block(HANG_GUARD);
        }
    }

    @Test
    void aNamedInMemoryDatabaseIsSharedAcrossFactoriesAndAnUnnamedOneIsPrivate() {
        RingliteConnectionFactory a = RingliteConnectionFactory.from("r2dbc:ringlite:mem:shared-by-name");
        RingliteConnectionFactory b = RingliteConnectionFactory.from("r2dbc:ringlite:mem:///shared-by-name");
        Connection ca = a.create().block(HANG_GUARD);
        Connection cb = b.create().block(HANG_GUARD);
        try {
            run(ca, "CREATE TABLE s (v TEXT)");
            run(ca, "INSERT INTO s VALUES ('seen')");
            assertThat(query(cb, "SELECT v FROM s", r -> r.get(0, String.class))).containsExactly("seen");
            // this test's own factory is unnamed: it has no table s
            StepVerifier.create(flux(conn.createStatement("SELECT v FROM s").execute()).concatMap(r -> r.map(x -> x)))
                    .expectError(R2dbcBadGrammarException.class).verify(HANG_GUARD);
        } finally {
            Mono.from(ca.close()).then(Mono.from(cb.close())).then(a.close()).then(b.close()).block(HANG_GUARD);
        }
    }

    @Test
    void springDataStyleUsageThroughConnectionFactoriesAndUsingWhen() {
        ConnectionFactory cf = ConnectionFactories.get("r2dbc:ringlite:mem:///spring-style");
        Flux<Long> insertAndCount = Flux.usingWhen(cf.create(),
                c -> flux(c.createStatement("CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT)").execute())
                        .concatMap(Result::getRowsUpdated)
                        .thenMany(c.createStatement("INSERT INTO item (title) VALUES ($1)").bind("$1", "first")
                                .returnGeneratedValues("id").execute())
                        .concatMap(r -> r.map((row, md) -> row.get("id", Long.class))),
                Connection::close);
        StepVerifier.create(insertAndCount).expectNext(1L).verifyComplete();
        // a second connection of the same factory sees the data: the in-memory database lives with the factory
        Flux<String> read = Flux.usingWhen(cf.create(),
                c -> flux(c.createStatement("SELECT title FROM item WHERE id = :id").bind("id", 1L).execute())
                        .concatMap(r -> r.map(row -> row.get("title", String.class))),
                Connection::close);
        StepVerifier.create(read).expectNext("first").verifyComplete();
        StepVerifier.create(((RingliteConnectionFactory) cf).close()).verifyComplete();
    }
}
