package io.ringlite.r2dbc;

import static io.ringlite.r2dbc.EngineEndToEndTest.query;
import static io.ringlite.r2dbc.EngineEndToEndTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * End-to-end tests that need statements the compiler does not support yet (SAVEPOINT, PRAGMA):
 * named *IT so the default build skips them; run with {@code -Dtest=EngineCrudIT} once the
 * compiler has them, then move them to {@link EngineEndToEndTest}.
 */
class EngineCrudIT {

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
        run(conn, "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER)");
        run(conn, "INSERT INTO person (id, name, age) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
    }

    @AfterEach
    void close() {
        Mono.from(conn.close()).then(factory.close()).block(HANG_GUARD);
    }

    @Test
    void rollingBackToASavepointKeepsWhatCameBeforeIt() {
        StepVerifier.create(Mono.from(conn.beginTransaction())
                .thenMany(conn.createStatement("DELETE FROM person WHERE id = 1").execute())
                .concatMap(Result::getRowsUpdated)
                .then(Mono.from(conn.createSavepoint("sp")))
                .thenMany(conn.createStatement("DELETE FROM person WHERE id = 2").execute())
                .concatMap(Result::getRowsUpdated)
                .then(Mono.from(conn.rollbackTransactionToSavepoint("sp")))
                .then(Mono.from(conn.releaseSavepoint("sp")))
                .then(Mono.from(conn.commitTransaction()))).verifyComplete();
        assertThat(query(conn, "SELECT id FROM person ORDER BY id", r -> r.get(0, Long.class))).containsExactly(2L, 3L);
    }

    @Test
    void lockWaitTimeoutSetsTheBusyTimeout() {
        StepVerifier.create(conn.setLockWaitTimeout(Duration.ofSeconds(2))).verifyComplete();
    }
}
