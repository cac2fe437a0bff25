package io.ringlite.cli;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The shell proper: runs SQL text and dot-commands against a {@link SqlConnection} and prints
 * results and errors exactly as sqlite3 3.40 does.
 *
 * <p>Three ways of feeding it, which differ only in how errors are worded and what stops:
 * <ul>
 *   <li>{@link Style#ARGS}: SQL or dot-commands given on the command line. An error prints as
 *       {@code Error: in prepare, MSG} or {@code Error: stepping, MSG (CODE)} and stops the shell
 *       with exit code 1 (prepare) or the primary result code (runtime).</li>
 *   <li>{@link Style#SCRIPT}: lines from a file or a pipe. Errors print as
 *       {@code Parse error near line N: MSG} / {@code Runtime error near line N: MSG (CODE)}, where N
 *       is the line the failing text starts on; the script goes on unless bail is set; the exit
 *       code is 1 if anything failed.</li>
 *   <li>{@link Style#INTERACTIVE}: lines typed at the prompt: {@code Parse error: MSG},
 *       {@code Runtime error: MSG (CODE)}, never stops.</li>
 * </ul>
 * (CODE) is printed only when the primary code is not SQLITE_ERROR. A parse error is followed by
 * the {@link ErrorContext} excerpt when the error position is known.
 *
 * <p>Lines are collected into a buffer until the buffer is a complete statement
 * ({@link SqlComplete}); a line starting with a dot when the buffer is empty is a dot-command;
 * at end of input an incomplete buffer is run as it is. The whole buffer is run statement by
 * statement ({@code tail()}); an error abandons the rest of the buffer.
 *
 * <p>Threading: everything runs on the thread that calls it, except {@link #interrupt}, which a
 * signal handler may call from any thread.
 */
final class Shell {

    enum Style { ARGS, SCRIPT, INTERACTIVE }

    /** Opens a database: {@code file} null or ":memory:" means a private in-memory database. */
    interface Opener {
        SqlConnection open(String file, boolean readOnly);
    }

    /** Source of input lines; returns null at end of input. */
    interface LineSource {
        String readLine(boolean continuation);
    }

    /** Thrown by a {@link LineSource} when the user abandons the text typed so far (Ctrl-C at the prompt). */
    static final class InputCancelled extends RuntimeException {
        InputCancelled() {
            super(null, null, false, false);
        }
    }

    /** Thrown when the database cannot be opened; already reported. */
    static final class OpenFailed extends RuntimeException {
        OpenFailed(String message) {
            super(message);
        }
    }

    final Settings settings;
    final Out out;
    final PrintStream err;
    private final Opener opener;
    private final DotCommands dot;
    private String file;
    private boolean readOnly;
    private volatile SqlConnection connection;
    private int errorCount;
    private boolean quit;
    private volatile boolean interrupted;
    private Integer exitCode;

    Shell(Settings settings, OutputStream out, OutputStream err, Opener opener, String file, boolean readOnly) {
        this.settings = settings;
        this.out = new Out(out);
        this.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        this.opener = opener;
        this.file = file;
        this.readOnly = readOnly;
        this.dot = new DotCommands(this);
    }

    /** The open connection, opening the database on first use. */
    SqlConnection connection() {
        SqlConnection c = connection;
        if (c == null) {
            try {
                c = opener.open(file, readOnly);
            } catch (DatabaseException e) {
                String name = file == null ? ":memory:" : file;
                error("Error: unable to open database \"" + name + "\": " + e.getMessage());
                throw new OpenFailed(e.getMessage());
            }
            connection = c;
        }
        return c;
    }

    /** Closes the current database and opens {@code newFile} instead (null: in-memory). */
    void reopen(String newFile, boolean newReadOnly) {
        closeConnection();
        file = newFile;
        readOnly = newReadOnly;
        connection();
    }

    void closeConnection() {
        SqlConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Stops the running statement, if any; from any thread (Ctrl-C). As in sqlite3, a script
     * read from a file or pipe then stops too; the interactive prompt carries on.
     */
    void interrupt() {
        interrupted = true;
        SqlConnection c = connection;
        if (c != null) {
            c.interrupt();
        }
    }

    int errorCount() {
        return errorCount;
    }

    boolean quitRequested() {
        return quit;
    }

    /** {@code .exit CODE}: stop, and exit the program with CODE whatever else happened. */
    void requestExit(int code) {
        quit = true;
        exitCode = code;
    }

    /** The code {@code .exit} asked for, or null. */
    Integer exitCode() {
        return exitCode;
    }

    /**
     * Runs one command-line argument (SQL or a dot-command). Returns 0, or the exit code the shell
     * must stop with.
     */
    int runArgument(String arg) {
        if (arg.stripLeading().startsWith(".")) {
            int rc = dot.run(arg, Style.ARGS);
            if (rc == DotCommands.QUIT) {
                quit = true;
                return 0;
            }
            if (rc != 0) {
                errorCount++;
            }
            return rc;
        }
        return runSql(arg, Style.ARGS, 0);
    }

    /**
     * Reads and runs lines until end of input, {@code .quit}, or (with bail) the first error.
     * Returns the number of errors, which is also added to {@link #errorCount()}.
     */
    int runScript(LineSource source, Style style) {
        int errors = 0;
        StringBuilder buffer = new StringBuilder();
        int lineNo = 0;
        int startLine = 0;
        while (!quit) {
            if (interrupted) {
                interrupted = false;
                if (style != Style.INTERACTIVE) {
                    break;
                }
            }
            String line;
            try {
                line = source.readLine(!buffer.isEmpty());
            } catch (InputCancelled e) {
                buffer.setLength(0);
                continue;
            }
            if (line == null) {
                break;
            }
            lineNo++;
            if (buffer.isEmpty()) {
                String trimmed = line.stripLeading();
                if (trimmed.isEmpty()) {
                    continue;
                }
                // as in sqlite3, only a dot in the first column makes a dot-command
                if (line.startsWith(".")) {
                    echo(line);
                    int rc = dot.run(line, style);
                    if (rc == DotCommands.QUIT) {
                        quit = true;
                        break;
                    }
                    if (rc != 0) {
                        errors++;
                        errorCount++;
                        if (settings.bail && style != Style.INTERACTIVE) {
                            break;
                        }
                    }
                    continue;
                }
                startLine = lineNo;
                buffer.append(trimmed);
            } else {
                buffer.append('\n').append(line);
            }
            if (line.indexOf(';') >= 0 && SqlComplete.isComplete(buffer.toString())) {
                echo(buffer.toString());
                int rc = runSql(buffer.toString(), style, startLine);
                buffer.setLength(0);
                if (rc != 0) {
                    errors++;
                    if (settings.bail && style != Style.INTERACTIVE) {
                        break;
                    }
                }
            }
        }
        if (!quit && !buffer.isEmpty() && !buffer.toString().isBlank()
                && !(settings.bail && errors > 0 && style != Style.INTERACTIVE)) {
            echo(buffer.toString());
            if (runSql(buffer.toString(), style, startLine) != 0) {
                errors++;
            }
        }
        out.flush();
        return errors;
    }

    /** With echo on, prints script input before it runs, as sqlite3's {@code .echo} does. */
    private void echo(String text) {
        if (settings.echo) {
            out.text(text).ch('\n');
            out.flush();
        }
    }

    /**
     * Runs every statement of {@code sql}, printing rows in the current mode. Returns 0, or on the
     * first error (which it reports) 1 for a parse error and the primary result code for a
     * runtime error.
     */
    int runSql(String sql, Style style, int startLine) {
        String rest = sql;
        SqlConnection conn = connection();
        while (rest != null && !rest.isBlank()) {
            rest = rest.stripLeading();
            SqlConnection.Statement stmt;
            try {
                stmt = conn.prepare(rest);
            } catch (RuntimeException failure) {
                DatabaseException e = asDatabaseException(failure);
                String msg = e.getMessage();
                String context = ErrorContext.of(rest, msg);
                error(switch (style) {
                    case ARGS -> "Error: in prepare, " + msg + context;
                    case SCRIPT -> "Parse error near line " + startLine + ": " + msg + context;
                    case INTERACTIVE -> "Parse error: " + msg + context;
                });
                errorCount++;
                return 1;
            }
            if (stmt == null) {
                break;
            }
            // sqlite3 lays out EXPLAIN output its own way whatever the mode
            ResultPrinter printer = ExplainPrinter.isExplain(stmt.sql()) ? new ExplainPrinter(out)
                    : ResultPrinter.create(settings, out);
            boolean[] started = {false};
            try {
                conn.execute(stmt, values -> {
                    if (!started[0]) {
                        printer.start(stmt.columnNames());
                        started[0] = true;
                    }
                    printer.row(values);
                });
                if (started[0]) {
                    printer.end();
                }
            } catch (RuntimeException failure) {
                DatabaseException e = asDatabaseException(failure);
                out.flush();
                ResultCode primary = e.code().primary();
                String code = primary == ResultCode.ERROR ? "" : " (" + primary.code() + ")";
                error(switch (style) {
                    case ARGS -> "Error: stepping, " + e.getMessage() + code;
                    case SCRIPT -> "Runtime error near line " + startLine + ": " + e.getMessage() + code;
                    case INTERACTIVE -> "Runtime error: " + e.getMessage() + code;
                });
                errorCount++;
                return primary == ResultCode.ERROR ? 1 : primary.code();
            }
            out.flush();
            rest = stmt.tail();
        }
        return 0;
    }

    /**
     * An engine failure that is not a DatabaseException is a bug below the shell; the shell
     * reports it as SQLITE_INTERNAL instead of dying, so an interactive session survives it.
     */
    private static DatabaseException asDatabaseException(RuntimeException e) {
        if (e instanceof DatabaseException de) {
            return de;
        }
        if (e instanceof Shell.OpenFailed || e instanceof java.io.UncheckedIOException) {
            // not the engine's: the database could not be opened, or our own output is gone
            throw e;
        }
        return new DatabaseException(ResultCode.INTERNAL, "internal error: " + e, e);
    }

    /** Writes a line to standard error, after flushing standard output so the two interleave. */
    void error(String message) {
        out.flush();
        err.println(message);
        err.flush();
    }
}
