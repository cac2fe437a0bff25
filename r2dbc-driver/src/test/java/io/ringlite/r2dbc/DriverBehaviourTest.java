package io.ringlite.r2dbc;

import static io.ringlite.r2dbc.FakeEngine.done;
import static io.ringlite.r2dbc.FakeEngine.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.ValidationDepth;
import io.ringlite.engine.Outcome;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The driver's own behaviour over a scripted engine (see {@link FakeEngine}). */
class DriverBehaviourTest {

    private FakeEngine engine;
    private RingliteConnectionFactory factory;
    private RingliteConnection connection;

    @BeforeAll
    static void blockHound() {
        BlockHoundSupport.install();
    }

    @BeforeEach
    void open() {
        engine = new FakeEngine();
        engine.update("INSERT INTO t VALUES (?, ?, ?)", args -> Flux.just(done(1, 7)));
        engine.update("INSERT INTO t VALUES (:id, @name, $born)", args -> Flux.just(done(1, 8)));
        engine.update("INSERT INTO t VALUES (?1, ?3)", args -> Flux.just(done(1, 9)));
        engine.update("DELETE FROM t", args -> Flux.just(done(3, 0)));
        engine.query("SELECT id, name FROM t", List.of("id", "Name"), List.of("INTEGER", "TEXT"),
                args -> Flux.just(row(1L, "a"), row(2L, "b"), done(0, 0)));
        factory = new RingliteConnectionFactory(RingliteConnectionConfiguration.memory(), new DatabaseRegistry(engine::open));
        connection = factory.create().block();
    }

    @Test
    void blockHoundWatchesTheseTests() {
        // Guards the guard: a blocking call on a Reactor non-blocking thread must fail.
        StepVerifier.create(Mono.delay(Duration.ofMillis(1)).doOnNext(x ->
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000)))
                .expectErrorMatches(e -> e instanceof reactor.blockhound.BlockingOperationError
                        || e.getCause() instanceof reactor.blockhound.BlockingOperationError)
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void executeIsLazyNothingIsCompiledBeforeSubscription() {
        var results = connection.createStatement("DELETE FROM t").execute();
        assertThat(engine.prepared).isEmpty();
        StepVerifier.create(results.flatMap(RingliteResult::getRowsUpdated)).expectNext(3L).verifyComplete();
        assertThat(engine.prepared).containsExactly("DELETE FROM t");
    }

    @Test
    void bindByIndexIsZeroBasedAndConvertsJavaValues() {
        var st = connection.createStatement("INSERT INTO t VALUES (?, ?, ?)")
                .bind(0, 1).bind(1, LocalDate.of(2024, 2, 29)).bind(2, true);
        StepVerifier.create(st.execute().flatMap(RingliteResult::getRowsUpdated)).expectNext(1L).verifyComplete();
        assertThat(engine.calls).singleElement().satisfies(c ->
                assertThat(c.args()).containsExactly(1L, "2024-02-29", 1L));
    }

    @Test
    void bindByNameAcceptsNamesWithOrWithoutTheirPrefix() {
        var st = connection.createStatement("INSERT INTO t VALUES (:id, @name, $born)")
                .bind("id", 5L).bind("@name", "x").bind("born", Parameters.in(2.5));
        StepVerifier.create(st.execute().flatMap(RingliteResult::getRowsUpdated)).expectNext(1L).verifyComplete();
        assertThat(engine.calls.getFirst().args()).containsExactly(5L, "x", 2.5);
    }

