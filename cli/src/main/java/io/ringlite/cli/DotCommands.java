package io.ringlite.cli;

import io.ringlite.storage.error.DatabaseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dot-commands: {@code .open .tables .schema .mode .headers .nullvalue .separator .print
 * .read .bail .echo .quit .exit .help}, with sqlite3's argument rules, messages and failure
 * semantics.
 *
 * <p>{@link #run} returns 0 on success, 1 after reporting an error, or {@link #QUIT}.
 */
final class DotCommands {
    static final int QUIT = -1;

    private static final String HELP = """
            .bail on|off             Stop after hitting an error.  Default OFF
            .echo on|off             Turn command echo on or off
            .exit ?CODE?             Exit this program with return-code CODE
            .headers on|off          Turn display of headers on or off
            .help ?-all? ?PATTERN?   Show help text for PATTERN
            .mode MODE ?OPTIONS?     Set output mode
            .nullvalue STRING        Use STRING in place of NULL values
            .open ?OPTIONS? ?FILE?   Close existing database and reopen FILE
            .print STRING...         Print literal STRING
            .quit                    Exit this program
            .read FILE               Read input from FILE or command output
            .schema ?PATTERN?        Show the CREATE statements matching PATTERN
            .separator COL ?ROW?     Change the column and row separators
            .tables ?TABLE?          List names of tables matching LIKE pattern TABLE
            """;

    private final Shell shell;

    DotCommands(Shell shell) {
        this.shell = shell;
    }

    int run(String line, Shell.Style style) {
        List<String> args = DotArgs.split(line);
        if (args.isEmpty()) {
            return unknown("");
        }
        String cmd = args.getFirst();
        int n = args.size();
        try {
            return switch (cmd) {
                case "bail" -> n == 2 ? set(() -> shell.settings.bail = bool(args.get(1))) : usage(".bail on|off");
                case "headers", "header" -> n == 2 ? set(() -> shell.settings.headers = bool(args.get(1)))
                        : usage(".headers on|off");
                case "nullvalue" -> n == 2 ? set(() -> shell.settings.nullValue = args.get(1))
                        : usage(".nullvalue STRING");
                case "print" -> print(args);
                case "separator" -> separator(args);
                case "echo" -> n == 2 ? set(() -> shell.settings.echo = bool(args.get(1))) : usage(".echo on|off");
                case "mode" -> mode(args);
                case "quit", "q" -> QUIT;
                case "exit" -> {
                    if (n > 1) {
                        shell.requestExit(leadingInt(args.get(1)));
                    }
                    yield QUIT;
                }
                case "help" -> help();
                case "read" -> n == 2 ? read(args.get(1)) : usage(".read FILE");
                case "open" -> open(args);
                case "tables" -> n <= 2 ? tables(n == 2 ? args.get(1) : null) : usage(".tables ?TABLE?");
                case "schema" -> n <= 2 ? schema(n == 2 ? args.get(1) : null) : usage(".schema ?PATTERN?");
                default -> unknown(cmd);
            };
        } catch (DatabaseException e) {
            shell.error("Error: " + e.getMessage());
            return 1;
        }
    }

    private static int set(Runnable r) {
        r.run();
        return 0;
    }

    private int usage(String text) {
        shell.error("Usage: " + text);
        return 1;
    }

    private int unknown(String cmd) {
        shell.error("Error: unknown command or invalid arguments:  \"" + cmd + "\". Enter \".help\" for help");
        return 1;
    }

    /** sqlite3's boolean argument: on/yes/true or a non-zero integer; off/no/false or zero. */
    private boolean bool(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        if (a.matches("[-+]?[0-9]+")) {
            return !a.matches("[-+]?0+");
        }
        if (a.matches("0x[0-9a-f]+")) {
            return !a.matches("0x0+");
        }
        switch (a) {
            case "on", "yes", "true":
                return true;
            case "off", "no", "false":
                return false;
            default:
                shell.error("ERROR: Not a boolean value: \"" + arg + "\". Assuming \"no\".");
                return false;
        }
    }

    /** {@code .separator COL ?ROW?}: backslash escapes in the arguments are resolved, as in sqlite3. */
    private int separator(List<String> args) {
        if (args.size() < 2 || args.size() > 3) {
            return usage(".separator COL ?ROW?");
        }
        shell.settings.separator = DotArgs.resolveBackslashes(args.get(1));
        if (args.size() == 3) {
            shell.settings.rowSeparator = DotArgs.resolveBackslashes(args.get(2));
        }
        return 0;
    }

    /** The integer an argument starts with, as C's atoi reads it (0 if none). */
    private static int leadingInt(String arg) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*([-+]?\\d+)").matcher(arg);
        if (!m.find()) {
            return 0;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException tooLong) {
            return 0;
        }
    }

    private int print(List<String> args) {
        shell.out.text(String.join(" ", args.subList(1, args.size()))).ch('\n');
        shell.out.flush();
        return 0;
    }

    private int mode(List<String> args) {
        if (args.size() == 1) {
            shell.out.text("current output mode: " + shell.settings.modeLabel() + "\n");
            shell.out.flush();
            return 0;
        }
        String name = args.get(1).toLowerCase(Locale.ROOT);
        OutputMode m = OutputMode.parse(name);
        if (m == null) {
            if (OutputMode.isSqliteMode(name)) {
                shell.error("Error: mode not supported yet: " + name);
            } else {
                shell.error("Error: mode should be one of: " + OutputMode.SQLITE_MODES);
            }
            return 1;
        }
        shell.settings.dotMode(m);
        return 0;
    }

    private int help() {
        shell.out.text(HELP);
        shell.out.flush();
        return 0;
    }

    private int read(String name) {
        Path path = Path.of(name);
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            shell.error("Error: cannot open \"" + name + "\"");
            return 1;
        }
        try (reader) {
            int errors = shell.runScript(continuation -> {
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, Shell.Style.SCRIPT);
            return errors > 0 ? 1 : 0;
        } catch (IOException e) {
            return 1;
        }
    }

    private int open(List<String> args) {
        String file = null;
        boolean readOnly = false;
        for (String a : args.subList(1, args.size())) {
            String opt = a.startsWith("--") ? a.substring(1) : a;
            if (opt.equals("-readonly")) {
                readOnly = true;
            } else if (opt.equals("-new")) {
                // a fresh file: nothing to do for a file that does not exist yet
            } else if (opt.startsWith("-")) {
                shell.error("unknown option: " + a);
                return 1;
            } else if (file != null) {
                shell.error("extra argument: \"" + a + "\"");
                return 1;
            } else {
                file = a;
            }
        }
        try {
            shell.reopen(file, readOnly);
        } catch (Shell.OpenFailed e) {
            return 1;
        }
        return 0;
    }

    /** One row of sqlite_schema. */
    private record SchemaRow(String type, String name, String tableName, String sql) {
    }

    private List<SchemaRow> schemaRows() {
        SqlConnection conn = shell.connection();
        SqlConnection.Statement stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
        List<SchemaRow> rows = new ArrayList<>();
        conn.execute(stmt, v -> rows.add(new SchemaRow(str(v[0]), str(v[1]), str(v[2]), str(v[3]))));
        return rows;
    }

    private static String str(Object v) {
        return v == null ? null : v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    }

    /**
     * Table and view names, sorted, laid out column-major in as many columns of width
     * (longest + 2) as fit in 80 characters; each name is padded to the longest.
     */
    private int tables(String pattern) {
        List<String> names = new ArrayList<>();
        for (SchemaRow r : schemaRows()) {
            if (("table".equals(r.type()) || "view".equals(r.type())) && r.name() != null
                    && !Like.matches("sqlite_%", r.name())
                    && (pattern == null || Like.matches(pattern, r.name()))) {
                names.add(r.name());
            }
        }
        if (names.isEmpty()) {
            return 0;
        }
        names.sort(Like::compareBinary);
        int maxLen = 0;
        for (String s : names) {
            maxLen = Math.max(maxLen, s.getBytes(StandardCharsets.UTF_8).length);
        }
        int columns = Math.max(1, 80 / (maxLen + 2));
        int rowsCount = (names.size() + columns - 1) / columns;
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rowsCount; r++) {
            String sep = "";
            for (int j = r; j < names.size(); j += rowsCount) {
                String name = names.get(j);
                sb.append(sep).append(name);
                sb.append(" ".repeat(maxLen - name.getBytes(StandardCharsets.UTF_8).length));
                sep = "  ";
            }
            sb.append('\n');
        }
        shell.out.text(sb.toString());
        shell.out.flush();
        return 0;
    }

    /**
     * The CREATE statements in schema order, each ended with ";". As in sqlite3, a CREATE TABLE
     * whose name is quoted is shown as {@code CREATE TABLE IF NOT EXISTS}, and a view is followed by
     * a comment naming its columns.
     */
    private int schema(String pattern) {
        StringBuilder sb = new StringBuilder();
        for (SchemaRow r : schemaRows()) {
            if (r.sql() == null) {
                continue;
            }
            if (pattern != null && !Like.matches(pattern, r.tableName() == null ? "" : r.tableName())
                    && !Like.matches(pattern, r.name() == null ? "" : r.name())) {
                continue;
            }
            String sql = r.sql();
            if (sql.matches("(?s)CREATE TABLE ['\"].*")) {
                sql = "CREATE TABLE IF NOT EXISTS " + sql.substring("CREATE TABLE ".length());
            }
            sb.append(sql);
            if ("view".equals(r.type())) {
                String columns = viewColumns(r.name());
                if (columns != null) {
                    sb.append("\n/* ").append(quoteIfNeeded(r.name())).append('(').append(columns).append(") */");
                }
            }
            sb.append(";\n");
        }
        shell.out.text(sb.toString());
        shell.out.flush();
        return 0;
    }

    private String viewColumns(String view) {
        try {
            SqlConnection.Statement stmt = shell.connection().prepare(
                    "SELECT * FROM \"" + view.replace("\"", "\"\"") + "\"");
            if (stmt == null) {
                return null;
            }
            List<String> quoted = new ArrayList<>();
            for (String c : stmt.columnNames()) {
                quoted.add(quoteIfNeeded(c));
            }
            return String.join(",", quoted);
        } catch (DatabaseException e) {
            return null;
        }
    }

    /** A name as sqlite3 prints it in schema comments: bare if a plain identifier, else in "". */
    static String quoteIfNeeded(String name) {
        if (name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return name;
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
