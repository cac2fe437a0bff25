package io.ringlite.engine.exec;

import io.ringlite.engine.Outcome;
import io.ringlite.engine.compile.CompiledStatement;
import io.ringlite.engine.compile.PragmaCompiler;
import io.ringlite.engine.compile.PragmaPlan;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.Vdbe;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Runs one execution of a prepared statement inside its session: builds the VM with the bound
 * arguments, ends the auto-commit transaction after DONE, and rolls back per SQLite's rules when
 * the statement fails or is cancelled.
 *
 * <p>Rollback rules (SQLite, "Response To Errors Within A Transaction" and sqlite3_interrupt):
 * the VM itself always rolls back the failed statement's own changes. In auto-commit mode the
 * statement's transaction then ends (rolled back). Inside an explicit transaction, the whole
 * transaction is rolled back, and auto-commit restored, when an INSERT/UPDATE/DELETE was
 * interrupted, or on FULL, IOERR, NOMEM or CORRUPT; other errors (constraints, BUSY waiting for a
 * lock, ...) leave the transaction open.
 */
final class StatementHost implements ExecutionHost {
    private final EngineSession session;
    private final EnginePreparedStatement statement;
    private final List<Object> args;
    private StepSource source;
    private boolean readOnly = true;

    StatementHost(EngineSession session, EnginePreparedStatement statement, List<Object> args) {
        this.session = session;
        this.statement = statement;
        this.args = args;
    }

    @Override
    public StepSource open() {
        session.checkOpen();
        CompiledStatement c = statement.compiled();
        SchemaState schema = session.database().schema();
        if (statement.schemaGeneration() != schema.generation()) {
            c = CompilerBridge.compile(c.sql(), schema.schema());
            if (c == null) {
                throw new IllegalStateException("invariant: a statement recompiled to nothing");
            }
        }
        if (c.explain()) {
            source = new ExplainSource(c.program().explain());
            return source;
        }
        if (c.statement() instanceof Statement.Pragma pragma) {
            PragmaPlan plan = PragmaCompiler.plan(pragma, schema.schema());
            readOnly = !plan.writes();
            source = new PragmaSource(session, plan);
            return source;
        }
        readOnly = c.readOnly();
        Vdbe vm = new Vdbe(c.program(), session.context());
        try {
            if (args.size() > vm.parameterCount() && args.size() > c.parameterCount()) {
                throw new DatabaseException(ResultCode.RANGE, "column index out of range");
            }
            for (int i = 0; i < args.size(); i++) {
                if (i < vm.parameterCount()) {
                    vm.bind(i + 1, bindable(args.get(i)));
                }
            }
        } catch (RuntimeException e) {
            vm.close();
            throw e;
        }
        source = new VdbeStepSource(vm);
        return source;
    }

    /**
     * Ends the auto-commit transaction. The returned completion (null: nothing to wait for) is
     * done after the commit's fsync and, when that commit filled the WAL past
     * {@code wal_autocheckpoint}, after the automatic checkpoint too: as in SQLite, whose
     * sqlite3_step returns only after the checkpoint the committing statement ran. So the Done
     * (and the next statement of a sequential caller) never overlaps the checkpoint's I/O, which
     * keeps a simulation seed replayable. It fails only if the commit failed; a checkpoint
     * failure does not fail the committed statement (see {@link EngineDatabase#maybeAutoCheckpoint()}).
     */
    @Override
    public Completion finish(StepSource s) {
        SessionContext ctx = session.context();
        if (!ctx.isAutoCommit() || !ctx.inTransaction()) {
            return null;
        }
        Completion committed = ctx.commit();
        if (committed == null) {
            return null;
        }
        Completion finished = new Completion();
        committed.whenDone(() -> {
            if (committed.isFailed()) {
                finished.fail(committed.failure());
                return;
            }
            Completion checkpointed = session.database().maybeAutoCheckpoint();
            if (checkpointed == null) {
                finished.complete(committed.result());
            } else {
                checkpointed.whenDone(() -> finished.complete(committed.result()));
            }
        });
        return finished;
    }

    @Override
    public Outcome.Done done(StepSource s) {
        return new Outcome.Done(s.changes(), session.context().lastInsertRowid());
    }

    @Override
    public void abort(StepSource s, Throwable cause) {
        SessionContext ctx = session.context();
        if (s != null) {
            s.close();
        }
        ctx.abandonWaits();
        if (ctx.isAutoCommit()) {
            ctx.rollback();
        } else if (rollsBackTransaction(cause)) {
            ctx.rollback();
            ctx.resetAutoCommit();
        }
    }

    private boolean rollsBackTransaction(Throwable cause) {
        if (cause == null) {
            return !readOnly;
        }
        if (cause instanceof DatabaseException e) {
            return switch (e.code().primary()) {
                case FULL, IOERR, NOMEM, CORRUPT -> true;
                default -> false;
            };
        }
        return true; // an internal failure: nothing it touched can be trusted
    }

    @Override
    public void released() {
        if (source != null) {
            source.close();
        }
        session.statementReleased();
    }

    /** Values the VM binds directly, plus a few common Java types converted as SQLite would store them. */
    static Object bindable(Object v) {
        return switch (v) {
            case null -> null;
            case BigInteger b when b.bitLength() < 64 -> b.longValue();
            case BigInteger b -> b.doubleValue();
            case BigDecimal d -> d.scale() <= 0 && d.precision() - d.scale() < 19
                    ? (Object) d.longValueExact() : (Object) d.doubleValue();
            case Character ch -> ch.toString();
            case ByteBuffer bb -> {
                byte[] out = new byte[bb.remaining()];
                bb.duplicate().get(out);
                yield out;
            }
            default -> v;
        };
    }
}