    @Test
    void bindNullBindsSqlNullAndNullValuesAreRejected() {
        var st = connection.createStatement("INSERT INTO t VALUES (?, ?, ?)");
        assertThatThrownBy(() -> st.bind(0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> st.bind(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        st.bindNull(0, Long.class).bind(1, "n").bind(2, Parameters.in(String.class));
        StepVerifier.create(st.execute().flatMap(RingliteResult::getRowsUpdated)).expectNext(1L).verifyComplete();
        assertThat(engine.calls.getFirst().args()).containsExactly(null, "n", null);
    }

    @Test
    void addRunsOneExecutionPerBindingSetInOrderAndEmitsOneResultEach() {
        var st = connection.createStatement("INSERT INTO t VALUES (?, ?, ?)");
        for (int i = 0; i < 3; i++) {
            st.bind(0, i).bind(1, "n" + i).bind(2, i * 1.5).add();
        }
        StepVerifier.create(st.execute().concatMap(RingliteResult::getRowsUpdated))
                .expectNext(1L, 1L, 1L).verifyComplete();
        assertThat(engine.calls).extracting(FakeEngine.Call::args).containsExactly(
                List.of(0L, "n0", 0.0), List.of(1L, "n1", 1.5), List.of(2L, "n2", 3.0));
    }

    @Test
    void writesRunEvenIfTheirResultIsNeverConsumed() {
        StepVerifier.create(connection.createStatement("DELETE FROM t").execute().then()).verifyComplete();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql).containsExactly("DELETE FROM t");
    }

    @Test
    void anUnboundParameterIsAnError() {
        var st = connection.createStatement("INSERT INTO t VALUES (?, ?, ?)").bind(0, 1).bind(2, 3);
        StepVerifier.create(st.execute()).expectErrorSatisfies(e ->
                assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("index 1")).verify();
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void numberedParametersLeftUnboundAreNullAsInSqlite() {
        var st = connection.createStatement("INSERT INTO t VALUES (?1, ?3)").bind("3", "c");
        StepVerifier.create(st.execute().flatMap(RingliteResult::getRowsUpdated)).expectNext(1L).verifyComplete();
        assertThat(engine.calls.getFirst().args()).containsExactly(null, null, "c");
    }

    @Test
    void bindingAnIndexOrNameTheSqlDoesNotHaveThrowsAtOnce() {
        var st = connection.createStatement("INSERT INTO t VALUES (:id, @name, $born)");
        assertThatThrownBy(() -> st.bind("nope", 1)).isInstanceOf(java.util.NoSuchElementException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> st.bind(3, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> st.bindNull("@nope", String.class)).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> st.bind((String) null, 1)).isInstanceOf(IllegalArgumentException.class);
        st.bind(0, 1).bind(1, "n").bind(2, "b");
        StepVerifier.create(st.execute().flatMap(RingliteResult::getRowsUpdated)).expectNext(1L).verifyComplete();
    }

    @Test
    void queryRowsAreMappedWithMetadataAndNameLookupIgnoresCase() {
        var rows = connection.createStatement("SELECT id, name FROM t").execute()
                .concatMap(r -> r.map((row, md) -> row.get("ID", Integer.class) + ":" + row.get("name")
                        + ":" + md.getColumnMetadata(1).getType().getName()));
        StepVerifier.create(rows).expectNext("1:a:TEXT", "2:b:TEXT").verifyComplete();
    }

    @Test
    void queryRowsAreProducedOnDemand() {
        AtomicLong produced = new AtomicLong();
        engine.query("SELECT x FROM big", List.of("x"), List.of("INTEGER"), args ->
                Flux.range(0, 1000).<Outcome>map(i -> row((long) i)).concatWith(Mono.just(done(0, 0)))
                        .doOnNext(o -> produced.incrementAndGet()));
        var rows = connection.createStatement("SELECT x FROM big").execute()
                .concatMap(r -> r.map(row -> row.get(0, Long.class)));
        StepVerifier.create(rows, 0)
                .thenRequest(2).expectNext(0L, 1L)
                .then(() -> assertThat(produced.get()).isEqualTo(2))
                .thenCancel().verify();
    }

    @Test
    void cancellingAQueryCancelsItsEngineExecutionAndTheConnectionStaysUsable() {
        AtomicBoolean cancelled = new AtomicBoolean();
        engine.query("SELECT x FROM endless", List.of("x"), List.of("INTEGER"), args ->
                Flux.<Outcome, Long>generate(() -> 0L, (i, sink) -> {
                    sink.next(row(i));
                    return i + 1;
                }).doOnCancel(() -> cancelled.set(true)));
        var first = connection.createStatement("SELECT x FROM endless").execute()
                .concatMap(r -> r.map(row -> row.get(0, Long.class))).take(3);
        StepVerifier.create(first).expectNext(0L, 1L, 2L).verifyComplete();
        assertThat(cancelled).isTrue();
        StepVerifier.create(connection.createStatement("DELETE FROM t").execute().flatMap(RingliteResult::getRowsUpdated))
                .expectNext(3L).verifyComplete();
    }

    @Test
    void rowsUpdatedIsEmptyForAQueryAndTheChangeCountForAWrite() {
        StepVerifier.create(connection.createStatement("SELECT id, name FROM t").execute()
                .flatMap(RingliteResult::getRowsUpdated)).verifyComplete();
        StepVerifier.create(connection.createStatement("DELETE FROM t").execute()
                .flatMap(RingliteResult::getRowsUpdated)).expectNext(3L).verifyComplete();
    }

    @Test
    void aResultCanBeConsumedOnlyOnce() {
        RingliteResult result = connection.createStatement("DELETE FROM t").execute().blockFirst();
        StepVerifier.create(result.getRowsUpdated()).expectNext(3L).verifyComplete();
        StepVerifier.create(result.getRowsUpdated()).expectError(IllegalStateException.class).verify();
    }

    @Test
    void aSyntaxErrorIsBadGrammarCarryingTheSqlAndSqliteCode() {
        StepVerifier.create(connection.createStatement("SELEC nothing").execute()).expectErrorSatisfies(e -> {
            assertThat(e).isInstanceOf(R2dbcBadGrammarException.class).hasMessage("near \"SELEC\": syntax error");
            assertThat(((R2dbcBadGrammarException) e).getOffendingSql()).isEqualTo("SELEC nothing");
            assertThat(((R2dbcBadGrammarException) e).getErrorCode()).isEqualTo(1);
        }).verify();
    }

    @Test
    void aConstraintViolationArrivesThroughTheResultAndStopsLaterBindingSets() {
        engine.update("INSERT INTO u VALUES (?)", args -> (Long) args.get(0) == 2L
                ? Flux.error(new DatabaseException(ResultCode.CONSTRAINT_UNIQUE, "UNIQUE constraint failed: u.a"))
                : Flux.just(done(1, (Long) args.get(0))));
        var st = connection.createStatement("INSERT INTO u VALUES (?)").bind(0, 1).add().bind(0, 2).add().bind(0, 3);
        StepVerifier.create(st.execute().concatMap(RingliteResult::getRowsUpdated))
                .expectNext(1L)
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(R2dbcDataIntegrityViolationException.class);
                    assertThat(((R2dbcDataIntegrityViolationException) e).getErrorCode()).isEqualTo(2067);
                }).verify();
        assertThat(engine.calls).hasSize(2);
    }

    @Test
    void flatMapPresentsAnErrorAsAMessageSegment() {
        engine.update("INSERT INTO u VALUES (1)", args ->
                Flux.error(new DatabaseException(ResultCode.CONSTRAINT_PRIMARYKEY, "UNIQUE constraint failed: u.id")));
        var segments = connection.createStatement("INSERT INTO u VALUES (1)").execute()
                .concatMap(r -> r.flatMap(seg -> Mono.just(seg)));
        StepVerifier.create(segments).assertNext(seg -> {
            assertThat(seg).isInstanceOf(Result.Message.class);
            assertThat(((Result.Message) seg).errorCode()).isEqualTo(ResultCode.CONSTRAINT_PRIMARYKEY.code());
            assertThat(((Result.Message) seg).exception()).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        }).verifyComplete();
    }

    @Test
    void filterDropsSegmentsBeforeMapping() {
        var counts = connection.createStatement("SELECT id, name FROM t").execute()
                .concatMap(r -> r.filter(s -> s instanceof Result.RowSegment rs && rs.row().get(0, Long.class) > 1)
                        .map(row -> row.get(1, String.class)));
        StepVerifier.create(counts).expectNext("b").verifyComplete();
    }

    @Test
    void returnGeneratedValuesEmitsTheRowidOfAnInsertUnderTheRequestedName() {
        var ids = connection.createStatement("INSERT INTO t VALUES (?, ?, ?)").bind(0, 1).bind(1, 2).bind(2, 3)
                .returnGeneratedValues("id").execute()
                .concatMap(r -> r.map((row, md) -> md.getColumnMetadatas().getFirst().getName() + "=" + row.get("id")));
        StepVerifier.create(ids).expectNext("id=7").verifyComplete();
        assertThatThrownBy(() -> connection.createStatement("x").returnGeneratedValues("a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transactionMethodsRunSqliteTransactionStatements() {
        assertThat(connection.isAutoCommit()).isTrue();
        StepVerifier.create(connection.beginTransaction()).verifyComplete();
        assertThat(connection.isAutoCommit()).isFalse();
        StepVerifier.create(connection.beginTransaction(IsolationLevel.READ_COMMITTED)).verifyComplete();
        StepVerifier.create(connection.commitTransaction()).verifyComplete();
        assertThat(connection.isAutoCommit()).isTrue();
        StepVerifier.create(connection.commitTransaction()).verifyComplete();
        StepVerifier.create(connection.beginTransaction().then(connection.rollbackTransaction())).verifyComplete();
        assertThat(connection.isAutoCommit()).isTrue();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql).containsExactly("BEGIN", "COMMIT", "BEGIN", "ROLLBACK");
    }

    @Test
    void explicitTransactionModeBeginsTheNextTransactionBeforeTheNextStatement() {
        StepVerifier.create(connection.setAutoCommit(false)).verifyComplete();
        assertThat(connection.isAutoCommit()).isFalse();
        StepVerifier.create(connection.commitTransaction()).verifyComplete();
        assertThat(connection.isAutoCommit()).isFalse();
        StepVerifier.create(connection.createStatement("DELETE FROM t").execute().flatMap(RingliteResult::getRowsUpdated))
                .expectNext(3L).verifyComplete();
        StepVerifier.create(connection.setAutoCommit(true)).verifyComplete();
        assertThat(connection.isAutoCommit()).isTrue();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql)
                .containsExactly("BEGIN", "COMMIT", "BEGIN", "DELETE FROM t", "COMMIT");
    }

    @Test
    void savepointNamesAreQuotedIdentifiers() {
        StepVerifier.create(connection.createSavepoint("sp \"1\"")
                .then(connection.rollbackTransactionToSavepoint("sp \"1\""))
                .then(connection.releaseSavepoint("sp \"1\""))).verifyComplete();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql).containsExactly(
                "SAVEPOINT \"sp \"\"1\"\"\"", "ROLLBACK TO SAVEPOINT \"sp \"\"1\"\"\"", "RELEASE SAVEPOINT \"sp \"\"1\"\"\"");
    }

