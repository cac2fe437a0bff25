package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive prompt over a dumb JLine terminal fed from a string: banner, prompts,
 * interactive error wording, statements spanning lines, and history kept in the history file.
 * Query results go to the shell's output (standard output), prompts to the terminal.
 */
class ConsoleTest {

    @Test
    void promptRunsStatementsAndKeepsHistory(@TempDir Path dir) throws IOException {
        String typed = "select 1;\nselect\n2;\nselec;\n.quit\nselect 'not reached';\n";
        ByteArrayOutputStream terminalOut = new ByteArrayOutputStream();
        Terminal terminal = new DumbTerminal("test", "dumb",
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), terminalOut, StandardCharsets.UTF_8);
        terminal.setSize(new Size(120, 40));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Shell shell = new Shell(new Settings(), out, err, (f, ro) -> new JdbcConnection(null), null, false);
        Path history = dir.resolve("history");

        Console.run(shell, true, terminal, history);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Ringlite version " + Main.VERSION + "\n"
                + "Enter \".help\" for usage hints.\n"
                + "Connected to a transient in-memory database.\n"
                + "Use \".open FILENAME\" to reopen on a persistent database.\n"
                + "1\n2\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("Parse error: near \"selec\": syntax error\n  selec;\n  ^--- error here\n");
        String prompts = terminalOut.toString(StandardCharsets.UTF_8).replace("\r", "");
        // the dumb terminal echoes what was typed after each prompt; a continuation line gets "...>"
        assertThat(prompts).isEqualTo("ringlite> select 1;\nringlite> select\n     ...> 2;\n"
                + "ringlite> selec;\nringlite> .quit\n");
        assertThat(Files.readString(history)).contains("select 1;", "selec;", ".quit").doesNotContain("not reached");
        assertThat(shell.errorCount()).isEqualTo(1);
    }
}
