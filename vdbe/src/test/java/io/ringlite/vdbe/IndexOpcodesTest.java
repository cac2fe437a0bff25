package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import io.ringlite.vdbe.value.Collation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index opcodes over the index double of {@link MemoryBTreeStore}, with and without a seeded
 * schedule of Pending results (a yielding instruction must be safe to re-run).
 */
class IndexOpcodesTest {
    /** Index on (name COLLATE NOCASE) + rowid. */
    private static final KeyInfo KEY = new KeyInfo(List.of(false, false), List.of(Collation.NOCASE, Collation.BINARY));

    private static Program program(Consumer<ProgramBuilder> body) {
        ProgramBuilder b = new ProgramBuilder();
        int txn = b.newLabel();
        b.emit(new Insn.Init(txn));
        body.accept(b);
        b.emit(Insn.Halt.OK);
        b.resolve(txn);
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.Goto(1));
        return b.build();
    }

    /** Inserts (name, rowid) entries: bob/1, Alice/2, carol/3, ALICE/4, NULL/5. */
    private static void fill(SimpleVdbeContext ctx, int root) {
        Object[][] entries = {{"bob", 1L}, {"Alice", 2L}, {"carol", 3L}, {"ALICE", 4L}, {null, 5L}};
        VdbeRunner.run(program(b -> {
            b.emit(new Insn.OpenWrite(0, root, 0, 2, KEY));
            for (Object[] e : entries) {
                if (e[0] == null) {
                    b.emit(new Insn.Null(1));
                } else {
                    b.emit(new Insn.String8(1, (String) e[0]));
                }
                b.emit(new Insn.Int64(2, (Long) e[1]));
                b.emit(new Insn.MakeRecord(1, 2, 3, null));
                b.emit(new Insn.IdxInsert(0, 3, 1, 2, 0));
            }
        }), ctx);
    }

    /** Rows (rowid) of: SeekGE key; loop { IdxGT key -> end; IdxRowid; Next }. */
    private static List<Object> equalRange(SimpleVdbeContext ctx, int root, String key) {
        List<Object> out = new ArrayList<>();
        for (Object[] row : VdbeRunner.run(program(b -> {
            int end = b.newLabel();
            b.emit(new Insn.OpenRead(0, root, 0, 2, KEY));
            b.emit(new Insn.String8(1, key));
            b.emit(new Insn.SeekGE(0, end, 1, 1));
            int loop = b.currentAddress();
            b.emit(new Insn.IdxGT(0, end, 1, 1));
            b.emit(new Insn.IdxRowid(0, 2));
            b.emit(new Insn.Column(0, 0, 3));
            b.emit(new Insn.ResultRow(2, 2));
            b.emit(new Insn.Next(0, loop));
            b.resolve(end);
        }), ctx)) {
            out.add(row[0] + ":" + row[1]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4})
    void seekAndRangeEndFindEveryEntryEqualUnderTheCollation(double pending) {
        MemoryBTreeStore store = new MemoryBTreeStore(42, pending);
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createIndexNow();
        fill(ctx, root);
        assertThat(store.index(root)).hasSize(5);
        assertThat(equalRange(ctx, root, "alice")).containsExactly("2:Alice", "4:ALICE");
        assertThat(equalRange(ctx, root, "BOB")).containsExactly("1:bob");
        assertThat(equalRange(ctx, root, "bobby")).isEmpty();
        assertThat(equalRange(ctx, root, "zed")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4})
    void probesSeeKeysAndNullsNeverConflict(double pending) {
        MemoryBTreeStore store = new MemoryBTreeStore(7, pending);
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createIndexNow();
        fill(ctx, root);
        List<Object[]> rows = VdbeRunner.run(program(b -> {
            b.emit(new Insn.OpenRead(0, root, 0, 2, KEY));
            String[] keys = {"CAROL", "dave", null};
            int out = 10;
            for (String k : keys) {
                int foundL = b.newLabel();
                int notFoundL = b.newLabel();
                int noConflictL = b.newLabel();
                int next = b.newLabel();
                if (k == null) {
                    b.emit(new Insn.Null(1));
                } else {
                    b.emit(new Insn.String8(1, k));
                }
                b.emit(new Insn.Integer(0, out));
                b.emit(new Insn.Found(0, foundL, 1, 1));
                b.emit(new Insn.Goto(notFoundL));
                b.resolve(foundL);
                b.emit(new Insn.Integer(1, out));
                b.resolve(notFoundL);
                b.emit(new Insn.Integer(0, out + 1));
                b.emit(new Insn.NoConflict(0, noConflictL, 1, 1));
                b.emit(new Insn.IdxRowid(0, out + 1));
                b.resolve(noConflictL);
                b.emit(new Insn.Goto(next));
                b.resolve(next);
                out += 2;
            }
            b.emit(new Insn.ResultRow(10, 6));
        }), ctx);
        // CAROL: found, conflicts with rowid 3; dave: neither; NULL: Found says the NULL entry
        // exists, NoConflict says a NULL never conflicts.
        assertThat(rows.get(0)).containsExactly(1L, 3L, 0L, 0L, 1L, 0L);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4})
    void idxDeleteRemovesExactlyTheEntryAndDestroyFreesTheTree(double pending) {
        MemoryBTreeStore store = new MemoryBTreeStore(3, pending);
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createIndexNow();
        fill(ctx, root);
        VdbeRunner.run(program(b -> {
            b.emit(new Insn.OpenWrite(0, root, 0, 2, KEY));
            b.emit(new Insn.String8(1, "alice"));
            b.emit(new Insn.Int64(2, 4));
            b.emit(new Insn.IdxDelete(0, 1, 2));
            b.emit(new Insn.Int64(2, 99)); // no such entry: nothing happens
            b.emit(new Insn.IdxDelete(0, 1, 2));
        }), ctx);
        assertThat(equalRange(ctx, root, "alice")).containsExactly("2:Alice");
        assertThat(store.index(root)).hasSize(4);
        VdbeRunner.run(program(b -> b.emit(new Insn.Destroy(root, 0, 0))), ctx);
        assertThat(store.hasTree(root)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4})
    void seekLtAndSeekLeLandOnTheRightSideOfEqualKeys(double pending) {
        MemoryBTreeStore store = new MemoryBTreeStore(11, pending);
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createIndexNow();
        fill(ctx, root);
        List<Object[]> rows = VdbeRunner.run(program(b -> {
            b.emit(new Insn.OpenRead(0, root, 0, 2, KEY));
            b.emit(new Insn.String8(1, "bob"));
            int[] out = {10};
            for (Insn seek : List.<Insn>of(new Insn.SeekLT(0, 0, 1, 1), new Insn.SeekLE(0, 0, 1, 1),
                    new Insn.SeekGT(0, 0, 1, 1), new Insn.SeekGE(0, 0, 1, 1))) {
                int miss = b.newLabel();
                int next = b.newLabel();
                b.emit(switch (seek) {
                    case Insn.SeekLT s -> new Insn.SeekLT(0, miss, 1, 1);
                    case Insn.SeekLE s -> new Insn.SeekLE(0, miss, 1, 1);
                    case Insn.SeekGT s -> new Insn.SeekGT(0, miss, 1, 1);
                    default -> new Insn.SeekGE(0, miss, 1, 1);
                });
                b.emit(new Insn.IdxRowid(0, out[0]));
                b.emit(new Insn.Goto(next));
                b.resolve(miss);
                b.emit(new Insn.Null(out[0]));
                b.resolve(next);
                out[0]++;
            }
            b.emit(new Insn.ResultRow(10, 4));
        }), ctx);
        // order: NULL/5, Alice/2, ALICE/4, bob/1, carol/3
        assertThat(rows.get(0)).containsExactly(4L, 1L, 3L, 1L);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.4})
    void aFailingStatementLeavesTheIndexAsItWas(double pending) {
        MemoryBTreeStore store = new MemoryBTreeStore(5, pending);
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        int root = store.createIndexNow();
        fill(ctx, root);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VdbeRunner.run(program(b -> {
            b.emit(new Insn.OpenWrite(0, root, 0, 2, KEY));
            b.emit(new Insn.String8(1, "dave"));
            b.emit(new Insn.Int64(2, 6));
            b.emit(new Insn.MakeRecord(1, 2, 3, null));
            b.emit(new Insn.IdxInsert(0, 3, 1, 2, 0));
            b.emit(new Insn.Halt(io.ringlite.storage.error.ResultCode.CONSTRAINT_UNIQUE, 2, "UNIQUE constraint failed: t.name"));
        }), ctx)).hasMessage("UNIQUE constraint failed: t.name");
        assertThat(store.index(root)).hasSize(5);
        assertThat(equalRange(ctx, root, "dave")).isEmpty();
    }
}
