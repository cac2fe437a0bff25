package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import org.junit.jupiter.api.Test;

/**
 * Halt's conflict resolution (p2) and the change counting of IdxInsert, which WITHOUT ROWID
 * tables rely on.
 */
class HaltConflictTest {
    private final MemoryBTreeStore store = new MemoryBTreeStore();
    private final SimpleVdbeContext ctx = new SimpleVdbeContext(store);

    /** Inserts rowid 2 into table {@code root}, then halts with {@code onError}. */
    private static Program insertThenFail(int root, int onError) {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 2));
        b.emit(new Insn.Integer(7, 1));
        b.emit(new Insn.MakeRecord(1, 1, 2, null));
        b.emit(new Insn.Integer(2, 3));
        b.emit(new Insn.Insert(0, 2, 3, "t", Insn.OPFLAG_NCHANGE));
        b.emit(new Insn.Halt(ResultCode.CONSTRAINT_UNIQUE, onError, "UNIQUE constraint failed: t.b"));
        return b.build();
    }

    private static DatabaseException failure(Vdbe vm) {
        try {
            vm.step();
        } catch (DatabaseException e) {
            return e;
        }
        throw new AssertionError("no DatabaseException");
    }

    @Test
    void failKeepsTheChangesMadeBeforeTheFailure() {
        int root = store.createTableNow();
        VdbeRunner.run(TablePrograms.insert(root), ctx, 1L, "kept");
        try (Vdbe vm = new Vdbe(insertThenFail(root, Insn.OE_FAIL), ctx)) {
            assertThat(failure(vm).getMessage()).isEqualTo("UNIQUE constraint failed: t.b");
        }
        assertThat(store.table(root)).containsOnlyKeys(1L, 2L);
        assertThat(store.openCursors()).isZero();
    }

    @Test
    void abortUndoesTheStatementAndRollbackAlsoEndsTheTransaction() {
        int root = store.createTableNow();
        VdbeRunner.run(TablePrograms.insert(root), ctx, 1L, "kept");
        try (Vdbe vm = new Vdbe(insertThenFail(root, Insn.OE_ABORT), ctx)) {
            assertThat(failure(vm).code()).isEqualTo(ResultCode.CONSTRAINT_UNIQUE);
        }
        assertThat(store.table(root)).containsOnlyKeys(1L);
        ctx.autoCommit(false, false);
        try (Vdbe vm = new Vdbe(insertThenFail(root, Insn.OE_ABORT), ctx)) {
            failure(vm);
        }
        assertThat(ctx.isAutoCommit()).isFalse();
        try (Vdbe vm = new Vdbe(insertThenFail(root, Insn.OE_ROLLBACK), ctx)) {
            assertThat(failure(vm).code()).isEqualTo(ResultCode.CONSTRAINT_UNIQUE);
        }
        assertThat(ctx.isAutoCommit()).isTrue();
        assertThat(store.table(root)).containsOnlyKeys(1L);
    }

    @Test
    void idxInsertCountsAChangeOnlyWhenAskedTo() {
        int root = store.createIndexNow();
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 1, KeyInfo.ascending(1)));
        b.emit(new Insn.Integer(1, 1));
        b.emit(new Insn.MakeRecord(1, 1, 2, null));
        b.emit(new Insn.IdxInsert(0, 2, 1, 1, Insn.OPFLAG_NCHANGE));
        b.emit(new Insn.Integer(2, 1));
        b.emit(new Insn.MakeRecord(1, 1, 2, null));
        b.emit(new Insn.IdxInsert(0, 2, 1, 1, 0));
        b.emit(Insn.Halt.OK);
        try (Vdbe vm = new Vdbe(b.build(), ctx)) {
            assertThat(vm.step()).isEqualTo(StepResult.DONE);
            assertThat(vm.changes()).isEqualTo(1);
        }
        assertThat(store.index(root)).hasSize(2);
    }
}
