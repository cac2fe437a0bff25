package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.ParsedStatement;
import io.ringlite.engine.sql.Parser;
import io.ringlite.engine.sql.Select;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.Collections;
import java.util.List;

/**
 * SQL text to VDBE program: parses the first statement of the text and generates its program
 * against a {@link Schema}.
 *
 * <p>Every program starts with {@code Init} jumping to a prologue at its end that opens the
 * transaction (read or write, checking the schema cookie when the schema knows it) and jumps
 * back to address 1, as SQLite's programs do. What this slice does not compile yet fails with
 * {@code not supported yet: <feature>} (SQLITE_ERROR), never with a wrong program.
 */
public final class Compiler {
    private Compiler() {
    }

    /**
     * Compiles the first statement of {@code sql}.
     *
     * @return the compiled statement, or null when {@code sql} holds only whitespace, comments
     *         and semicolons
     * @throws DatabaseException ERROR with SQLite's message for bad SQL or unknown names
     */
    public static CompiledStatement compile(String sql, Schema schema) {
        ParsedStatement parsed = Parser.parseFirst(sql);
        if (parsed == null) {
            return null;
        }
        if (parsed.explain() == 2) {
            throw notSupported("EXPLAIN QUERY PLAN");
        }
        Statement stmt = parsed.statement();
        boolean explain = parsed.explain() == 1;
        Program program;
        List<String> names = List.of();
        List<String> types = List.of();
        boolean readOnly;
        switch (stmt) {
            case Select s -> {
                SelectCompiler.Result r = SelectCompiler.compile(s, schema);
                program = r.program();
                names = r.columnNames();
                types = r.declaredTypes();
                readOnly = true;
            }
            case Statement.Insert ins -> {
                program = InsertCompiler.compile(ins, schema);
                readOnly = false;
            }
            case Statement.Update upd -> {
                program = UpdateCompiler.compile(upd, schema);
                readOnly = false;
            }
            case Statement.Delete del -> {
                program = DeleteCompiler.compile(del, schema);
                readOnly = false;
            }
            case Statement.Drop drop -> {
                program = DropCompiler.compile(drop, schema);
                readOnly = false;
            }
            case Statement.CreateView cv -> {
                program = CreateTableCompiler.view(cv, schema);
                readOnly = false;
            }
            case Statement.CreateIndex ci -> {
                program = CreateIndexCompiler.compile(ci, schema);
                readOnly = false;
            }
            case Statement.CreateTable ct -> {
                program = CreateTableCompiler.compile(ct, schema);
                readOnly = false;
            }
            case Statement.Begin begin -> {
                program = transactionControl(begin.kind() != Statement.TransactionKind.DEFERRED, false, false);
                readOnly = true;
            }
            case Statement.Commit c -> {
                program = transactionControl(false, true, false);
                readOnly = true;
            }
            case Statement.Rollback rb -> {
                if (rb.savepoint() != null) {
                    throw notSupported("ROLLBACK TO SAVEPOINT");
                }
                program = transactionControl(false, true, true);
                readOnly = true;
            }
            case Statement.Pragma pragma -> {
                PragmaPlan plan = PragmaCompiler.plan(pragma, schema);
                program = PragmaCompiler.program();
                names = plan.columnNames();
                types = Collections.nCopies(names.size(), null);
                readOnly = !plan.writes();
            }
            default -> throw notSupported(describe(stmt));
        }
        if (explain) {
            names = Program.EXPLAIN_COLUMNS;
            types = Collections.nCopies(names.size(), null);
            readOnly = true;
        }
        return new CompiledStatement(program, parsed.sql(), parsed.tail(), names, types, parsed.parameterNames(),
                readOnly, explain, stmt);
    }

    /** The feature name used in "not supported yet" errors for a statement kind. */
    static String describe(Statement stmt) {
        return switch (stmt) {
            case Select s -> "SELECT";
            case Statement.Insert s -> "INSERT";
            case Statement.Update s -> "UPDATE";
            case Statement.Delete s -> "DELETE";
            case Statement.CreateTable s -> "CREATE TABLE";
            case Statement.CreateIndex s -> "CREATE INDEX";
            case Statement.CreateView s -> "CREATE VIEW";
            case Statement.CreateTrigger s -> "CREATE TRIGGER";
            case Statement.CreateVirtualTable s -> "CREATE VIRTUAL TABLE";
            case Statement.Drop s -> "DROP " + s.kind().name();
            case Statement.AlterTable s -> "ALTER TABLE";
            case Statement.Pragma s -> "PRAGMA";
            case Statement.Attach s -> "ATTACH";
            case Statement.Detach s -> "DETACH";
            case Statement.Vacuum s -> "VACUUM";
            case Statement.Analyze s -> "ANALYZE";
            case Statement.Reindex s -> "REINDEX";
            case Statement.Begin s -> "BEGIN";
            case Statement.Commit s -> "COMMIT";
            case Statement.Rollback s -> "ROLLBACK";
            case Statement.Savepoint s -> "SAVEPOINT";
            case Statement.Release s -> "RELEASE";
        };
    }

    static DatabaseException notSupported(String feature) {
        return new DatabaseException(ResultCode.ERROR, "not supported yet: " + feature);
    }

    /** The table {@code schemaName.name}, or ERROR "no such table: name". */
    static Table table(Schema schema, String schemaName, String name) {
        checkSchemaName(schemaName);
        Table t = schema.table(name);
        if (t == null) {
            if (schema.other(name) != null && schema.other(name).type().equalsIgnoreCase("view")) {
                throw notSupported("changing a view");
            }
            throw new DatabaseException(ResultCode.ERROR,
                    "no such table: " + (schemaName == null ? "" : schemaName + ".") + name);
        }
        return t;
    }

    static void checkSchemaName(String schemaName) {
        if (schemaName == null || schemaName.equalsIgnoreCase("main")) {
            return;
        }
        if (schemaName.equalsIgnoreCase("temp")) {
            throw notSupported("the temp database");
        }
        throw new DatabaseException(ResultCode.ERROR, "unknown database " + schemaName);
    }

    /** The prologue's Transaction instruction for database 0. */
    static void emitTransaction(ProgramBuilder b, Schema schema, boolean write) {
        boolean known = schema.cookie() != Schema.UNKNOWN_COOKIE;
        b.emit(new Insn.Transaction(0, write, known ? schema.cookie() : 0, known));
    }

    /** BEGIN [IMMEDIATE|EXCLUSIVE], COMMIT/END, ROLLBACK: SQLite's AutoCommit programs. */
    private static Program transactionControl(boolean writeNow, boolean autoCommit, boolean rollback) {
        ProgramBuilder b = new ProgramBuilder();
        int prologue = b.newLabel();
        b.emit(new Insn.Init(prologue));
        if (writeNow) {
            // BEGIN IMMEDIATE / EXCLUSIVE take the write lock at once.
            b.emit(new Insn.Transaction(0, true, 0, false));
        }
        b.emit(new Insn.AutoCommit(autoCommit, rollback));
        b.emit(Insn.Halt.OK);
        b.resolve(prologue);
        b.emit(new Insn.Goto(1));
        return b.build();
    }
}
