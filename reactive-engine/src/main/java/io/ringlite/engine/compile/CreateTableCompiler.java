package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.schema.TableDefinition;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import java.util.Locale;

/**
 * Code for CREATE TABLE, shaped like SQLite's:
 *
 * <pre>
 *   ReadCookie file-format; If set -> skip; SetCookie file-format 4; SetCookie text-encoding 1 (UTF-8)
 *   CreateBtree -> r[root]
 *   OpenWrite sqlite_schema (root 1); NewRowid
 *   MakeRecord('table', name, name, r[root], "CREATE TABLE " + definition) ; Insert
 *   SetCookie schema-cookie = cookie + 1 ; ParseSchema
 * </pre>
 *
 * <p>The stored text is what SQLite stores: "CREATE TABLE " followed by the statement's text
 * from the table name on (so IF NOT EXISTS, TEMP and a "main." prefix are dropped).
 * Constraints that need an automatic index (UNIQUE, a PRIMARY KEY that is not the rowid alias)
 * get one, named and numbered as SQLite names them ({@code sqlite_autoindex_T_N}, sql NULL).
 * A WITHOUT ROWID table's B-tree is an index B-tree ({@code CreateBtree} with BTREE_BLOBKEY)
 * that is its PRIMARY KEY index: that index gets no B-tree and no sqlite_schema row of its own,
 * though it keeps its number (withoutrowid.html; SQLite's convertToWithoutRowidTable).
 * AUTOINCREMENT (sqlite_sequence) and generated columns are refused for now: a file written
 * without those structures would not be what SQLite expects.
 */
final class CreateTableCompiler {
    /** Header cookie numbers (field at byte offset 36 + 4n). */
    private static final int COOKIE_SCHEMA = 1;
    private static final int COOKIE_FILE_FORMAT = 2;
    private static final int COOKIE_TEXT_ENCODING = 5;

    private CreateTableCompiler() {
    }

    static Program compile(Statement.CreateTable ct, Schema schema) {
        Compiler.checkSchemaName(ct.name().schema());
        if (ct.temporary()) {
            throw Compiler.notSupported("CREATE TEMP TABLE");
        }
        String name = ct.name().name();
        if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
            throw new DatabaseException(ResultCode.ERROR, "object name reserved for internal use: " + name);
        }
        if (schema.table(name) != null || (schema.other(name) != null
                && schema.other(name).type().equalsIgnoreCase("view"))) {
            if (ct.ifNotExists()) {
                return noop();
            }
            String kind = schema.table(name) != null ? "table" : "view";
            throw new DatabaseException(ResultCode.ERROR, kind + " " + name + " already exists");
        }
        if (schema.index(name) != null) {
            throw new DatabaseException(ResultCode.ERROR, "there is already an index named " + name);
        }
        String sql = "CREATE TABLE " + ct.definition();
        Table t = TableDefinition.fromCreate(ct, 0, sql);
        for (Column c : t.columns()) {
            if (c.defaultValue() != null && !ExprCompiler.isConstant(c.defaultValue())) {
                throw new DatabaseException(ResultCode.ERROR,
                        "default value of column [" + c.name() + "] is not constant");
            }
        }
        Scope self = new Scope(t, name, -1);
        for (var check : t.checks()) {
            ExprCompiler.checkNoAggregate(check.expr());
            ExprCompiler.walk(check.expr(), x -> {
                if (x instanceof Expr.ColumnRef ref && self.resolve(ref) == null
                        && !(ref.table() == null && ref.doubleQuoted())) {
                    throw Scope.noSuchColumn(ref);
                }
            });
        }
        if (t.indexOrganized()) {
            IndexMaintenance.tableKeyInfo(t); // unknown collations fail here, as in SQLite
        }
        if (t.autoincrement()) {
            throw Compiler.notSupported("AUTOINCREMENT");
        }
        if (t.strict()) {
            throw Compiler.notSupported("STRICT tables");
        }
        String clause = TableDefinition.conflictClause(ct);
        if (clause != null) {
            throw Compiler.notSupported(clause);
        }
        java.util.List<io.ringlite.engine.schema.Index> autos = TableDefinition.autoIndexes(ct, t);
        for (io.ringlite.engine.schema.Index x : autos) {
            IndexMaintenance.describe(t, x, 0); // unknown collations fail here, as in SQLite
        }
        for (Column c : t.columns()) {
            if (c.generated() != null) {
                throw Compiler.notSupported("generated columns");
            }
        }

