package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C: {@link Shell#interrupt} stops the running statement only, reports it as sqlite3 does
 * ("interrupted (9)", as sqlite3 3.40 prints a SIGINT-ed statement), and then the prompt goes on
 * while a script stops. Driven with a fake connection whose "slow" statement runs until it is
 * interrupted.
 */
class ShellInterruptTest {

    /** A connection where {@code slow} emits one row and then blocks until interrupted. */
    static final class SlowConnection implements SqlConnection {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final Queue<String> executed = new ConcurrentLinkedQueue<>();

        record Stmt(String sql, String tail) implements Statement {
            @Override
            public List<String> columnNames() {
                return List.of("v");
            }
        }

        @Override
        public Statement prepare(String sql) {
            int semi = sql.indexOf(';');
            String text = semi < 0 ? sql : sql.substring(0, semi);
            String tail = semi < 0 ? "" : sql.substring(semi + 1);
            return text.isBlank() ? null : new Stmt(text.strip(), tail);
        }

        @Override
        public void execute(Statement statement, RowSink sink) {
            String sql = ((Stmt) statement).sql();
            executed.add(sql);
            sink.row(new Object[] {sql});
            if (sql.equals("slow")) {
                started.countDown();
                try {
                    if (!interrupted.await(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("never interrupted");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new DatabaseException(ResultCode.INTERRUPT, "interrupted");
            }
        }

        @Override
        public void interrupt() {
            interrupted.countDown();
        }

        @Override
        public void close() {
        }
    }

    private record Run(String out, String err) {
    }

    private static Run runWhileInterrupting(List<String> lines, Shell.Style style) throws Exception {
        SlowConnection conn = new SlowConnection();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Shell shell = new Shell(new Settings(), out, err, (f, ro) -> conn, null, false);
        List<String> input = new ArrayList<>(lines);
        Thread runner = Thread.ofPlatform().start(() -> shell.runScript(
                c -> input.isEmpty() ? null : input.removeFirst(), style));
        assertThat(conn.started.await(30, TimeUnit.SECONDS)).isTrue();
        shell.interrupt();
        runner.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(runner.isAlive()).isFalse();
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void ctrlCAtThePromptStopsTheStatementAndTheShellGoesOn() throws Exception {
        Run run = runWhileInterrupting(List.of("select 1;", "slow;", "after;"), Shell.Style.INTERACTIVE);
        assertThat(run.out()).isEqualTo("select 1\nslow\nafter\n");
        assertThat(run.err()).isEqualTo("Runtime error: interrupted (9)\n");
    }

    @Test
    void ctrlCInAScriptStopsTheStatementAndTheScript() throws Exception {
        Run run = runWhileInterrupting(List.of("select 1;", "slow;", "after;"), Shell.Style.SCRIPT);
        assertThat(run.out()).isEqualTo("select 1\nslow\n");
        assertThat(run.err()).isEqualTo("Runtime error near line 2: interrupted (9)\n");
    }

    @Test
    void ctrlCAbandonsTheRestOfTheLine() throws Exception {
        Run run = runWhileInterrupting(List.of("slow; select 2;", "after;"), Shell.Style.INTERACTIVE);
        assertThat(run.out()).isEqualTo("slow\nafter\n");
    }
}
