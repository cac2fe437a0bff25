package io.ringlite.cli;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.io.IoKind;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code ringlite [OPTIONS] [FILE] [SQL...]}: the sqlite3-compatible shell.
 *
 * <p>With SQL arguments it runs them and exits; with standard input that is not a terminal it
 * runs it as a script; otherwise it prompts ({@link Console}). No FILE, or {@code :memory:},
 * means a private in-memory database. Exit codes follow sqlite3: 0 when all went well, 1 after a
 * failed script, a bad command line or {@code -help}, and for a failing SQL argument 1 (parse
 * error) or its primary result code (runtime error).
 */
public final class Main {
    static final String PROGRAM = "ringlite";
    static final String VERSION = "0.1.0-SNAPSHOT";

    private Main() {
    }

    public static void main(String[] args) {
        installSignalHandler = true;
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        int rc;
        try {
            rc = run(args, System.in, out, System.err, terminal, Main::open);
            out.flush();
        } catch (IOException | UncheckedIOException stdoutGone) {
            // the reader of our output went away (e.g. "| head"): stop quietly, as sqlite3 does
            rc = 1;
        }
        System.exit(rc);
    }

    /** The real engine: a file through the chosen I/O backend, or a private in-memory database. */
    static SqlConnection open(String file, boolean readOnly, IoKind io) {
        DatabaseConfig config = CommandLine.isMemory(file)
                ? DatabaseConfig.memory().withReadOnly(readOnly)
                : DatabaseConfig.file(Path.of(file)).withIo(io).withReadOnly(readOnly);
        return EngineConnection.open(config);
    }

    /** Opens databases for one command line. */
    interface Engine {
        SqlConnection open(String file, boolean readOnly, IoKind io);
    }

    /**
     * Runs the shell with the given streams and returns the exit code. {@code stdinIsTerminal}
     * decides between the prompt and script mode unless {@code -batch}/{@code -interactive} say.
     */
    static int run(String[] argv, InputStream in, OutputStream out, OutputStream errStream,
            boolean stdinIsTerminal, Engine engine) {
        PrintStream err = new PrintStream(errStream, true, StandardCharsets.UTF_8);
        CommandLine cl;
        try {
            cl = CommandLine.parse(argv);
        } catch (CommandLine.UsageException e) {
            err.println(PROGRAM + ": Error: " + e.getMessage());
            if (e.showHelpHint) {
                err.println("Use -help for a list of options.");
            }
            return 1;
        }
        switch (cl.action()) {
            case HELP -> {
                err.print(CommandLine.usage(PROGRAM));
                err.flush();
                return 1;
            }
            case VERSION -> {
                new Out(out).text(PROGRAM + " " + VERSION + " (SQLite file format 3, SQLite SQL dialect)\n").flush();
                return 0;
            }
            case RUN -> {
            }
        }
        String file = CommandLine.isMemory(cl.file()) ? null : cl.file();
        Shell shell = new Shell(cl.settings(), out, errStream,
                (f, ro) -> engine.open(f, ro, cl.io()), file, cl.readOnly());
        try {
            int rc = drive(shell, cl, in, stdinIsTerminal);
            return shell.exitCode() != null ? shell.exitCode() : rc;
        } catch (Shell.OpenFailed e) {
            return 1;
        } finally {
            shell.out.flush();
            try {
                shell.closeConnection();
            } catch (RuntimeException e) {
                err.println("Error: " + e.getMessage());
            }
        }
    }

    /**
     * Ctrl-C outside the prompt: interrupt the running statement (the script then stops, as in
     * sqlite3); a third Ctrl-C exits at once. Uses the JDK's signal hook where it exists.
     */
    private static void onInterrupt(Shell shell) {
        if (!installSignalHandler) {
            return;
        }
        int[] seen = {0};
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> {
                if (++seen[0] > 2) {
                    Runtime.getRuntime().halt(1);
                }
                shell.interrupt();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGINT hook on this platform: Ctrl-C ends the JVM, which is all a script can lose
        }
    }

    /** Off in tests that drive {@link #run} in-process: a test must not own the JVM's SIGINT. */
    static boolean installSignalHandler = false;

    private static int drive(Shell shell, CommandLine cl, InputStream in, boolean stdinIsTerminal) {
        for (String cmd : cl.cmds()) {
            int rc = shell.runArgument(cmd);
            if (shell.quitRequested()) {
                return 0;
            }
            if (rc != 0 && shell.settings.bail) {
                return rc;
            }
        }
        if (!cl.commands().isEmpty()) {
            for (String command : cl.commands()) {
                int rc = shell.runArgument(command);
                if (rc != 0) {
                    return rc;
                }
                if (shell.quitRequested()) {
                    break;
                }
            }
            return 0;
        }
        boolean interactive = cl.interactive() != null ? cl.interactive() : stdinIsTerminal;
        if (interactive) {
            Console.run(shell, cl.file() == null || CommandLine.isMemory(cl.file()));
        } else {
            onInterrupt(shell);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            shell.runScript(continuation -> {
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Shell.Style.SCRIPT);
        }
        return shell.errorCount() > 0 ? 1 : 0;
    }
}