        java.util.List<String> autoNames = new java.util.ArrayList<>();
        for (io.ringlite.engine.schema.Index x : autos) {
            if (!(t.withoutRowid() && x.primaryKey())) {
                autoNames.add(x.name());
            }
        }
        return schemaRow(schema, "table", name, sql, true, autoNames, t.withoutRowid());
    }

    /**
     * The program that adds one object to sqlite_schema: for a table a new B-tree root (a view
     * has root page 0), the row (type, name, name, root, sql), the schema cookie + 1.
     */
    static Program schemaRow(Schema schema, String type, String name, String sql, boolean createBtree) {
        return schemaRow(schema, type, name, sql, createBtree, java.util.List.of(), false);
    }

    /**
     * As {@link #schemaRow(Schema, String, String, String, boolean)}, followed by the rows of
     * the table's automatic indexes (type 'index', no sql), each with a new index B-tree, as
     * SQLite writes them: table root first, then the index roots, rows in that order. With
     * {@code indexTree} the table's own B-tree is an index B-tree (WITHOUT ROWID).
     */
    static Program schemaRow(Schema schema, String type, String name, String sql, boolean createBtree,
                             java.util.List<String> autoIndexes, boolean indexTree) {
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        b.emit(new Insn.Init(txn));
        int rFormat = b.allocRegister();
        int formatSet = b.newLabel();
        b.emit(new Insn.ReadCookie(0, rFormat, COOKIE_FILE_FORMAT));
        b.emit(new Insn.If(rFormat, formatSet, false));
        b.emit(new Insn.SetCookie(0, COOKIE_FILE_FORMAT, 4));
        b.emit(new Insn.SetCookie(0, COOKIE_TEXT_ENCODING, 1));
        b.resolve(formatSet);
        int rRoot = b.allocRegister();
        if (createBtree) {
            b.emit(new Insn.CreateBtree(0, rRoot, indexTree ? Insn.BTREE_BLOBKEY : 1));
        } else {
            b.emit(new Insn.Integer(0, rRoot));
        }
        int[] autoRoots = new int[autoIndexes.size()];
        for (int k = 0; k < autoRoots.length; k++) {
            autoRoots[k] = b.allocRegister();
            b.emit(new Insn.CreateBtree(0, autoRoots[k], Insn.BTREE_BLOBKEY));
        }
        int cursor = b.allocCursor();
        b.emit(new Insn.OpenWrite(cursor, 1, 0, 5));
        insertSchemaRow(b, cursor, type, name, name, rRoot, sql);
        for (int k = 0; k < autoRoots.length; k++) {
            insertSchemaRow(b, cursor, "index", autoIndexes.get(k), name, autoRoots[k], null);
        }
        b.emit(new Insn.Close(cursor));
        int cookie = schema.cookie() == Schema.UNKNOWN_COOKIE ? 1 : schema.cookie() + 1;
        b.emit(new Insn.SetCookie(0, COOKIE_SCHEMA, cookie));
        b.emit(new Insn.ParseSchema(0, "tbl_name='" + name.replace("'", "''") + "' AND type!='trigger'"));
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    /** Appends the sqlite_schema row (type, name, tbl_name, r[rRoot], sql) through {@code cursor}. */
    static void insertSchemaRow(ProgramBuilder b, int cursor, String type, String name, String table, int rRoot,
                                String sql) {
        int rRowid = b.allocRegister();
        b.emit(new Insn.NewRowid(cursor, rRowid, 0));
        int first = b.allocRegisters(5);
        b.emit(new Insn.String8(first, type));
        b.emit(new Insn.String8(first + 1, name));
        b.emit(new Insn.String8(first + 2, table));
        b.emit(new Insn.SCopy(rRoot, first + 3));
        if (sql == null) {
            b.emit(new Insn.Null(first + 4));
        } else {
            b.emit(new Insn.String8(first + 4, sql));
        }
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(first, 5, rec, "BBBDB"));
        b.emit(new Insn.Insert(cursor, rec, rRowid, "sqlite_master", 0));
    }

    /** CREATE VIEW: checks the name, stores "CREATE VIEW " + definition (the query is checked on use, as SQLite does). */
    static Program view(Statement.CreateView cv, Schema schema) {
        Compiler.checkSchemaName(cv.name().schema());
        if (cv.temporary()) {
            throw Compiler.notSupported("CREATE TEMP VIEW");
        }
        String name = cv.name().name();
        if (name.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
            throw new DatabaseException(ResultCode.ERROR, "object name reserved for internal use: " + name);
        }
        boolean isView = schema.other(name) != null && schema.other(name).type().equalsIgnoreCase("view");
        if (schema.table(name) != null || isView) {
            if (cv.ifNotExists()) {
                return noop();
            }
            throw new DatabaseException(ResultCode.ERROR, (isView ? "view " : "table ") + name + " already exists");
        }
        if (schema.index(name) != null) {
            throw new DatabaseException(ResultCode.ERROR, "there is already an index named " + name);
        }
        return schemaRow(schema, "view", name, "CREATE VIEW " + cv.definition(), false);
    }

    static Program noop() {
        ProgramBuilder b = new ProgramBuilder();
        int end = b.newLabel();
        b.emit(new Insn.Init(end));
        b.emit(Insn.Halt.OK);
        b.resolve(end);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    /** Refuses INSERT into tables whose constraints this slice does not enforce yet. */
    static void checkInsertable(Table t) {
        if (t.strict()) {
            throw Compiler.notSupported("STRICT tables");
        }
        for (Column c : t.columns()) {
            if (c.generated() != null) {
                throw Compiler.notSupported("generated columns");
            }
            if (c.defaultValue() != null && !(c.defaultValue() instanceof Expr.Literal)
                    && !ExprCompiler.isConstant(c.defaultValue())) {
                throw Compiler.notSupported("non-constant DEFAULT");
            }
        }
    }
}
