package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VM's life cycle: IO yields, interrupts, errors and statement rollback, bindings, reset. */
class VdbeBehaviourTest {
    private final MemoryBTreeStore store = new MemoryBTreeStore();
    private final SimpleVdbeContext ctx = new SimpleVdbeContext(store);

    private static DatabaseException dbError(Runnable r) {
        try {
            r.run();
        } catch (DatabaseException e) {
            return e;
        }
        throw new AssertionError("no DatabaseException");
    }

    @Test
    void stepReturnsIoUntilTheCompletionIsDoneThenReRunsTheInstruction() {
        int root = store.createTableNow();
        VdbeRunner.run(TablePrograms.insert(root), ctx, 10L, "x");
        try (Vdbe vm = new Vdbe(TablePrograms.scan(root), ctx)) {
            store.pendNext(2); // Transaction, then Rewind
            assertThat(vm.step()).isEqualTo(StepResult.IO);
            Completion first = vm.pendingIo();
            assertThat(vm.step()).as("still waiting").isEqualTo(StepResult.IO);
            assertThat(vm.pendingIo()).isSameAs(first);
            first.complete(0);
            assertThat(vm.step()).isEqualTo(StepResult.IO);
            assertThat(vm.pendingIo()).isNotSameAs(first);
            vm.pendingIo().complete(0);
            assertThat(vm.step()).isEqualTo(StepResult.ROW);
            assertThat(vm.row()).containsExactly(1L, 10L, "x");
            assertThat(vm.step()).isEqualTo(StepResult.DONE);
            assertThat(vm.step()).as("stays done").isEqualTo(StepResult.DONE);
        }
    }

    @Test
    void aFailedIoCompletionFailsTheStatementWithAnIoError() {
        int root = store.createTableNow();
        try (Vdbe vm = new Vdbe(TablePrograms.scan(root), ctx)) {
            store.pendNext(1);
            assertThat(vm.step()).isEqualTo(StepResult.IO);
            vm.pendingIo().fail(new java.io.IOException("EIO"));
            DatabaseException e = dbError(vm::step);
            assertThat(e.code()).isEqualTo(ResultCode.IOERR);
        }
    }

