package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell survives what is not a database error: an engine bug must not end a session. */
class ShellRobustnessTest {

    /** Prepares anything; executing "boom" fails with an invariant violation, others give one row. */
    static final class BuggyConnection implements SqlConnection {
        record Stmt(String sql, String tail) implements Statement {
            @Override
            public List<String> columnNames() {
                return List.of("v");
            }
        }

        @Override
        public Statement prepare(String sql) {
            int semi = sql.indexOf(';');
            String text = (semi < 0 ? sql : sql.substring(0, semi)).strip();
            return text.isEmpty() ? null : new Stmt(text, semi < 0 ? "" : sql.substring(semi + 1));
        }

        @Override
        public void execute(Statement statement, RowSink sink) {
            if (statement.sql().equals("boom")) {
                throw new IllegalStateException("invariant: test");
            }
            sink.row(new Object[] {statement.sql()});
        }

        @Override
        public void interrupt() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void engineBugIsReportedAsAnInternalErrorAndThePromptGoesOn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Shell shell = new Shell(new Settings(), out, err, (f, ro) -> new BuggyConnection(), null, false);
        List<String> input = new ArrayList<>(List.of("boom;", "fine;"));
        int errors = shell.runScript(c -> input.isEmpty() ? null : input.removeFirst(), Shell.Style.INTERACTIVE);
        assertThat(errors).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("fine\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("Runtime error: internal error: java.lang.IllegalStateException: invariant: test (2)\n");
    }
}
