package io.ringlite.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive prompt: JLine line editing, history in {@code ~/.ringlite_history}, and Ctrl-C.
 *
 * <p>Ctrl-C while a statement runs interrupts that statement only, through the engine's
 * per-statement cancellation ({@link Shell#interrupt}); the shell prints the interruption as a
 * runtime error and prompts again. Ctrl-C at the prompt abandons the text typed so far; Ctrl-D
 * at an empty prompt ends the shell.
 */
final class Console {
    static final String PROMPT = "ringlite> ";
    static final String CONTINUATION = "     ...> ";

    private Console() {
    }

    /** Runs the prompt on the process's terminal, with history in {@code ~/.ringlite_history}. */
    static void run(Shell shell, boolean inMemory) {
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(shell, inMemory, terminal, Path.of(System.getProperty("user.home"), ".ringlite_history"));
    }

    /** Runs the prompt on {@code terminal} (closed at the end), keeping history in {@code history}. */
    static void run(Shell shell, boolean inMemory, Terminal terminal, Path history) {
        try (terminal) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("ringlite")
                    .variable(LineReader.HISTORY_FILE, history)
                    .build();
            // Outside readLine JLine restores this handler: Ctrl-C then means "stop the statement".
            terminal.handle(Terminal.Signal.INT, signal -> shell.interrupt());
            shell.out.text("Ringlite version " + Main.VERSION + "\n"
                    + "Enter \".help\" for usage hints.\n");
            if (inMemory) {
                shell.out.text("Connected to a transient in-memory database.\n"
                        + "Use \".open FILENAME\" to reopen on a persistent database.\n");
            }
            shell.out.flush();
            shell.runScript(continuation -> {
                try {
                    return reader.readLine(continuation ? CONTINUATION : PROMPT);
                } catch (UserInterruptException e) {
                    throw new Shell.InputCancelled();
                } catch (EndOfFileException e) {
                    return null;
                }
            }, Shell.Style.INTERACTIVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