    @Test
    void interruptStopsAtTheNextInstructionAndRollsBackTheStatement() {
        int root = store.createTableNow();
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 1));
        b.emit(new Insn.Integer(5, 1));
        b.emit(new Insn.MakeRecord(1, 1, 2, null));
        b.emit(new Insn.Integer(1, 3));
        b.emit(new Insn.Insert(0, 2, 3, "t", Insn.OPFLAG_NCHANGE));
        b.emit(new Insn.ResultRow(1, 1));
        b.emit(new Insn.Integer(2, 3));
        b.emit(new Insn.Insert(0, 2, 3, "t", Insn.OPFLAG_NCHANGE));
        b.emit(Insn.Halt.OK);
        try (Vdbe vm = new Vdbe(b.build(), ctx)) {
            assertThat(vm.step()).isEqualTo(StepResult.ROW);
            assertThat(store.table(root)).hasSize(1);
            vm.interrupt();
            assertThat(vm.step()).isEqualTo(StepResult.INTERRUPTED);
            assertThat(store.table(root)).as("statement rolled back").isEmpty();
            assertThat(store.openCursors()).isZero();
            assertThat(ctx.statementsRolledBack()).isEqualTo(1);
        }
    }

    @Test
    void interruptWhileWaitingForIoEndsTheStatementWithoutWaiting() {
        int root = store.createTableNow();
        try (Vdbe vm = new Vdbe(TablePrograms.scan(root), ctx)) {
            store.pendNext(1);
            assertThat(vm.step()).isEqualTo(StepResult.IO);
            vm.interrupt();
            assertThat(vm.step()).isEqualTo(StepResult.INTERRUPTED);
            assertThat(store.openCursors()).isZero();
        }
    }

    @Test
    void interruptFromAnotherThreadEndsAnEndlessProgram() throws Exception {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Goto(0));
        Vdbe vm = new Vdbe(b.build(), ctx);
        Thread t = new Thread(vm::interrupt);
        t.start();
        t.join();
        assertThat(vm.step()).isEqualTo(StepResult.INTERRUPTED);
        vm.close();
    }

    @Test
    void aConstraintHaltFailsTheStatementAndUndoesItsEarlierChanges() {
        int root = store.createTableNow();
        VdbeRunner.run(TablePrograms.insert(root), ctx, 1L, "kept");
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 2));
        b.emit(new Insn.Integer(7, 1));
        b.emit(new Insn.MakeRecord(1, 1, 2, null));
        b.emit(new Insn.Integer(2, 3));
        b.emit(new Insn.Insert(0, 2, 3, "t", Insn.OPFLAG_NCHANGE));
        b.emit(new Insn.Halt(ResultCode.CONSTRAINT_PRIMARYKEY, 2, "UNIQUE constraint failed: t.id"));
        Vdbe vm = new Vdbe(b.build(), ctx);
        DatabaseException e = dbError(vm::step);
        assertThat(e.code()).isEqualTo(ResultCode.CONSTRAINT_PRIMARYKEY);
        assertThat(e.getMessage()).isEqualTo("UNIQUE constraint failed: t.id");
        assertThat(store.table(root)).containsOnlyKeys(1L);
        assertThat(store.openCursors()).isZero();
        assertThat(vm.step()).isEqualTo(StepResult.DONE);
        vm.close();
    }

    @Test
    void haltIfNullReportsTheNotNullConstraint() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Null(1));
        b.emit(new Insn.HaltIfNull(ResultCode.CONSTRAINT_NOTNULL, 2, 1, "NOT NULL constraint failed: t.c"));
        b.emit(Insn.Halt.OK);
        DatabaseException e = dbError(() -> VdbeRunner.run(b.build(), ctx));
        assertThat(e.code()).isEqualTo(ResultCode.CONSTRAINT_NOTNULL);
        assertThat(e.getMessage()).isEqualTo("NOT NULL constraint failed: t.c");
    }

    @Test
    void mustBeIntWithoutAJumpIsADatatypeMismatch() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Variable(1, 1));
        b.emit(new Insn.MustBeInt(1, 0));
        b.emit(new Insn.ResultRow(1, 1));
        b.emit(Insn.Halt.OK);
        Program p = b.build();
        assertThat(VdbeRunner.run(p, ctx, "12").get(0)).containsExactly(12L);
        assertThat(VdbeRunner.run(p, ctx, 3.0).get(0)).containsExactly(3L);
        DatabaseException e = dbError(() -> VdbeRunner.run(p, ctx, "abc"));
        assertThat(e.code()).isEqualTo(ResultCode.MISMATCH);
        assertThat(e.getMessage()).isEqualTo("datatype mismatch");
        assertThat(dbError(() -> VdbeRunner.run(p, ctx, 2.5)).code()).isEqualTo(ResultCode.MISMATCH);
    }

    @Test
    void bindingAnUnusedParameterIsARangeError() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Variable(2, 1));
        b.emit(Insn.Halt.OK);
        try (Vdbe vm = new Vdbe(b.build(), ctx)) {
            assertThat(vm.parameterCount()).isEqualTo(2);
            vm.bind(1, null);
            vm.bind(2, 5);
            assertThat(dbError(() -> vm.bind(3, 1L)).code()).isEqualTo(ResultCode.RANGE);
            assertThat(dbError(() -> vm.bind(0, 1L)).code()).isEqualTo(ResultCode.RANGE);
        }
    }

    @Test
    void resetRunsTheProgramAgainWithNewBindings() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Variable(1, 1));
        b.emit(new Insn.Integer(1, 2));
        b.emit(new Insn.Add(2, 1, 3));
        b.emit(new Insn.ResultRow(3, 1));
        b.emit(Insn.Halt.OK);
        try (Vdbe vm = new Vdbe(b.build(), ctx)) {
            vm.bind(1, 41L);
            assertThat(VdbeRunner.drain(vm, ctx).get(0)).containsExactly(42L);
            vm.reset();
            vm.bind(1, 1.5);
            assertThat(VdbeRunner.drain(vm, ctx).get(0)).containsExactly(2.5);
        }
    }

    @Test
    void onceFallsThroughOnlyTheFirstTime() {
        ProgramBuilder b = new ProgramBuilder();
        int skip = b.newLabel();
        b.emit(new Insn.Integer(3, 1)); // loop counter
        b.emit(new Insn.Integer(0, 2)); // body count
        b.emit(new Insn.Integer(1, 3));
        int loop = b.currentAddress();
        b.emit(new Insn.Once(skip));
        b.emit(new Insn.Add(3, 2, 2));
        b.resolve(skip);
        b.emit(new Insn.DecrJumpZero(1, b.currentAddress() + 2));
        b.emit(new Insn.Goto(loop));
        b.emit(new Insn.ResultRow(2, 1));
        b.emit(Insn.Halt.OK);
        assertThat(VdbeRunner.run(b.build(), ctx).get(0)).containsExactly(1L);
    }

    @Test
    void createTableProgramAllocatesARootWritesTheSchemaRowAndBumpsTheCookie() {
        // CREATE TABLE t(a) shaped like sqlite3's program
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.ReadCookie(0, 1, 1));
        b.emit(new Insn.CreateBtree(0, 2, 1));
        b.emit(new Insn.OpenWrite(0, 1, 0, 5));
        b.emit(new Insn.NewRowid(0, 3, 0));
        b.emit(new Insn.String8(4, "table"));
        b.emit(new Insn.String8(5, "t"));
        b.emit(new Insn.String8(6, "t"));
        b.emit(new Insn.Copy(2, 7));
        b.emit(new Insn.String8(8, "CREATE TABLE t(a)"));
        b.emit(new Insn.MakeRecord(4, 5, 9, "BBBDB"));
        b.emit(new Insn.Insert(0, 9, 3, null, 0));
        b.emit(new Insn.SetCookie(0, 1, 1));
        b.emit(new Insn.ParseSchema(0, "tbl_name='t' AND type!='trigger'"));
        b.emit(Insn.Halt.OK);
        VdbeRunner.run(b.build(), ctx);
        assertThat(ctx.readCookie(40)).isEqualTo(1);
        assertThat(ctx.schemaChanges()).isGreaterThanOrEqualTo(1);
        assertThat(store.table(1)).hasSize(1);
        Object[] schemaRow = io.ringlite.storage.record.RecordDecoder.of(store.table(1).get(1L)).columns();
        assertThat(schemaRow).containsExactly("table", "t", "t", 2L, "CREATE TABLE t(a)");
        assertThat(store.table(2)).isEmpty();
        assertThat(ctx.statementsCommitted()).isEqualTo(1);
    }

    @Test
    void transactionWithAStaleSchemaCookieFailsWithSchemaError() {
        ctx.setCookie(40, 5);
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, false, 4, true));
        b.emit(Insn.Halt.OK);
        DatabaseException e = dbError(() -> VdbeRunner.run(b.build(), ctx));
        assertThat(e.code()).isEqualTo(ResultCode.SCHEMA);
    }

    @Test
    void autoCommitOpcodeDrivesBeginCommitRollbackThroughTheContext() {
        ProgramBuilder begin = new ProgramBuilder();
        begin.emit(new Insn.AutoCommit(false, false));
        begin.emit(Insn.Halt.OK);
        ProgramBuilder commit = new ProgramBuilder();
        commit.emit(new Insn.AutoCommit(true, false));
        commit.emit(Insn.Halt.OK);
        VdbeRunner.run(begin.build(), ctx);
        assertThat(ctx.isAutoCommit()).isFalse();
        assertThat(dbError(() -> VdbeRunner.run(begin.build(), ctx)).getMessage())
                .isEqualTo("cannot start a transaction within a transaction");
        VdbeRunner.run(commit.build(), ctx);
        assertThat(ctx.isAutoCommit()).isTrue();
    }

    @Test
    void newRowidIsOneMoreThanTheLargestAndLastInsertRowidFollowsInserts() {
        int root = store.createTableNow();
        Program insert = TablePrograms.insert(root);
        VdbeRunner.run(insert, ctx, 1L, "a");
        store.table(root).put(41L, store.table(root).get(1L));
        VdbeRunner.run(insert, ctx, 2L, "b");
        assertThat(store.table(root)).containsOnlyKeys(1L, 41L, 42L);
        assertThat(ctx.lastInsertRowid()).isEqualTo(42L);
    }

    @Test
    void lastInsertRowidFunctionReadsTheConnection() {
        ctx.setLastInsertRowid(77);
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Function(1, 1, io.ringlite.vdbe.func.FunctionRegistry.lookup("last_insert_rowid", 0), 0));
        b.emit(new Insn.ResultRow(1, 1));
        b.emit(Insn.Halt.OK);
        assertThat(VdbeRunner.run(b.build(), ctx).get(0)).containsExactly(77L);
    }

    @Test
    void changesFunctionsReportNotSupportedUntilTheRuntimeProvidesThem() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Function(1, 1, io.ringlite.vdbe.func.FunctionRegistry.lookup("changes", 0), 0));
        b.emit(new Insn.ResultRow(1, 1));
        b.emit(Insn.Halt.OK);
        assertThat(dbError(() -> VdbeRunner.run(b.build(), ctx)).getMessage())
                .isEqualTo("not supported yet: changes()");
    }

    @Test
    void changesCountsRowsOfOneExecution() {
        int root = store.createTableNow();
        Program insert = TablePrograms.insert(root);
        for (long i = 0; i < 5; i++) {
            VdbeRunner.run(insert, ctx, i, "v");
        }
        try (Vdbe vm = new Vdbe(TablePrograms.deleteBelow(root), ctx)) {
            vm.bind(1, 3L);
            VdbeRunner.drain(vm, ctx);
            assertThat(vm.changes()).isEqualTo(3);
        }
        assertThat(store.table(root)).containsOnlyKeys(4L, 5L);
    }

    @Test
    void reverseScanWithLastAndPrevVisitsRowsBackwards() {
        int root = store.createTableNow();
        Program insert = TablePrograms.insert(root);
        for (long i = 1; i <= 4; i++) {
            VdbeRunner.run(insert, ctx, i * 10, "r" + i);
        }
        ProgramBuilder b = new ProgramBuilder();
        int end = b.newLabel();
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Last(0, end));
        int loop = b.currentAddress();
        b.emit(new Insn.Rowid(0, 1));
        b.emit(new Insn.Column(0, 1, 2));
        b.emit(new Insn.ResultRow(1, 2));
        b.emit(new Insn.Prev(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        store.pendNext(3);
        List<Object[]> rows = VdbeRunner.run(b.build(), ctx);
        assertThat(rows).extracting(r -> r[0]).containsExactly(4L, 3L, 2L, 1L);
        assertThat(rows.get(0)[1]).isEqualTo("r4");
    }

    @Test
    void nullRowMakesColumnAndRowidNullUntilTheCursorMoves() {
        int root = store.createTableNow();
        VdbeRunner.run(TablePrograms.insert(root), ctx, 5L, "x");
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.OpenRead(0, root, 0, 2));
        b.emit(new Insn.Rewind(0, 0));
        b.emit(new Insn.NullRow(0));
        b.emit(new Insn.Column(0, 0, 1));
        b.emit(new Insn.Rowid(0, 2));
        b.emit(new Insn.Rewind(0, 0));
        b.emit(new Insn.Column(0, 0, 3));
        b.emit(new Insn.Column(0, 5, 4, "dflt")); // beyond the record: the default
        b.emit(new Insn.ResultRow(1, 4));
        b.emit(Insn.Halt.OK);
        assertThat(VdbeRunner.run(b.build(), ctx).get(0)).containsExactly(null, null, 5L, "dflt");
    }

    @Test
    void moveCopyAndAffinityOpcodesWorkOnRegisterRanges() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.String8(1, "12"));
        b.emit(new Insn.String8(2, "x"));
        b.emit(new Insn.Real(3, 4.0));
        b.emit(new Insn.Affinity(1, 3, "DDB")); // '12' -> 12, 'x' stays, 4.0 -> '4.0'
        b.emit(new Insn.Copy(1, 4, 2));
        b.emit(new Insn.Move(4, 7, 3));
        b.emit(new Insn.SCopy(7, 10));
        b.emit(new Insn.ResultRow(4, 7));
        b.emit(Insn.Halt.OK);
        assertThat(VdbeRunner.run(b.build(), ctx).get(0))
                .containsExactly(null, null, null, 12L, "x", "4.0", 12L);
    }

    @Test
    void programsRecordTheirRegisterCursorAndParameterNeeds() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.OpenRead(3, 2, 0, 1));
        b.emit(new Insn.Variable(4, 9));
        b.emit(new Insn.ResultRow(10, 3));
        Program p = b.build();
        assertThat(p.cursors()).isEqualTo(4);
        assertThat(p.parameterCount()).isEqualTo(4);
        assertThat(p.registers()).isGreaterThanOrEqualTo(13);
    }

    @Test
    void unresolvedLabelsAreRejectedAtBuild() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Goto(b.newLabel()));
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("unresolved label");
    }

    @Test
    void explainOfAProgramListsEveryInstruction() {
        int root = store.createTableNow();
        Program p = TablePrograms.scan(root);
        List<Object[]> rows = p.explain();
        assertThat(rows).hasSize(p.size());
        assertThat(rows.get(0)[1]).isEqualTo("Init");
        assertThat(p.columnNames()).containsExactly("rowid", "a", "b");
    }
}
