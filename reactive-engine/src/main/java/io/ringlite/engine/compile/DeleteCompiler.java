package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;

/**
 * Code for {@code DELETE FROM t [WHERE ...]}: collect the rowids (of a WITHOUT ROWID table: the
 * PRIMARY KEYs) first ({@link RowidCollector}), then for each row remove its entries from every
 * index (IdxDelete) and delete it, counting changes.
 */
final class DeleteCompiler {
    private DeleteCompiler() {
    }

    static Program compile(Statement.Delete del, Schema schema) {
        if (del.with() != null) {
            throw Compiler.notSupported("WITH clause");
        }
        if (!del.returning().isEmpty()) {
            throw Compiler.notSupported("RETURNING");
        }
        if (!del.orderBy().isEmpty() || del.limit() != null) {
            throw Compiler.notSupported("DELETE ... ORDER BY/LIMIT");
        }
        Table t = writableTable(schema, del.table());
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(txn));
        Scope scope = new Scope(t, del.alias() != null ? del.alias() : t.name(), b.allocCursor());
        if (del.where() != null) {
            ExprCompiler.checkNoAggregate(del.where());
        }
        b.emit(Scope.open(t, scope.cursor(), true));
        java.util.List<IndexMaintenance.Target> indexes = IndexMaintenance.openAll(b, t);
        RowidCollector rows = new RowidCollector(b, scope, new SelectCompiler.Context(schema));
        rows.collect(del.where());
        rows.forEachRowid(end, rowid -> {
            IndexMaintenance.deleteEntries(b, t, indexes, scope.cursor());
            b.emit(new Insn.Delete(scope.cursor(), Insn.OPFLAG_NCHANGE, t.name()));
        });
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        Compiler.emitTransaction(b, schema, true);
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    /** The target of UPDATE/DELETE, refusing what this slice cannot maintain. */
    static Table writableTable(Schema schema, Statement.QualifiedName name) {
        Table t = Compiler.table(schema, name.schema(), name.name());
        if (t == Schema.SQLITE_SCHEMA) {
            throw new DatabaseException(ResultCode.ERROR, "table " + name.name() + " may not be modified");
        }
        if (t.withoutRowid() && !t.indexOrganized()) {
            throw new IllegalStateException("invariant: WITHOUT ROWID table " + t.name() + " has no key layout");
        }
        if (t.rootPage() == 0) {
            throw Compiler.notSupported("virtual tables");
        }
        IndexMaintenance.checkMaintainable(t);
        return t;
    }
}
