package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import java.util.ArrayList;
import java.util.List;
import io.ringlite.engine.schema.SchemaEntry;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;

/**
 * DROP VIEW and DROP TRIGGER: objects without a B-tree, so dropping one only deletes its
 * sqlite_schema row (found by type and name, collected first as every delete is) and bumps the
 * schema cookie. DROP TABLE and DROP INDEX also free the object's pages to the freelist
 * (Destroy) and delete the rows of the table's indexes.
 *
 * <p>Auto-vacuum files: as SQLite's OP_Destroy, each Destroy fills the freed root slot with the
 * file's largest root page. The storage layer does the move and patches the moved tree's
 * sqlite_schema row itself ({@code Pager.freeRoot}), so the program is the same for every file;
 * the sqlite_schema rows of the dropped objects are deleted before the Destroys (so the only row
 * naming the moved root is the moved tree's), and the roots are destroyed largest first, so no
 * root still to be destroyed is ever the one that moves.
 */
final class DropCompiler {
    private DropCompiler() {
    }

    /**
     * DROP TABLE: frees the B-trees of the table and of its indexes (largest root first, as
     * SQLite does), deletes their sqlite_schema rows (and the table's triggers'), bumps the
     * schema cookie.
     */
    private static Program dropTable(Statement.Drop drop, Schema schema) {
        String name = drop.name().name();
        Table t = schema.table(name);
        if (t == null) {
            SchemaEntry other = schema.other(name);
            if (other != null && other.type().equalsIgnoreCase("view")) {
                throw new DatabaseException(ResultCode.ERROR, "use DROP VIEW to delete view " + name);
            }
            if (drop.ifExists()) {
                return CreateTableCompiler.noop();
            }
            throw new DatabaseException(ResultCode.ERROR, "no such table: " + name);
        }
        if (t == Schema.SQLITE_SCHEMA || t.name().toLowerCase(java.util.Locale.ROOT).startsWith("sqlite_")) {
            throw new DatabaseException(ResultCode.ERROR, "table " + name + " may not be dropped");
        }
        if (t.rootPage() == 0) {
            throw Compiler.notSupported("DROP TABLE of a virtual table");
        }
        if (t.autoincrement()) {
            throw Compiler.notSupported("DROP TABLE of an AUTOINCREMENT table (sqlite_sequence)");
        }
        List<Integer> roots = new ArrayList<>();
        roots.add(t.rootPage());
        for (Index x : t.indexes()) {
            roots.add(x.rootPage());
        }
        roots.sort(java.util.Comparator.reverseOrder());
        Expr where = new Expr.Binary(Expr.BinaryOp.EQ, new Expr.ColumnRef(null, null, "tbl_name", false),
                new Expr.Literal(t.name()));
        return dropProgram(schema, where, roots, new Insn.DropTable(0, t.name()));
    }

    /** DROP INDEX: frees its B-tree, deletes its sqlite_schema row, bumps the schema cookie. */
    private static Program dropIndex(Statement.Drop drop, Schema schema) {
        String name = drop.name().name();
        Index x = schema.index(name);
        if (x == null) {
            if (drop.ifExists()) {
                return CreateTableCompiler.noop();
            }
            throw new DatabaseException(ResultCode.ERROR, "no such index: " + name);
        }
        if (x.automatic()) {
            throw new DatabaseException(ResultCode.ERROR,
                    "index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped");
        }
        Expr where = new Expr.Binary(Expr.BinaryOp.AND,
                new Expr.Binary(Expr.BinaryOp.EQ, new Expr.ColumnRef(null, null, "type", false), new Expr.Literal("index")),
                new Expr.Binary(Expr.BinaryOp.EQ, new Expr.ColumnRef(null, null, "name", false),
                        new Expr.Literal(x.name())));
        return dropProgram(schema, where, List.of(x.rootPage()), new Insn.DropIndex(0, x.name()));
    }

    private static Program dropProgram(Schema schema, Expr where, List<Integer> roots, Insn schemaNote) {
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(txn));
        Scope scope = new Scope(Schema.SQLITE_SCHEMA, "sqlite_schema", b.allocCursor());
        b.emit(new Insn.OpenWrite(scope.cursor(), 1, 0, 5));
        RowidCollector rows = new RowidCollector(b, scope, null);
        rows.collect(where);
        rows.forEachRowid(end, rowid -> b.emit(new Insn.Delete(scope.cursor(), 0, "sqlite_master")));
        b.resolve(end);
        b.emit(new Insn.Close(scope.cursor()));
        for (int root : roots) {
            b.emit(new Insn.Destroy(root, 0, 0));
        }
        int cookie = schema.cookie() == Schema.UNKNOWN_COOKIE ? 1 : schema.cookie() + 1;
        b.emit(new Insn.SetCookie(0, 1, cookie));
        b.emit(schemaNote);
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    static Program compile(Statement.Drop drop, Schema schema) {
        Compiler.checkSchemaName(drop.name().schema());
        String name = drop.name().name();
        String kind = switch (drop.kind()) {
            case VIEW -> "view";
            case TRIGGER -> "trigger";
            case TABLE -> "table";
            case INDEX -> "index";
        };
        if (drop.kind() == Statement.ObjectKind.TABLE) {
            return dropTable(drop, schema);
        }
        if (drop.kind() == Statement.ObjectKind.INDEX) {
            return dropIndex(drop, schema);
        }
        SchemaEntry entry = schema.other(name);
        if (entry == null || !entry.type().equalsIgnoreCase(kind)) {
            if (drop.kind() == Statement.ObjectKind.VIEW && schema.table(name) != null) {
                throw new DatabaseException(ResultCode.ERROR, "use DROP TABLE to delete table " + name);
            }
            if (drop.ifExists()) {
                ProgramBuilder b = new ProgramBuilder();
                int end = b.newLabel();
                b.emit(new Insn.Init(end));
                b.emit(Insn.Halt.OK);
                b.resolve(end);
                b.emit(new Insn.Goto(1));
                return b.build();
            }
            throw new DatabaseException(ResultCode.ERROR, "no such " + kind + ": " + name);
        }
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(txn));
        Scope scope = new Scope(Schema.SQLITE_SCHEMA, "sqlite_schema", b.allocCursor());
        b.emit(new Insn.OpenWrite(scope.cursor(), 1, 0, 5));
        Expr where = new Expr.Binary(Expr.BinaryOp.AND,
                new Expr.Binary(Expr.BinaryOp.EQ, new Expr.ColumnRef(null, null, "type", false), new Expr.Literal(kind)),
                new Expr.Binary(Expr.BinaryOp.EQ, new Expr.ColumnRef(null, null, "name", false),
                        new Expr.Literal(entry.name())));
        RowidCollector rows = new RowidCollector(b, scope, null);
        rows.collect(where);
        rows.forEachRowid(end, rowid -> b.emit(new Insn.Delete(scope.cursor(), 0, "sqlite_master")));
        b.resolve(end);
        int cookie = schema.cookie() == Schema.UNKNOWN_COOKIE ? 1 : schema.cookie() + 1;
        b.emit(new Insn.SetCookie(0, 1, cookie));
        b.emit(new Insn.ParseSchema(0, null));
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }
}
