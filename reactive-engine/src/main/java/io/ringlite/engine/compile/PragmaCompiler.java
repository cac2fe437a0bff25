package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PRAGMA statements: decides what the pragma does ({@link PragmaPlan}) and with which result
 * columns, as sqlite3 3.40 names them. The engine runtime executes the plan (see
 * {@code io.ringlite.engine.exec.PragmaSource}); the program compiled here only serves EXPLAIN.
 *
 * <p>Values are read as SQLite reads them: integer settings through sqlite3Atoi (leading
 * integer of the text, 0 when there is none or it overflows 32 bits), {@code synchronous} as a
 * safety level (OFF/NORMAL/FULL/EXTRA, yes/no/on/off/true/false or a number). Unknown pragmas
 * compile to {@link PragmaPlan.Kind#IGNORED}: no rows, no error, as in SQLite.
 */
public final class PragmaCompiler {
    /** SQLite's default limit on integrity_check messages. */
    public static final int DEFAULT_MAX_ERRORS = 100;

    private PragmaCompiler() {
    }

    /** The plan for {@code pragma} against {@code schema}. */
    public static PragmaPlan plan(Statement.Pragma pragma, Schema schema) {
        Compiler.checkSchemaName(pragma.name().schema());
        String name = pragma.name().name().toLowerCase(Locale.ROOT);
        boolean set = pragma.value() != null;
        String text = set ? valueText(pragma.value()) : null;
        return switch (name) {
            case "page_size" -> header(PragmaPlan.Kind.PAGE_SIZE, name, set, set ? atoi(text) : 0, !set);
            case "page_count" -> header(PragmaPlan.Kind.PAGE_COUNT, name, false, 0, true);
            case "freelist_count" -> header(PragmaPlan.Kind.FREELIST_COUNT, name, false, 0, true);
            case "user_version" -> header(PragmaPlan.Kind.USER_VERSION, name, set, set ? atoi(text) : 0, !set);
            case "application_id" -> header(PragmaPlan.Kind.APPLICATION_ID, name, set, set ? atoi(text) : 0, !set);
            case "schema_version" -> header(PragmaPlan.Kind.SCHEMA_VERSION, name, set, set ? atoi(text) : 0, !set);
            case "journal_mode" -> header(PragmaPlan.Kind.JOURNAL_MODE, name, set, 0, true);
            case "synchronous" -> header(PragmaPlan.Kind.SYNCHRONOUS, name, set, set ? safetyLevel(text) : 0, !set);
            case "wal_autocheckpoint" -> header(PragmaPlan.Kind.WAL_AUTOCHECKPOINT, name, set,
                    set ? Math.max(0, atoi(text)) : 0, true);
            case "busy_timeout" -> header(PragmaPlan.Kind.BUSY_TIMEOUT, "timeout", set,
                    set ? Math.max(0, atoi(text)) : 0, true);
            case "wal_checkpoint" -> new PragmaPlan(PragmaPlan.Kind.WAL_CHECKPOINT,
                    List.of("busy", "log", "checkpointed"), set, checkpointMode(text).ordinal(), List.of(),
                    new int[0], null, false);
            case "integrity_check", "quick_check" -> integrityCheck(name, text, schema);
            case "table_info" -> new PragmaPlan(PragmaPlan.Kind.CONSTANT,
                    List.of("cid", "name", "type", "notnull", "dflt_value", "pk"), set, 0,
                    set ? tableInfo(schema.table(text)) : List.of(), new int[0], null, false);
            case "auto_vacuum" -> header(PragmaPlan.Kind.AUTO_VACUUM, name, set, set ? autoVacuumMode(text) : 0, !set);
            case "incremental_vacuum" -> header(PragmaPlan.Kind.INCREMENTAL_VACUUM, name, set,
                    set ? Math.max(0, atoi(text)) : 0, false);
            case "data_version" -> header(PragmaPlan.Kind.DATA_VERSION, name, false, 0, true);
            default -> new PragmaPlan(PragmaPlan.Kind.IGNORED, List.of(), set, 0, List.of(), new int[0], null, false);
        };
    }

    /** The EXPLAIN program of a pragma: it does nothing itself (the runtime executes the plan). */
    public static Program program() {
        ProgramBuilder b = new ProgramBuilder();
        int prologue = b.newLabel();
        b.emit(new Insn.Init(prologue));
        b.emit(Insn.Halt.OK);
        b.resolve(prologue);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    private static PragmaPlan header(PragmaPlan.Kind kind, String column, boolean set, long number,
                                     boolean returnsRow) {
        return new PragmaPlan(kind, returnsRow ? List.of(column) : List.of(), set, number, List.of(), new int[0],
                null, false);
    }

    /** The pragma's argument as text, as SQLite sees the token (quotes removed). */
    static String valueText(Expr value) {
        if (value instanceof Expr.Literal(Object v)) {
            return v == null ? "null" : v.toString();
        }
        throw new IllegalStateException("invariant: pragma value is a literal, got " + value);
    }

    /** SQLite's sqlite3Atoi: the leading (signed) integer of the text; 0 if none or beyond 32 bits. */
    static int atoi(String text) {
        int i = 0;
        int n = text.length();
        boolean negative = false;
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        while (i < n && text.charAt(i) == '0') {
            i++;
        }
        long v = 0;
        int digits = 0;
        while (i < n && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            v = v * 10 + (text.charAt(i) - '0');
            i++;
            if (++digits > 10) {
                return 0;
            }
        }
        if (negative) {
            v = -v;
        }
        return v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? 0 : (int) v;
    }

    /**
     * The level {@code PRAGMA synchronous} reports after being set to {@code text}, as SQLite
     * computes it: words OFF/NORMAL/FULL/EXTRA (0..3), yes/on/true (1), no/off/false (0); a number
     * N is stored as level N+1 in three bits, 0 becoming 1, so 4..6 stay (and act as EXTRA), 7
     * and 8 read back as 0; anything else is NORMAL.
     */
    static int safetyLevel(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        int given = switch (t) {
            case "off", "no", "false" -> 0;
            case "normal", "on", "yes", "true" -> 1;
            case "full" -> 2;
            case "extra" -> 3;
            default -> !t.isEmpty() && Character.isDigit(t.charAt(0)) ? atoi(t) : 1;
        };
        int stored = (given + 1) & 7;
        return (stored == 0 ? 1 : stored) - 1;
    }

    /** SQLite's getAutoVacuum: none/full/incremental or 0..2; anything else is 0 (NONE). */
    static int autoVacuumMode(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "none" -> 0;
            case "full" -> 1;
            case "incremental" -> 2;
            default -> {
                int i = atoi(text);
                yield i >= 0 && i <= 2 ? i : 0;
            }
        };
    }

    static PragmaPlan.CheckpointMode checkpointMode(String text) {
        if (text == null) {
            return PragmaPlan.CheckpointMode.PASSIVE;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "full" -> PragmaPlan.CheckpointMode.FULL;
            case "restart" -> PragmaPlan.CheckpointMode.RESTART;
            case "truncate" -> PragmaPlan.CheckpointMode.TRUNCATE;
            default -> PragmaPlan.CheckpointMode.PASSIVE;
        };
    }

    /**
     * integrity_check / quick_check with SQLite 3.40's argument: none, an error limit N (text
     * starting with an integer; N <= 0 means the default 100), or a table name (only that table and its indexes,
     * "no such table" otherwise). The B-tree half runs in {@code storage.check.IntegrityCheck}
     * over {@link PragmaPlan#roots()}, the row half as the program {@link IntegrityCheckCompiler} makes.
     */
    private static PragmaPlan integrityCheck(String name, String arg, Schema schema) {
        boolean quick = name.equals("quick_check");
        PragmaPlan.Kind kind = quick ? PragmaPlan.Kind.QUICK_CHECK : PragmaPlan.Kind.INTEGRITY_CHECK;
        long limit = DEFAULT_MAX_ERRORS;
        Table only = null;
        boolean schemaOnly = false;
        if (arg != null && arg.matches("(?s)[+-]?[0-9].*")) {
            // SQLite reads a leading integer as the limit ('2abc' is 2, '0x10' is 0: the default)
            int n = atoi(arg);
            limit = n <= 0 ? DEFAULT_MAX_ERRORS : n;
        } else if (arg != null) {
            String lower = arg.toLowerCase(Locale.ROOT);
            if (lower.equals("sqlite_schema") || lower.equals("sqlite_master")) {
                schemaOnly = true;
            } else {
                only = schema.table(arg);
                if (only == null || only.rootPage() <= 0 && !only.indexOrganized()) {
                    throw new io.ringlite.storage.error.DatabaseException(io.ringlite.storage.error.ResultCode.ERROR,
                            "no such table: " + arg);
                }
            }
        }
        int[] roots;
        if (schemaOnly) {
            roots = new int[] {1};
        } else if (only != null) {
            roots = rootsOf(List.of(only));
        } else {
            List<Table> tables = new ArrayList<>(schema.tables());
            java.util.Collections.reverse(tables);
            roots = rootsOf(tables);
        }
        Program rows = schemaOnly ? null : IntegrityCheckCompiler.compile(schema, only, quick);
        return new PragmaPlan(kind, List.of(name), arg != null, limit, List.of(), roots, rows,
                schemaOnly || only != null);
    }

    /**
     * Root pages in the order SQLite's integrity_check visits them (which decides where a page
     * used twice is reported): tables newest first, each followed by its indexes newest first.
     */
    private static int[] rootsOf(List<Table> tables) {
        List<Integer> roots = new ArrayList<>();
        for (Table t : tables) {
            if (t.rootPage() > 0) {
                roots.add(t.rootPage());
            }
            List<Index> indexes = new ArrayList<>(t.indexes());
            java.util.Collections.reverse(indexes);
            for (Index i : indexes) {
                if (i.rootPage() > 0) {
                    roots.add(i.rootPage());
                }
            }
        }
        return roots.stream().mapToInt(Integer::intValue).toArray();
    }

    /** table_info rows: cid, name, declared type, notnull, default (as text), position in the primary key. */
    private static List<Object[]> tableInfo(Table t) {
        if (t == null) {
            return List.of();
        }
        List<Object[]> rows = new ArrayList<>();
        int pk = 0;
        for (int i = 0; i < t.columns().size(); i++) {
            Column c = t.columns().get(i);
            if (c.generated() != null) {
                continue; // table_info hides generated columns (table_xinfo shows them)
            }
            long pkPos = c.primaryKey() ? ++pk : 0;
            rows.add(new Object[] {(long) rows.size(), c.name(), c.declaredType() == null ? "" : c.declaredType(),
                    c.notNull() ? 1L : 0L, defaultText(c.defaultValue()), pkPos});
        }
        return rows;
    }

    /** The default as SQLite prints it (the text as written); literals are rebuilt, other expressions null. */
    private static String defaultText(Expr e) {
        return switch (e) {
            case null -> null;
            case Expr.Literal(Object v) when v == null -> "NULL";
            case Expr.Literal(String s) -> "'" + s.replace("'", "''") + "'";
            case Expr.Literal(byte[] b) -> "X'" + java.util.HexFormat.of().withUpperCase().formatHex(b) + "'";
            case Expr.Literal(Object v) -> v.toString();
            default -> null;
        };
    }
}
