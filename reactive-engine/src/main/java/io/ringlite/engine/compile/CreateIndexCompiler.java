package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Code for {@code CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON t(col [COLLATE c] [ASC|DESC], ...)}:
 *
 * <pre>
 *   CreateBtree (BTREE_BLOBKEY) -> r[root]
 *   OpenWrite sqlite_schema; NewRowid; MakeRecord('index', name, t, r[root], sql); Insert
 *   OpenRead t; OpenWrite index at r[root]
 *   Rewind t; loop: key columns + rowid; [UNIQUE: NoConflict or Halt "UNIQUE constraint failed: t.a"];
 *                   MakeRecord; IdxInsert; Next t
 *   SetCookie schema-cookie + 1; ParseSchema
 * </pre>
 *
 * The stored text is SQLite's: "CREATE INDEX " or "CREATE UNIQUE INDEX " followed by the
 * statement's text from the index name on. A key field may be an expression of the table's
 * columns, and a partial index (WHERE) holds entries only for the rows the WHERE is true for.
 */
final class CreateIndexCompiler {
    private CreateIndexCompiler() {
    }

    /**
     * An index expression or WHERE may use the table's columns, literals and deterministic
     * functions; subqueries, parameters and non-deterministic functions fail with SQLite's
     * messages ("subqueries prohibited in index expressions", ...).
     */
    private static void checkIndexExpression(Expr e, Scope self, String where) {
        ExprCompiler.checkNoAggregate(e);
        ExprCompiler.walk(e, x -> {
            if (x instanceof Expr.Subquery || x instanceof Expr.Exists || x instanceof Expr.InSelect
                    || x instanceof Expr.InTable) {
                throw new DatabaseException(ResultCode.ERROR, "subqueries prohibited in " + where);
            }
            if (x instanceof Expr.Param) {
                throw new DatabaseException(ResultCode.ERROR, "parameters prohibited in " + where);
            }
            if (x instanceof Expr.ColumnRef ref && self.resolve(ref) == null && !(ref.table() == null && ref.doubleQuoted())) {
                throw Scope.noSuchColumn(ref);
            }
            if (x instanceof Expr.Function f && (f.name().equalsIgnoreCase("random")
                    || f.name().equalsIgnoreCase("randomblob") || f.name().equalsIgnoreCase("last_insert_rowid")
                    || f.name().equalsIgnoreCase("changes") || f.name().equalsIgnoreCase("total_changes"))) {
                throw new DatabaseException(ResultCode.ERROR, "non-deterministic functions prohibited in " + where);
            }
        });
    }

    static Program compile(Statement.CreateIndex ci, Schema schema) {
        Compiler.checkSchemaName(ci.name().schema());
        String name = ci.name().name();
        if (schema.index(name) != null) {
            if (ci.ifNotExists()) {
                return CreateTableCompiler.noop();
            }
            throw new DatabaseException(ResultCode.ERROR, "index " + name + " already exists");
        }
        if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
            throw new DatabaseException(ResultCode.ERROR, "object name reserved for internal use: " + name);
        }
        if (schema.table(name) != null || schema.other(name) != null) {
            throw new DatabaseException(ResultCode.ERROR, "there is already a table named " + name);
        }
        Table t = schema.table(ci.table());
        if (t == null) {
            if (schema.other(ci.table()) != null && schema.other(ci.table()).type().equalsIgnoreCase("view")) {
                throw new DatabaseException(ResultCode.ERROR, "views may not be indexed");
            }
            throw new DatabaseException(ResultCode.ERROR, "no such table: main." + ci.table());
        }
        if (t == Schema.SQLITE_SCHEMA || t.name().toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
            throw new DatabaseException(ResultCode.ERROR, "table " + ci.table() + " may not be indexed");
        }
        if (t.rootPage() == 0) {
            throw new DatabaseException(ResultCode.ERROR, "virtual tables may not be indexed");
        }
        List<String> cols = new ArrayList<>();
        List<Boolean> desc = new ArrayList<>();
        List<String> colls = new ArrayList<>();
        Scope self = new Scope(t, t.name(), -1);
        for (Statement.IndexedColumn ic : ci.columns()) {
            if (ic.expr() instanceof Expr.ColumnRef ref && ref.table() == null && t.columnIndex(ref.column()) < 0
                    && !ref.doubleQuoted()) {
                throw new DatabaseException(ResultCode.ERROR, "no such column: " + ref.column());
            }
            if (ic.expr() instanceof Expr.ColumnRef ref && ref.table() == null && t.columnIndex(ref.column()) >= 0) {
                cols.add(t.columns().get(t.columnIndex(ref.column())).name());
            } else {
                checkIndexExpression(ic.expr(), self, "index expressions");
                cols.add(null);
            }
            desc.add(ic.descending());
            colls.add(ic.collation());
        }
        if (ci.where() != null) {
            checkIndexExpression(ci.where(), self, "partial index WHERE clauses");
        }
        String sql = (ci.unique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + ci.definition();
        Index x = new Index(name, t.name(), 0, cols, ci.unique(), sql, desc, colls, false, ci.where() != null);

        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        b.emit(new Insn.Init(txn));
        int rRoot = b.allocRegister();
        b.emit(new Insn.CreateBtree(0, rRoot, Insn.BTREE_BLOBKEY));
        int schemaCursor = b.allocCursor();
        b.emit(new Insn.OpenWrite(schemaCursor, 1, 0, 5));
        CreateTableCompiler.insertSchemaRow(b, schemaCursor, "index", name, t.name(), rRoot, sql);
        b.emit(new Insn.Close(schemaCursor));

        int tableCursor = b.allocCursor();
        IndexMaintenance.Target target = IndexMaintenance.describe(t, x, b.allocCursor());
        b.emit(Scope.open(t, tableCursor, false));
        b.emit(new Insn.OpenWrite(target.cursor(), rRoot, 0, target.entryFields(), target.keyInfo(), true));
        int done = b.newLabel();
        b.emit(new Insn.Rewind(tableCursor, done));
        int loop = b.currentAddress();
        int next = b.newLabel();
        int skip = IndexMaintenance.skipUnlessInIndex(b, t, target, tableCursor);
        int start = IndexMaintenance.keyFromCursor(b, t, target, tableCursor);
        IndexMaintenance.checkUnique(b, t, List.of(target), target, start, IndexMaintenance.OnConflict.ABORT, 0,
                tableCursor);
        IndexMaintenance.insertEntry(b, target, start);
        if (skip != 0) {
            b.resolve(skip);
        }
        b.resolve(next);
        b.emit(new Insn.Next(tableCursor, loop));
        b.resolve(done);
        b.emit(new Insn.Close(tableCursor));
        b.emit(new Insn.Close(target.cursor()));
        int cookie = schema.cookie() == Schema.UNKNOWN_COOKIE ? 1 : schema.cookie() + 1;
        b.emit(new Insn.SetCookie(0, 1, cookie));
        b.emit(new Insn.ParseSchema(0, "name='" + name.replace("'", "''") + "' AND type='index'"));
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }
}