    @Test
    void everyIsolationLevelIsServedAsSerializable() {
        StepVerifier.create(connection.setTransactionIsolationLevel(IsolationLevel.READ_UNCOMMITTED)).verifyComplete();
        assertThat(connection.getTransactionIsolationLevel()).isEqualTo(IsolationLevel.SERIALIZABLE);
    }

    @Test
    void validateAnswersFalseOnceClosedAndCloseIsIdempotent() {
        StepVerifier.create(connection.validate(ValidationDepth.REMOTE)).expectNext(true).verifyComplete();
        StepVerifier.create(connection.close().then(connection.close())).verifyComplete();
        StepVerifier.create(connection.validate(ValidationDepth.LOCAL)).expectNext(false).verifyComplete();
        assertThat(engine.sessionsClosed).hasValue(1);
        assertThatThrownBy(() -> connection.createStatement("SELECT 1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aScriptEmitsOneResultPerStatement() {
        var counts = connection.createStatement("DELETE FROM t; INSERT INTO t VALUES (?1, ?3);").execute()
                .concatMap(RingliteResult::getRowsUpdated);
        StepVerifier.create(counts).expectNext(3L, 1L).verifyComplete();
        var bound = connection.createStatement("INSERT INTO t VALUES (?1, ?3); DELETE FROM t").bind(0, 1).execute();
        StepVerifier.create(bound).expectError(IllegalArgumentException.class).verify();
    }

    @Test
    void aBatchRunsItsStatementsInOrder() {
        var counts = connection.createBatch().add("DELETE FROM t").add("INSERT INTO t VALUES (?1, ?3)").execute()
                .concatMap(RingliteResult::getRowsUpdated);
        StepVerifier.create(counts).expectNext(3L, 1L).verifyComplete();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql)
                .containsExactly("DELETE FROM t", "INSERT INTO t VALUES (?1, ?3)");
    }

    @Test
    void aBatchStopsAfterAFailedStatement() {
        engine.update("INSERT INTO u VALUES (1)", args ->
                Flux.error(new DatabaseException(ResultCode.CONSTRAINT_UNIQUE, "UNIQUE constraint failed: u.id")));
        var counts = connection.createBatch().add("DELETE FROM t").add("INSERT INTO u VALUES (1)").add("DELETE FROM t")
                .execute().concatMap(RingliteResult::getRowsUpdated);
        StepVerifier.create(counts).expectNext(3L).expectError(R2dbcDataIntegrityViolationException.class).verify();
        assertThat(engine.calls).extracting(FakeEngine.Call::sql).containsExactly("DELETE FROM t", "INSERT INTO u VALUES (1)");
    }

    @Test
    void statementTimeoutInterruptsALongQuery() {
        AtomicBoolean cancelled = new AtomicBoolean();
        engine.query("SELECT x FROM slow", List.of("x"), List.of("INTEGER"), args ->
                Flux.<Outcome>never().doOnCancel(() -> cancelled.set(true)));
        StepVerifier.withVirtualTime(() -> connection.setStatementTimeout(Duration.ofSeconds(2))
                        .thenMany(connection.createStatement("SELECT x FROM slow").execute())
                        .concatMap(r -> r.map(row -> row.get(0))))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(3))
                .expectError(R2dbcTimeoutException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
    }

    @Test
    void connectionsOfAFactoryShareOneDatabaseThatLivesAsLongAsTheFactory() {
        RingliteConnection second = factory.create().block();
        assertThat(engine.opened).hasValue(1);
        assertThat(engine.sessions).hasValue(2);
        StepVerifier.create(connection.close().then(second.close())).verifyComplete();
        assertThat(engine.closed).hasValue(0);
        RingliteConnection third = factory.create().block();
        assertThat(engine.opened).hasValue(1);
        StepVerifier.create(factory.close()).verifyComplete();
        assertThat(engine.closed).hasValue(0);
        StepVerifier.create(third.close()).verifyComplete();
        assertThat(engine.closed).hasValue(1);
        StepVerifier.create(factory.create()).expectError(IllegalStateException.class).verify();
    }

    @Test
    void aFileDatabaseIsOpenedByItsFirstConnectionAndClosedByItsLast() {
        FakeEngine files = new FakeEngine();
        DatabaseRegistry registry = new DatabaseRegistry(files::open);
        var config = RingliteConnectionConfiguration.file(java.nio.file.Path.of("/tmp/ringlite-fake.db"));
        var a = new RingliteConnectionFactory(config, registry);
        var b = new RingliteConnectionFactory(config, registry);
        assertThat(files.opened).hasValue(0);
        List<RingliteConnection> conns = new ArrayList<>();
        conns.add(a.create().block());
        conns.add(b.create().block());
        assertThat(files.opened).hasValue(1);
        StepVerifier.create(conns.get(0).close()).verifyComplete();
        assertThat(files.closed).hasValue(0);
        StepVerifier.create(conns.get(1).close()).verifyComplete();
        assertThat(files.closed).hasValue(1);
        StepVerifier.create(a.create().flatMap(RingliteConnection::close)).verifyComplete();
        assertThat(files.opened).hasValue(2);
        assertThat(files.closed).hasValue(2);
    }

    @Test
    void aFailedOpenIsRetriedByTheNextConnection() {
        FakeEngine files = new FakeEngine();
        AtomicBoolean fail = new AtomicBoolean(true);
        DatabaseRegistry registry = new DatabaseRegistry(cfg -> fail.getAndSet(false)
                ? Mono.error(new DatabaseException(ResultCode.CANTOPEN, "unable to open database file"))
                : files.open(cfg));
        var f = new RingliteConnectionFactory(RingliteConnectionConfiguration.file(java.nio.file.Path.of("/nope/x.db")), registry);
        StepVerifier.create(f.create()).expectError(io.r2dbc.spi.R2dbcNonTransientResourceException.class).verify();
        StepVerifier.create(f.create().flatMap(RingliteConnection::close)).verifyComplete();
        assertThat(files.opened).hasValue(1);
    }
}
