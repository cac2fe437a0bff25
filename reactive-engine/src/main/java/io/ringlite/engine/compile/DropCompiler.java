package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
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
 * schema cookie. DROP TABLE and DROP INDEX also free the object's pages, which needs an opcode
 * the VM does not have yet.
 */
final class DropCompiler {
    private DropCompiler() {
    }

    static Program compile(Statement.Drop drop, Schema schema) {
        Compiler.checkSchemaName(drop.name().schema());
        String name = drop.name().name();
        String kind = switch (drop.kind()) {
            case VIEW -> "view";
            case TRIGGER -> "trigger";
            case TABLE, INDEX -> throw Compiler.notSupported("DROP " + drop.kind().name());
        };
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
