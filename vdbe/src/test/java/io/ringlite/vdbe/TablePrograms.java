package io.ringlite.vdbe;

import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.util.List;

/**
 * Hand-compiled programs over a table {@code t(a INTEGER, b TEXT)} shaped as sqlite3 compiles
 * the SQL in each method's name (compare with sqlite3's EXPLAIN).
 */
final class TablePrograms {
    private TablePrograms() {
    }

    /** INSERT INTO t(a, b) VALUES (?1, ?2). */
    static Program insert(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        b.emit(new Insn.OpenWrite(0, root, 0, 2));
        int r = b.allocRegisters(4);
        b.emit(new Insn.Variable(1, r));
        b.emit(new Insn.Variable(2, r + 1));
        b.emit(new Insn.NewRowid(0, r + 2, 0));
        b.emit(new Insn.MakeRecord(r, 2, r + 3, "DB"));
        b.emit(new Insn.Insert(0, r + 3, r + 2, "t", Insn.OPFLAG_NCHANGE | Insn.OPFLAG_LASTROWID));
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }

    /** SELECT rowid, a, b FROM t. */
    static Program scan(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Rewind(0, end));
        int loop = b.currentAddress();
        int r = b.allocRegisters(3);
        b.emit(new Insn.Rowid(0, r));
        b.emit(new Insn.Column(0, 0, r + 1));
        b.emit(new Insn.Column(0, 1, r + 2));
        b.emit(new Insn.ResultRow(r, 3));
        b.emit(new Insn.Next(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.Goto(start));
        return b.columnNames(List.of("rowid", "a", "b")).build();
    }

    /** SELECT a, b FROM t WHERE a > ?1 ORDER BY b DESC, a LIMIT ?2 OFFSET ?3. */
    static Program sortedPage(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        int sort = b.newLabel();
        int next = b.newLabel();
        int skip = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        b.emit(new Insn.SorterOpen(1, 3, new KeyInfo(List.of(true, false), List.of(Collation.BINARY, Collation.BINARY))));
        int limit = b.allocRegister();
        int offset = b.allocRegister();
        int combined = b.allocRegister();
        b.emit(new Insn.Variable(2, limit));
        b.emit(new Insn.MustBeInt(limit, 0));
        b.emit(new Insn.IfNot(limit, end, false)); // LIMIT 0: no rows, as sqlite3 compiles it
        b.emit(new Insn.Variable(3, offset));
        b.emit(new Insn.MustBeInt(offset, 0));
        b.emit(new Insn.OffsetLimit(limit, combined, offset));
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Rewind(0, sort));
        int loop = b.currentAddress();
        int a = b.allocRegister();
        int p = b.allocRegister();
        b.emit(new Insn.Column(0, 0, a));
        b.emit(new Insn.Variable(1, p));
        b.emit(new Insn.Le(p, next, a, Collation.BINARY, Affinity.NUMERIC, Insn.JUMPIFNULL));
        int key = b.allocRegisters(3);
        b.emit(new Insn.Column(0, 1, key));
        b.emit(new Insn.Column(0, 0, key + 1));
        b.emit(new Insn.Column(0, 1, key + 2));
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(key, 3, rec, null));
        b.emit(new Insn.SorterInsert(1, rec));
        b.resolve(next);
        b.emit(new Insn.Next(0, loop));
        b.resolve(sort);
        int data = b.allocRegister();
        b.emit(new Insn.OpenPseudo(2, data, 3));
        b.emit(new Insn.SorterSort(1, end));
        int out = b.currentAddress();
        b.emit(new Insn.SorterData(1, data, 2));
        b.emit(new Insn.IfPos(offset, skip, 1));
        int o = b.allocRegisters(2);
        b.emit(new Insn.Column(2, 1, o));
        b.emit(new Insn.Column(2, 2, o + 1));
        b.emit(new Insn.ResultRow(o, 2));
        b.emit(new Insn.DecrJumpZero(limit, end));
        b.resolve(skip);
        b.emit(new Insn.SorterNext(1, out));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }

    /** SELECT count(*), sum(a), max(b), min(a), total(a), avg(a), group_concat(b) FROM t. */
    static Program aggregates(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        int done = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        int acc = b.allocRegisters(7);
        b.emit(new Insn.Null(acc, acc + 6));
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Rewind(0, done));
        int loop = b.currentAddress();
        int a = b.allocRegister();
        int bb = b.allocRegister();
        b.emit(new Insn.Column(0, 0, a));
        b.emit(new Insn.Column(0, 1, bb));
        b.emit(new Insn.AggStep(0, acc, FunctionRegistry.lookup("count", 0), 0));
        b.emit(new Insn.AggStep(a, acc + 1, FunctionRegistry.lookup("sum", 1), 1));
        b.emit(new Insn.AggStep(bb, acc + 2, FunctionRegistry.lookup("max", 1), 1));
        b.emit(new Insn.AggStep(a, acc + 3, FunctionRegistry.lookup("min", 1), 1));
        b.emit(new Insn.AggStep(a, acc + 4, FunctionRegistry.lookup("total", 1), 1));
        b.emit(new Insn.AggStep(a, acc + 5, FunctionRegistry.lookup("avg", 1), 1));
        b.emit(new Insn.AggStep(bb, acc + 6, FunctionRegistry.lookup("group_concat", 1), 1));
        b.emit(new Insn.Next(0, loop));
        b.resolve(done);
        String[] names = {"count", "sum", "max", "min", "total", "avg", "group_concat"};
        for (int i = 0; i < 7; i++) {
            b.emit(new Insn.AggFinal(acc + i, i == 0 ? 0 : 1, FunctionRegistry.lookup(names[i], i == 0 ? 0 : 1)));
        }
        b.emit(new Insn.ResultRow(acc, 7));
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }

    /** SELECT count(*) FROM t (the Count opcode). */
    static Program countStar(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        int r = b.allocRegister();
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Count(0, r));
        b.emit(new Insn.Close(0));
        b.emit(new Insn.ResultRow(r, 1));
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }

    /** SELECT a, b FROM t WHERE rowid = ?1. */
    static Program byRowid(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        int end = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        int k = b.allocRegister();
        b.emit(new Insn.Variable(1, k));
        b.emit(new Insn.SeekRowid(0, end, k));
        int o = b.allocRegisters(2);
        b.emit(new Insn.Column(0, 0, o));
        b.emit(new Insn.Column(0, 1, o + 1));
        b.emit(new Insn.ResultRow(o, 2));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }

    /** DELETE FROM t WHERE a < ?1 (one-pass: delete under the scanning cursor). */
    static Program deleteBelow(int root) {
        ProgramBuilder b = new ProgramBuilder();
        int tx = b.newLabel();
        int end = b.newLabel();
        int next = b.newLabel();
        b.emit(new Insn.Init(tx));
        int start = b.currentAddress();
        b.emit(new Insn.OpenWrite(0, root, 0, 2));
        b.emit(new Insn.Rewind(0, end));
        int loop = b.currentAddress();
        int a = b.allocRegister();
        int p = b.allocRegister();
        b.emit(new Insn.Column(0, 0, a));
        b.emit(new Insn.Variable(1, p));
        b.emit(new Insn.Ge(p, next, a, Collation.BINARY, Affinity.NUMERIC, Insn.JUMPIFNULL));
        b.emit(new Insn.Delete(0, Insn.OPFLAG_NCHANGE, "t"));
        b.resolve(next);
        b.emit(new Insn.Next(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        b.resolve(tx);
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.Goto(start));
        return b.build();
    }
}
