package io.ringlite.cli;

import io.ringlite.storage.io.IoKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line, parsed as sqlite3 parses its own: options may come before or after the file
 * name and start with one or two dashes; the first argument that is not an option is the database
 * file, every later one a command (SQL or a dot-command) to run instead of reading standard input.
 * Display options act in the order given, so the last of {@code -csv -json} wins.
 *
 * @param file        the database file, or null (in-memory)
 * @param commands    SQL or dot-commands from the command line
 * @param cmds        {@code -cmd} commands, run before anything else
 * @param settings    display settings after the options
 * @param io          the I/O backend ({@code --io uring|portable})
 * @param readOnly    {@code -readonly}
 * @param interactive TRUE for {@code -interactive}, FALSE for {@code -batch}, null to decide by
 *                    whether standard input is a terminal
 * @param action      what to do: run, or print help or the version and exit
 */
record CommandLine(String file, List<String> commands, List<String> cmds, Settings settings, IoKind io,
        boolean readOnly, Boolean interactive, Action action) {

    enum Action { RUN, HELP, VERSION }

    /** A bad command line; the message is what sqlite3 prints after "NAME: Error: ". */
    static final class UsageException extends Exception {
        final boolean showHelpHint;

        UsageException(String message, boolean showHelpHint) {
            super(message);
            this.showHelpHint = showHelpHint;
        }
    }

    static final String USAGE_OPTIONS = """
            OPTIONS include:
               -bail                stop after hitting an error
               -batch               force batch I/O
               -box                 set output mode to 'box'
               -cmd COMMAND         run "COMMAND" before reading stdin
               -echo                print inputs before execution
               -csv                 set output mode to 'csv'
               -[no]header          turn headers on or off
               -help                show this message
               -interactive         force interactive I/O
               -io uring|portable   choose the I/O backend (default uring, falling back to portable)
               -json                set output mode to 'json'
               -line                set output mode to 'line'
               -list                set output mode to 'list'
               -nullvalue TEXT      set text string for NULL values. Default ''
               -quote               set output mode to 'quote'
               -readonly            open the database read-only
               -separator SEP       set output column separator. Default: '|'
               -tabs                set output mode to 'tabs'
               -version             show Ringlite version
            """;

    static String usage(String program) {
        return "Usage: " + program + " [OPTIONS] FILENAME [SQL]\n"
                + "FILENAME is the name of an SQLite database. A new database is created\n"
                + "if the file does not previously exist.\n"
                + USAGE_OPTIONS;
    }

    static CommandLine parse(String[] argv) throws UsageException {
        String file = null;
        List<String> commands = new ArrayList<>();
        List<String> cmds = new ArrayList<>();
        Settings settings = new Settings();
        IoKind io = IoKind.URING;
        boolean readOnly = false;
        Boolean interactive = null;
        Action action = Action.RUN;
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                if (file == null) {
                    file = arg;
                } else {
                    commands.add(arg);
                }
                continue;
            }
            String opt = arg.startsWith("--") ? arg.substring(1) : arg;
            switch (opt) {
                case "-bail" -> settings.bail = true;
                case "-echo" -> settings.echo = true;
                case "-batch" -> interactive = Boolean.FALSE;
                case "-interactive" -> interactive = Boolean.TRUE;
                case "-header" -> settings.headers = true;
                case "-noheader" -> settings.headers = false;
                case "-list" -> settings.setMode(OutputMode.LIST);
                case "-csv" -> settings.setMode(OutputMode.CSV);
                case "-json" -> settings.setMode(OutputMode.JSON);
                case "-box" -> settings.setMode(OutputMode.BOX);
                case "-line" -> settings.setMode(OutputMode.LINE);
                case "-quote" -> settings.setMode(OutputMode.QUOTE);
                case "-tabs" -> settings.setMode(OutputMode.TABS);
                case "-readonly" -> readOnly = true;
                case "-help" -> action = Action.HELP;
                case "-version" -> action = action == Action.HELP ? action : Action.VERSION;
                case "-cmd" -> cmds.add(value(argv, ++i, arg));
                case "-nullvalue" -> settings.nullValue = value(argv, ++i, arg);
                case "-separator" -> settings.separator = value(argv, ++i, arg);
                case "-io" -> io = ioKind(value(argv, ++i, arg));
                default -> throw new UsageException("unknown option: " + arg, true);
            }
        }
        return new CommandLine(file, List.copyOf(commands), List.copyOf(cmds), settings, io, readOnly,
                interactive, action);
    }

    private static String value(String[] argv, int i, String option) throws UsageException {
        if (i >= argv.length) {
            throw new UsageException("missing argument to " + option, false);
        }
        return argv[i];
    }

    private static IoKind ioKind(String name) throws UsageException {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "uring" -> IoKind.URING;
            case "portable" -> IoKind.PORTABLE;
            default -> throw new UsageException("unknown I/O backend: " + name + " (use uring or portable)", false);
        };
    }

    /** True if the file argument names a private in-memory database. */
    static boolean isMemory(String file) {
        return file == null || file.isEmpty() || file.equals(":memory:");
    }
}
