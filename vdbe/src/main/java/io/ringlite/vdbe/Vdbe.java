package io.ringlite.vdbe;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.RecordDecoder;
import io.ringlite.storage.record.RecordEncoder;
import io.ringlite.storage.record.SerialType;
import io.ringlite.vdbe.func.Accumulator;
import io.ringlite.vdbe.func.FunctionContext;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Arith;
import io.ringlite.vdbe.value.Mem;
import io.ringlite.vdbe.value.SqlCompare;
import io.ringlite.vdbe.value.SqlNumbers;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Executes one {@link Program} against a {@link VdbeContext}.
 *
 * <h2>Design</h2>
 * States: {@code READY --step()--> RUNNING --ResultRow--> (ROW) --step()--> RUNNING ...
 * --Halt--> DONE}; from RUNNING, an instruction that gets {@link IoStatus.Pending} makes
 * {@code step()} return IO with {@link #pendingIo()}; the next {@code step()} returns IO again
 * until that completion is done, then re-runs the same instruction. An error or
 * {@link #interrupt()} moves to HALTED. {@link #reset()} returns to READY; {@link #close()} is
 * final.
 *
 * <p>Invariants:
 * <ol>
 *   <li>An instruction that yields has changed nothing observable: every cursor/transaction call
 *       that can return Pending is made before the instruction writes any register, counter or
 *       VM state (the storage contract guarantees a Pending call itself changed nothing). So
 *       re-running it is exactly running it once. The one multi-call instruction, Count, keeps
 *       its partial count in the cursor and resumes (a state machine, not a re-run).</li>
 *   <li>{@code interrupt()} is observed at instruction boundaries (including while an
 *       instruction waits for I/O, which then never re-runs), never inside one.</li>
 *   <li>Statement atomicity: {@link VdbeContext#beginStatement()} is called when the first write
 *       Transaction succeeds; on Halt OK the statement is committed; on any error, interrupt,
 *       reset or close before Halt it is rolled back. A failing statement therefore changes
 *       nothing (SQLite's ABORT).</li>
 *   <li>Only the thread that owns the database (the event loop) calls anything but
 *       {@link #interrupt()}.</li>
 * </ol>
 */
public final class Vdbe implements AutoCloseable {
    private enum State { READY, RUNNING, DONE, HALTED, CLOSED }

    private final Program program;
    private final Insn[] code;
    private final VdbeContext ctx;
    private final Mem[] regs;
    private final VdbeCursor[] cursors;
    private final Mem[] bindings;
    private final boolean[] onceDone;
    private final Mem[][] argScratch;
    private final Mem tmp = new Mem();
    /** Scratch cells (single-threaded VM): comparison operands after affinity, function output. */
    private final Mem cmpLeft = new Mem();
    private final Mem cmpRight = new Mem();
    private final Mem funcOut = new Mem();
    private final RecordEncoder encoder = new RecordEncoder();
    private final FunctionContext functionContext;

    private State state = State.READY;
    private int pc;
    private Completion pending;
    private Object[] row;
    private long changes;
    private boolean statementOpen;
    /** Bumped by every tree mutation: cursors' cached decoded rows from before are stale. */
    private long treeGeneration;
    private volatile boolean interrupted;

    public Vdbe(Program program, VdbeContext ctx) {
        this.program = program;
        this.code = program.code();
        this.ctx = ctx;
        this.regs = new Mem[Math.max(program.registers(), 1)];
        for (int i = 0; i < regs.length; i++) {
            regs[i] = new Mem();
        }
        this.cursors = new VdbeCursor[program.cursors()];
        this.bindings = new Mem[program.parameterCount() + 1];
        for (int i = 0; i < bindings.length; i++) {
            bindings[i] = new Mem();
        }
        this.onceDone = new boolean[code.length];
        this.argScratch = new Mem[code.length][];
        this.functionContext = new FunctionContext() {
            @Override
            public long lastInsertRowid() {
                return ctx.lastInsertRowid();
            }

            @Override
            public long lastChanges() {
                return ctx.lastChanges();
            }

            @Override
            public long totalChanges() {
                return ctx.totalChanges();
            }
        };
    }

    public Program program() {
        return program;
    }

    /**
     * Binds parameter {@code index1} (1-based) to a Java value: null, Long/Integer/Short/Byte,
     * Double/Float, String, byte[] or Boolean (as 1/0).
     *
     * @throws DatabaseException RANGE "column index out of range" for an index the program does not use
     */
    public void bind(int index1, Object value) {
        if (index1 < 1 || index1 >= bindings.length) {
            throw new DatabaseException(ResultCode.RANGE, "column index out of range");
        }
        try {
            bindings[index1].set(value);
        } catch (IllegalArgumentException e) {
            throw new DatabaseException(ResultCode.MISMATCH, "cannot bind a " + value.getClass().getName(), e);
        }
    }

    /** Number of parameters the program reads. */
    public int parameterCount() {
        return bindings.length - 1;
    }

    public void clearBindings() {
        for (Mem m : bindings) {
            m.setNull();
        }
    }

    /** The completion the last IO result waits for. */
    public Completion pendingIo() {
        return pending;
    }

    /** The current result row after {@link StepResult#ROW} (a fresh array per row). */
    public Object[] row() {
        return row;
    }

    /** Rows changed by this execution (Insert/Delete with OPFLAG_NCHANGE). */
    public long changes() {
        return changes;
    }

    /** Asks the program to stop at its next instruction boundary; safe from any thread. */
    public void interrupt() {
        interrupted = true;
    }

    /** Back to the start, keeping bindings; an unfinished statement is rolled back first. */
    public void reset() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("invariant: reset of a closed VM");
        }
        abandon();
        state = State.READY;
        pc = 0;
        pending = null;
        row = null;
        changes = 0;
        interrupted = false;
        Arrays.fill(onceDone, false);
        for (Mem m : regs) {
            m.setNull();
        }
    }

    /** Releases cursors; an unfinished statement is rolled back. Idempotent. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        abandon();
        state = State.CLOSED;
    }

    private void abandon() {
        closeCursors();
        if (statementOpen) {
            statementOpen = false;
            ctx.rollbackStatement();
        }
    }

    private void closeCursors() {
        for (int i = 0; i < cursors.length; i++) {
            if (cursors[i] != null) {
                cursors[i].close();
                cursors[i] = null;
            }
        }
    }

    /**
     * Runs until a row, the end, pending I/O, or an interrupt.
     *
     * @throws DatabaseException when the statement fails; it has been rolled back already
     */
    public StepResult step() {
        switch (state) {
            case DONE, HALTED:
                return StepResult.DONE;
            case CLOSED:
                throw new DatabaseException(ResultCode.MISUSE, "statement is closed");
            default:
                break;
        }
        if (interrupted) {
            // also while waiting for I/O: the read finishes into the pager's cache, unobserved
            fail();
            return StepResult.INTERRUPTED;
        }
        if (pending != null) {
            if (!pending.isDone()) {
                return StepResult.IO;
            }
            Completion c = pending;
            pending = null;
            if (c.isFailed()) {
                DatabaseException e = c.failure() instanceof DatabaseException de ? de
                        : new DatabaseException(ResultCode.IOERR, "disk I/O error", c.failure());
                fail();
                throw e;
            }
        }
        state = State.RUNNING;
        // Another statement may have changed a tree while this one was suspended: decoded rows
        // cached by cursors point into payloads that are no longer valid.
        treeGeneration++;
        try {
            return run();
        } catch (RuntimeException | Error e) {
            fail(); // DatabaseException or an invariant violation: either way the statement is over
            throw e;
        }
    }

    private void fail() {
        abandon();
        state = State.HALTED;
    }

    /**
     * The error of a failing Halt / HaltIfNull, after SQLite's conflict resolution p2
     * ({@link Insn.Halt}): FAIL (3) keeps what the statement changed before (the statement is
     * committed here, so the rollback that follows every error has nothing to undo); ROLLBACK
     * (1) also rolls back the whole transaction of an explicit BEGIN; ABORT (2) leaves the
     * statement's rollback to the caller of {@link #run()}.
     */
    private DatabaseException haltError(int onError, ResultCode code, String message) {
        if (onError == Insn.OE_FAIL && statementOpen) {
            statementOpen = false;
            ctx.commitStatement();
        } else if (onError == Insn.OE_ROLLBACK) {
            abandon();
            if (!ctx.isAutoCommit()) {
                ctx.autoCommit(true, true);
            }
        }
        return new DatabaseException(code, message);
    }

    private StepResult waitFor(IoStatus status) {
        pending = ((IoStatus.Pending) status).completion();
        return StepResult.IO;
    }

    private StepResult run() {
        final Insn[] code = this.code;
        final Mem[] r = this.regs;
        for (;;) {
            if (interrupted) {
                fail();
                return StepResult.INTERRUPTED;
            }
            if (pc >= code.length) {
                return halt();
            }
            Insn insn = code[pc];
            switch (insn) {
                // ---------------------------------------------------------- control
                case Insn.Init i -> pc = i.target();
                case Insn.Goto g -> pc = g.target();
                case Insn.Noop n -> pc++;
                case Insn.Halt h -> {
                    if (h.code() == ResultCode.OK) {
                        return halt();
                    }
                    throw haltError(h.onError(), h.code(), h.message() == null ? "constraint failed" : h.message());
                }
                case Insn.HaltIfNull h -> {
                    if (r[h.reg()].isNull()) {
                        throw haltError(h.onError(), h.code(),
                                h.message() == null ? "NOT NULL constraint failed" : h.message());
                    }
                    pc++;
                }
                case Insn.Once o -> {
                    if (onceDone[pc]) {
                        pc = o.target();
                    } else {
                        onceDone[pc] = true;
                        pc++;
                    }
                }
                case Insn.If i -> {
                    Boolean t = Arith.truth(r[i.reg()]);
                    pc = (t == null ? i.jumpIfNull() : t) ? i.target() : pc + 1;
                }
                case Insn.IfNot i -> {
                    Boolean t = Arith.truth(r[i.reg()]);
                    pc = (t == null ? i.jumpIfNull() : !t) ? i.target() : pc + 1;
                }
                case Insn.IsNull i -> pc = r[i.reg()].isNull() ? i.target() : pc + 1;
                case Insn.NotNull i -> pc = r[i.reg()].isNull() ? pc + 1 : i.target();
                case Insn.IfPos i -> {
                    Mem m = r[i.reg()];
                    long v = m.isInt() ? m.intValue() : m.asLong();
                    if (v > 0) {
                        m.setInt(v - i.decrement());
                        pc = i.target();
                    } else {
                        pc++;
                    }
                }
                case Insn.DecrJumpZero d -> {
                    Mem m = r[d.reg()];
                    long v = m.isInt() ? m.intValue() : m.asLong();
                    if (v > Long.MIN_VALUE) {
                        v--;
                    }
                    m.setInt(v);
                    pc = v == 0 ? d.target() : pc + 1;
                }
                case Insn.MustBeInt m -> {
                    Mem v = r[m.reg()];
                    if (!v.isInt()) {
                        Affinity.INTEGER.applyForComparison(v);
                        if (v.isReal() && SqlNumbers.isIntegral(v.realValue())) {
                            v.setInt((long) v.realValue());
                        }
                    }
                    if (v.isInt()) {
                        pc++;
                    } else if (m.target() == 0) {
                        throw new DatabaseException(ResultCode.MISMATCH, "datatype mismatch");
                    } else {
                        pc = m.target();
                    }
                }
                case Insn.OffsetLimit o -> {
                    long limit = r[o.limitReg()].asLong();
                    long offset = Math.max(0, r[o.offsetReg()].asLong());
                    r[o.dest()].setInt(limit > 0 ? limit + offset : -1);
                    pc++;
                }
                // ---------------------------------------------------------- transactions
                case Insn.Transaction t -> {
                    IoStatus s = ctx.beginTransaction(t.write());
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    if (t.checkCookie() && ctx.readCookie(40) != t.schemaCookie()) {
                        ctx.schemaChanged();
                        throw new DatabaseException(ResultCode.SCHEMA, "database schema has changed");
                    }
                    if (t.write() && !statementOpen) {
                        ctx.beginStatement();
                        statementOpen = true;
                    }
                    pc++;
                }
                case Insn.AutoCommit a -> {
                    ctx.autoCommit(a.autoCommit(), a.rollback());
                    pc++;
                }
                case Insn.ReadCookie c -> {
                    r[c.dest()].setInt(ctx.readCookie(36 + 4 * c.cookie()));
                    pc++;
                }
                case Insn.SetCookie c -> {
                    ctx.setCookie(36 + 4 * c.cookie(), c.value());
                    if (c.cookie() == 1) {
                        ctx.schemaChanged();
                    }
                    pc++;
                }
                case Insn.CreateBtree c -> {
                    int[] root = new int[1];
                    IoStatus s = c.flags() == Insn.BTREE_BLOBKEY ? ctx.btrees().createIndex(root)
                            : ctx.btrees().createTable(root);
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    r[c.dest()].setInt(root[0]);
                    pc++;
                }
                case Insn.Destroy d -> {
                    IoStatus s = ctx.btrees().dropTree(d.rootPage());
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    if (d.dest() > 0) {
                        r[d.dest()].setInt(0);
                    }
                    pc++;
                }
                case Insn.Clear c -> {
                    if (c.countReg() > 0) {
                        throw new IllegalStateException("invariant: Clear with a change counter is not compiled");
                    }
                    IoStatus s = ctx.btrees().clearTree(c.rootPage());
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    pc++;
                }
                case Insn.DropTable d -> {
                    ctx.schemaChanged();
                    pc++;
                }
                case Insn.DropIndex d -> {
                    ctx.schemaChanged();
                    pc++;
                }
                case Insn.ParseSchema p -> {
                    ctx.schemaChanged();
                    pc++;
                }
                // ---------------------------------------------------------- cursors
                case Insn.OpenRead o -> {
                    if (o.keyInfo() != null) {
                        openIndex(o.cursor(), o.rootPage(), o.keyInfo(), false);
                        pc++;
                        break;
                    }
                    openTable(o.cursor(), o.rootPage(), false);
                    pc++;
                }
                case Insn.OpenWrite o -> {
                    if (o.keyInfo() != null) {
                        int root = o.rootInRegister() ? (int) r[o.rootPage()].asLong() : o.rootPage();
                        openIndex(o.cursor(), root, o.keyInfo(), true);
                        pc++;
                        break;
                    }
                    openTable(o.cursor(), o.rootInRegister() ? (int) r[o.rootPage()].asLong() : o.rootPage(), true);
                    pc++;
                }
                case Insn.OpenPseudo o -> {
                    replaceCursor(o.cursor(), new VdbeCursor.Pseudo(o.contentReg()));
                    pc++;
                }
                case Insn.Close c -> {
                    if (cursors[c.cursor()] != null) {
                        cursors[c.cursor()].close();
                        cursors[c.cursor()] = null;
                    }
                    pc++;
                }
                case Insn.Rewind w -> {
                    VdbeCursor.Table t = table(w.cursor());
                    IoStatus s = t.btree.first();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.moved();
                    pc = t.btree.eof() ? w.ifEmpty() : pc + 1;
                }
                case Insn.Last l -> {
                    VdbeCursor.Table t = table(l.cursor());
                    IoStatus s = t.btree.last();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.moved();
                    pc = t.btree.eof() ? l.ifEmpty() : pc + 1;
                }
                case Insn.Next n -> {
                    VdbeCursor.Table t = table(n.cursor());
                    IoStatus s = t.btree.next();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.moved();
                    pc = t.btree.eof() ? pc + 1 : n.target();
                }
                case Insn.Prev p -> {
                    VdbeCursor.Table t = table(p.cursor());
                    IoStatus s = t.btree.previous();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.moved();
                    pc = t.btree.eof() ? pc + 1 : p.target();
                }
                case Insn.SeekRowid s -> {
                    VdbeCursor.Table t = table(s.cursor());
                    tmp.copyFrom(r[s.keyReg()]);
                    if (!tmp.isInt()) {
                        Affinity.NUMERIC.applyForComparison(tmp);
                        if (tmp.isReal() && SqlNumbers.isIntegral(tmp.realValue())) {
                            tmp.setInt((long) tmp.realValue());
                        }
                    }
                    if (!tmp.isInt()) {
                        t.moved();
                        t.nullRow = true;
                        pc = s.ifNotFound();
                        break;
                    }
                    IoStatus st = t.btree.seekRowid(tmp.intValue());
                    if (!st.isReady()) {
                        return waitFor(st);
                    }
                    t.moved();
                    pc = t.btree.found() ? pc + 1 : s.ifNotFound();
                }
                case Insn.NotExists s -> {
                    VdbeCursor.Table t = table(s.cursor());
                    Mem key = r[s.keyReg()];
                    if (!key.isInt()) {
                        throw new IllegalStateException("invariant: NotExists key is " + key.type());
                    }
                    IoStatus st = t.btree.seekRowid(key.intValue());
                    if (!st.isReady()) {
                        return waitFor(st);
                    }
                    t.moved();
                    pc = t.btree.found() ? pc + 1 : s.ifNotFound();
                }
                case Insn.Rowid w -> {
                    VdbeCursor c = cursor(w.cursor());
                    if (c instanceof VdbeCursor.Index) {
                        StepResult io = idxRowid(w.cursor(), w.dest());
                        if (io != null) {
                            return io;
                        }
                    } else if (c instanceof VdbeCursor.Table t && !t.nullRow && !t.btree.eof()) {
                        r[w.dest()].setInt(t.btree.rowid());
                    } else {
                        r[w.dest()].setNull();
                    }
                    pc++;
                }
                case Insn.Column c -> {
                    StepResult io = column(c);
                    if (io != null) {
                        return io;
                    }
                    pc++;
                }
                case Insn.NullRow n -> {
                    VdbeCursor c = cursor(n.cursor());
                    c.nullRow = true;
                    pc++;
                }
                case Insn.NewRowid n -> {
                    StepResult io = newRowid(n);
                    if (io != null) {
                        return io;
                    }
                    pc++;
                }
                case Insn.Insert ins -> {
                    VdbeCursor.Table t = table(ins.cursor());
                    Mem rec = r[ins.record()];
                    Mem key = r[ins.rowidReg()];
                    if (!key.isInt()) {
                        throw new IllegalStateException("invariant: Insert rowid is " + key.type());
                    }
                    if (!rec.isBlob()) {
                        throw new IllegalStateException("invariant: Insert record is " + rec.type());
                    }
                    IoStatus s = t.btree.insert(key.intValue(), MemorySegment.ofArray(rec.blobValue()));
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    t.moved();
                    if ((ins.flags() & Insn.OPFLAG_NCHANGE) != 0) {
                        changes++;
                    }
                    if ((ins.flags() & Insn.OPFLAG_LASTROWID) != 0) {
                        ctx.setLastInsertRowid(key.intValue());
                    }
                    pc++;
                }
                case Insn.Delete d -> {
                    VdbeCursor.Table t = table(d.cursor());
                    IoStatus s = t.btree.delete();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    t.moved();
                    if ((d.flags() & Insn.OPFLAG_NCHANGE) != 0) {
                        changes++;
                    }
                    pc++;
                }
                case Insn.Count c -> {
                    StepResult io = count(c);
                    if (io != null) {
                        return io;
                    }
                    pc++;
                }
                case Insn.Sequence s -> {
                    VdbeCursor c = cursor(s.cursor());
                    r[s.dest()].setInt(c.sequence++);
                    pc++;
                }
                // ---------------------------------------------------------- indexes
                case Insn.IdxInsert ins -> {
                    VdbeCursor.Index x = index(ins.cursor());
                    Mem rec = r[ins.record()];
                    if (!rec.isBlob()) {
                        throw new IllegalStateException("invariant: IdxInsert record is " + rec.type());
                    }
                    IoStatus s = x.index.insert(MemorySegment.ofArray(rec.blobValue()));
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    treeGeneration++;
                    x.moved();
                    if ((ins.flags() & Insn.OPFLAG_NCHANGE) != 0) {
                        changes++; // a row of a WITHOUT ROWID table
                    }
                    pc++;
                }
                case Insn.IdxDelete d -> {
                    VdbeCursor.Index x = index(d.cursor());
                    Object[] key = key(d.start(), d.count());
                    IoStatus s = x.index.seek(key, io.ringlite.storage.btree.SeekOp.EQ);
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    x.moved();
                    if (x.index.found() && !x.index.eof()) {
                        s = x.index.delete();
                        if (!s.isReady()) {
                            return waitFor(s); // the re-run seeks again: nothing was deleted yet
                        }
                        treeGeneration++;
                    }
                    pc++;
                }
                case Insn.IndexSeek k -> {
                    VdbeCursor.Index x = index(k.cursor());
                    io.ringlite.storage.btree.SeekOp op = switch (k) {
                        case Insn.SeekGE g -> io.ringlite.storage.btree.SeekOp.GE;
                        case Insn.SeekGT g -> io.ringlite.storage.btree.SeekOp.GT;
                        case Insn.SeekLE g -> io.ringlite.storage.btree.SeekOp.LE;
                        case Insn.SeekLT g -> io.ringlite.storage.btree.SeekOp.LT;
                    };
                    IoStatus s = x.index.seek(key(k.start(), k.count()), op);
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    x.moved();
                    pc = x.index.eof() ? k.ifNotFound() : pc + 1;
                }
                case Insn.IndexCompare k -> {
                    VdbeCursor.Index x = index(k.cursor());
                    if (x.index.eof()) {
                        throw new IllegalStateException("invariant: " + k.name() + " on a cursor at eof");
                    }
                    IoStatus s = x.index.loadPayload();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    pc = k.test(x.index.compareCurrent(key(k.start(), k.count()))) ? k.target() : pc + 1;
                }
                case Insn.IndexProbe k -> {
                    VdbeCursor.Index x = index(k.cursor());
                    Object[] key = key(k.start(), k.count());
                    if (k instanceof Insn.NoConflict && hasNull(key)) {
                        pc = k.target();
                        break;
                    }
                    IoStatus s = x.index.seek(key, io.ringlite.storage.btree.SeekOp.EQ);
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    x.moved();
                    boolean found = x.index.found() && !x.index.eof();
                    pc = (k instanceof Insn.Found) == found ? k.target() : pc + 1;
                }
                case Insn.IdxRowid w -> {
                    StepResult io = idxRowid(w.cursor(), w.dest());
                    if (io != null) {
                        return io;
                    }
                    pc++;
                }
                case Insn.DeferredSeek d -> {
                    VdbeCursor.Index x = index(d.cursor());
                    VdbeCursor.Table t = table(d.tableCursor());
                    if (x.nullRow || x.index.eof()) {
                        t.moved();
                        t.nullRow = true;
                        pc++;
                        break;
                    }
                    IoStatus s = x.index.loadPayload();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    long rowid = entryRowid(x);
                    s = t.btree.seekRowid(rowid);
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.moved();
                    if (!t.btree.found()) {
                        throw new DatabaseException(ResultCode.CORRUPT_INDEX, "database disk image is malformed");
                    }
                    pc++;
                }
                // ---------------------------------------------------------- values
                case Insn.Integer i -> {
                    r[i.dest()].setInt(i.value());
                    pc++;
                }
                case Insn.Int64 i -> {
                    r[i.dest()].setInt(i.value());
                    pc++;
                }
                case Insn.Real x -> {
                    r[x.dest()].setReal(x.value());
                    pc++;
                }
                case Insn.String8 s -> {
                    r[s.dest()].setText(s.value());
                    pc++;
                }
                case Insn.Blob b -> {
                    r[b.dest()].setBlob(b.value());
                    pc++;
                }
                case Insn.Null n -> {
                    int last = Math.max(n.first(), n.last());
                    for (int k = n.first(); k <= last; k++) {
                        r[k].setNull();
                    }
                    pc++;
                }
                case Insn.Variable v -> {
                    r[v.dest()].copyFrom(bindings[v.index()]);
                    pc++;
                }
                case Insn.Copy c -> {
                    for (int k = 0; k <= c.extra(); k++) {
                        r[c.dest() + k].copyFrom(r[c.src() + k]);
                    }
                    pc++;
                }
                case Insn.SCopy c -> {
                    r[c.dest()].copyFrom(r[c.src()]);
                    pc++;
                }
                case Insn.Move m -> {
                    for (int k = 0; k < m.count(); k++) {
                        r[m.dest() + k].copyFrom(r[m.src() + k]);
                        if (m.src() + k != m.dest() + k) {
                            r[m.src() + k].setNull();
                        }
                    }
                    pc++;
                }
                case Insn.ResultRow rr -> {
                    Object[] out = new Object[rr.count()];
                    for (int k = 0; k < out.length; k++) {
                        out[k] = r[rr.start() + k].toObject();
                    }
                    row = out;
                    pc++;
                    return StepResult.ROW;
                }
                case Insn.MakeRecord m -> {
                    r[m.dest()].setBlob(makeRecord(m));
                    pc++;
                }
                case Insn.Affinity a -> {
                    String aff = a.affinities();
                    for (int k = 0; k < a.count() && aff != null && k < aff.length(); k++) {
                        Affinity.ofCode(aff.charAt(k)).apply(r[a.start() + k]);
                    }
                    pc++;
                }
                case Insn.Cast c -> {
                    Arith.cast(r[c.reg()], c.to());
                    pc++;
                }
                case Insn.RealAffinity ra -> {
                    Mem m = r[ra.reg()];
                    if (m.isInt()) {
                        m.setReal(m.intValue());
                    }
                    pc++;
                }
                // ---------------------------------------------------------- arithmetic and logic
                case Insn.Binary b -> {
                    binary(b, r[b.left()], r[b.right()], r[b.dest()]);
                    pc++;
                }
                case Insn.BitNot b -> {
                    Arith.bitNot(r[b.src()], r[b.dest()]);
                    pc++;
                }
                case Insn.IsTrue t -> {
                    Boolean truth = Arith.truth(r[t.src()]);
                    r[t.dest()].setInt(truth == null ? t.ifNull() : (truth ^ t.invert()) ? 1 : 0);
                    pc++;
                }
                case Insn.Not n -> {
                    Arith.not(r[n.src()], r[n.dest()]);
                    pc++;
                }
                case Insn.Comparison c -> pc = compare(c) ? c.target() : pc + 1;
                // ---------------------------------------------------------- functions
                case Insn.Function f -> {
                    Mem[] args = args(f.firstArg(), f.argc());
                    // into a scratch cell first: the destination may also be an argument
                    Mem out = funcOut.setNull();
                    f.func().scalar().call(args, out, functionContext);
                    r[f.dest()].copyFrom(out);
                    out.setNull();
                    pc++;
                }
                case Insn.AggStep a -> {
                    Mem acc = r[a.accumulator()];
                    if (acc.type() != Mem.Type.OBJECT) {
                        acc.setObject(a.func().aggregate().get());
                    }
                    ((Accumulator) acc.objectValue()).step(args(a.firstArg(), a.argc()));
                    pc++;
                }
                case Insn.AggFinal a -> {
                    Mem acc = r[a.accumulator()];
                    Accumulator state = acc.type() == Mem.Type.OBJECT ? (Accumulator) acc.objectValue()
                            : a.func().aggregate().get();
                    state.finish(acc);
                    pc++;
                }
                // ---------------------------------------------------------- sorter
                case Insn.SorterOpen s -> {
                    replaceCursor(s.cursor(), new VdbeCursor.Sorter(s.keyInfo()));
                    pc++;
                }
                case Insn.SorterInsert s -> {
                    Mem rec = r[s.record()];
                    if (!rec.isBlob()) {
                        throw new IllegalStateException("invariant: SorterInsert record is " + rec.type());
                    }
                    sorter(s.cursor()).insert(rec.blobValue());
                    pc++;
                }
                case Insn.SorterSort s -> {
                    VdbeCursor.Sorter so = sorter(s.cursor());
                    so.sort();
                    pc = so.eof() ? s.ifEmpty() : pc + 1;
                }
                case Insn.SorterData s -> {
                    r[s.dest()].setBlob(sorter(s.cursor()).current());
                    pc++;
                }
                case Insn.SorterNext s -> {
                    VdbeCursor.Sorter so = sorter(s.cursor());
                    so.position++;
                    pc = so.eof() ? pc + 1 : s.target();
                }
            }
        }
    }

    private StepResult halt() {
        closeCursors();
        if (statementOpen) {
            statementOpen = false;
            ctx.commitStatement();
        }
        state = State.DONE;
        row = null;
        return StepResult.DONE;
    }

    private Mem[] args(int first, int argc) {
        Mem[] a = argScratch[pc];
        if (a == null) {
            a = new Mem[argc];
            argScratch[pc] = a;
        }
        for (int k = 0; k < argc; k++) {
            a[k] = regs[first + k];
        }
        return a;
    }

    private void binary(Insn.Binary b, Mem left, Mem right, Mem out) {
        switch (b) {
            case Insn.Add x -> Arith.arithmetic(Arith.Op.ADD, left, right, out);
            case Insn.Subtract x -> Arith.arithmetic(Arith.Op.SUBTRACT, left, right, out);
            case Insn.Multiply x -> Arith.arithmetic(Arith.Op.MULTIPLY, left, right, out);
            case Insn.Divide x -> Arith.arithmetic(Arith.Op.DIVIDE, left, right, out);
            case Insn.Remainder x -> Arith.arithmetic(Arith.Op.REMAINDER, left, right, out);
            case Insn.Concat x -> Arith.concat(left, right, out);
            case Insn.BitAnd x -> Arith.bitAnd(left, right, out);
            case Insn.BitOr x -> Arith.bitOr(left, right, out);
            case Insn.ShiftLeft x -> Arith.shift(left, right, true, out);
            case Insn.ShiftRight x -> Arith.shift(left, right, false, out);
            case Insn.And x -> Arith.andOr(left, right, false, out);
            case Insn.Or x -> Arith.andOr(left, right, true, out);
        }
    }

    /** Whether the comparison jumps. Affinity is applied to copies: registers stay unchanged. */
    private boolean compare(Insn.Comparison c) {
        Mem left = regs[c.left()];
        Mem right = regs[c.right()];
        if (left.isNull() || right.isNull()) {
            if ((c.flags() & Insn.NULLEQ) != 0) {
                boolean bothNull = left.isNull() && right.isNull();
                return c instanceof Insn.Eq ? bothNull : !bothNull;
            }
            return (c.flags() & Insn.JUMPIFNULL) != 0;
        }
        Mem a = left;
        Mem b = right;
        if (c.affinity() != null && c.affinity() != Affinity.BLOB) {
            a = cmpLeft.copyFrom(left);
            b = cmpRight.copyFrom(right);
            c.affinity().applyForComparison(a);
            c.affinity().applyForComparison(b);
        }
        return c.test(SqlCompare.compare(a, b, c.collation()));
    }

    private void openIndex(int cursor, int rootPage, io.ringlite.vdbe.op.KeyInfo keyInfo, boolean writable) {
        io.ringlite.storage.btree.IndexCursor ic = ctx.btrees().openIndex(rootPage, storageKeyInfo(keyInfo), writable);
        replaceCursor(cursor, new VdbeCursor.Index(ic, writable));
    }

    /** The storage layer's description of the same ordering. */
    static io.ringlite.storage.record.KeyInfo storageKeyInfo(io.ringlite.vdbe.op.KeyInfo k) {
        int n = k.keyFields();
        io.ringlite.storage.record.Collation[] colls = new io.ringlite.storage.record.Collation[n];
        boolean[] desc = new boolean[n];
        for (int i = 0; i < n; i++) {
            colls[i] = io.ringlite.storage.record.Collation.named(k.collations().get(i).name());
            desc[i] = k.descending().get(i);
        }
        return new io.ringlite.storage.record.KeyInfo(colls, desc);
    }

    private Object[] key(int start, int count) {
        Object[] key = new Object[count];
        for (int k = 0; k < count; k++) {
            key[k] = regs[start + k].toObject();
        }
        return key;
    }

    private static boolean hasNull(Object[] key) {
        for (Object o : key) {
            if (o == null) {
                return true;
            }
        }
        return false;
    }

    private VdbeCursor.Index index(int n) {
        if (cursor(n) instanceof VdbeCursor.Index x) {
            return x;
        }
        throw new IllegalStateException("invariant: cursor " + n + " is not an index cursor at " + pc);
    }

    /** IdxRowid: may yield (entry payload not loaded); returns null when done. */
    private StepResult idxRowid(int cursor, int dest) {
        VdbeCursor.Index x = index(cursor);
        if (x.nullRow || x.index.eof()) {
            regs[dest].setNull();
            return null;
        }
        IoStatus s = x.index.loadPayload();
        if (!s.isReady()) {
            return waitFor(s);
        }
        regs[dest].setInt(entryRowid(x));
        return null;
    }

    /** The rowid an index entry points at: its last field (the payload must be loaded). */
    private static long entryRowid(VdbeCursor.Index x) {
        RecordDecoder d = RecordDecoder.of(x.index.payload());
        int last = d.columnCount() - 1;
        if (last < 0 || !SerialType.isInteger(d.serialType(last))) {
            throw new DatabaseException(ResultCode.CORRUPT_INDEX, "database disk image is malformed");
        }
        return d.intValue(last);
    }

    private void openTable(int cursor, int rootPage, boolean writable) {
        BTreeCursor bc = ctx.btrees().openTable(rootPage, writable);
        replaceCursor(cursor, new VdbeCursor.Table(bc, writable));
    }

    private void replaceCursor(int cursor, VdbeCursor c) {
        if (cursors[cursor] != null) {
            cursors[cursor].close();
        }
        cursors[cursor] = c;
    }

    private VdbeCursor cursor(int n) {
        VdbeCursor c = cursors[n];
        if (c == null) {
            throw new IllegalStateException("invariant: cursor " + n + " is not open at " + pc);
        }
        return c;
    }

    private VdbeCursor.Table table(int n) {
        if (cursor(n) instanceof VdbeCursor.Table t) {
            return t;
        }
        throw new IllegalStateException("invariant: cursor " + n + " is not a table cursor at " + pc);
    }

    private VdbeCursor.Sorter sorter(int n) {
        if (cursor(n) instanceof VdbeCursor.Sorter s) {
            return s;
        }
        throw new IllegalStateException("invariant: cursor " + n + " is not a sorter at " + pc);
    }

    /** Column: may yield (overflow payload not loaded); returns null when done. */
    private StepResult column(Insn.Column c) {
        Mem dest = regs[c.dest()];
        VdbeCursor cur = cursor(c.cursor());
        RecordDecoder d;
        switch (cur) {
            case VdbeCursor.Table t -> {
                if (t.nullRow || t.btree.eof()) {
                    dest.setNull();
                    return null;
                }
                if (t.row == null || t.rowGeneration != treeGeneration) {
                    IoStatus s = t.btree.loadPayload();
                    if (!s.isReady()) {
                        return waitFor(s);
                    }
                    t.row = RecordDecoder.of(t.btree.payload());
                    t.rowGeneration = treeGeneration;
                }
                d = t.row;
            }
            case VdbeCursor.Pseudo p -> {
                if (p.nullRow) {
                    dest.setNull();
                    return null;
                }
                Mem content = regs[p.contentReg];
                if (!content.isBlob()) {
                    dest.setNull();
                    return null;
                }
                if (p.decodedFrom != content.blobValue()) {
                    p.row = RecordDecoder.of(content.blobValue());
                    p.decodedFrom = content.blobValue();
                }
                d = p.row;
            }
            case VdbeCursor.Sorter s -> d = RecordDecoder.of(s.current());
        }
        int i = c.column();
        if (i >= d.columnCount()) {
            dest.set(c.defaultValue());
            return null;
        }
        long t = d.serialType(i);
        if (t == SerialType.NULL) {
            dest.setNull();
        } else if (t == SerialType.REAL) {
            dest.setReal(d.realValue(i));
        } else if (SerialType.isInteger(t)) {
            dest.setInt(d.intValue(i));
        } else if (SerialType.isText(t)) {
            dest.setText(d.text(i));
        } else {
            dest.setBlob(d.blob(i));
        }
        return null;
    }

    private byte[] makeRecord(Insn.MakeRecord m) {
        String aff = m.affinities();
        Object[] values = new Object[m.count()];
        for (int k = 0; k < values.length; k++) {
            Mem v = regs[m.start() + k];
            if (aff != null && k < aff.length()) {
                Affinity a = Affinity.ofCode(aff.charAt(k));
                a.apply(v);
                if (a == Affinity.REAL && v.isReal() && isSmallIntegral(v.realValue())) {
                    // SQLite stores an integral REAL of a REAL column as an integer when it fits
                    // in 6 bytes, and turns it back into a REAL when reading the column
                    // (RealAffinity after Column). Verified against files written by sqlite3.
                    values[k] = (long) v.realValue();
                    continue;
                }
            }
            values[k] = v.toObject();
        }
        return encoder.encode(values);
    }

    private static boolean isSmallIntegral(double r) {
        return r >= -140737488355328.0 && r <= 140737488355327.0 && r == Math.rint(r);
    }

    private StepResult newRowid(Insn.NewRowid n) {
        VdbeCursor.Table t = table(n.cursor());
        IoStatus s = t.btree.last();
        if (!s.isReady()) {
            return waitFor(s);
        }
        t.moved();
        long candidate;
        if (t.btree.eof()) {
            candidate = 1;
        } else if (t.btree.rowid() < Long.MAX_VALUE) {
            candidate = t.btree.rowid() + 1;
        } else {
            // The largest rowid is taken: SQLite tries random unused rowids.
            candidate = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 100 && candidate == 0; attempt++) {
                long k = rnd.nextLong(1, Long.MAX_VALUE);
                IoStatus st = t.btree.seekRowid(k);
                if (!st.isReady()) {
                    return waitFor(st);
                }
                if (!t.btree.found()) {
                    candidate = k;
                }
            }
            if (candidate == 0) {
                throw new DatabaseException(ResultCode.FULL, "database or disk is full");
            }
        }
        if (n.maxReg() > 0) {
            Mem max = regs[n.maxReg()];
            if (max.isInt() && max.intValue() >= candidate) {
                candidate = max.intValue() + 1;
            }
        }
        regs[n.dest()].setInt(candidate);
        return null;
    }

    private StepResult count(Insn.Count c) {
        VdbeCursor.Table t = table(c.cursor());
        if (t.countSoFar < 0) {
            IoStatus s = t.btree.first();
            if (!s.isReady()) {
                return waitFor(s);
            }
            t.moved();
            t.countSoFar = 0;
        }
        while (!t.btree.eof()) {
            IoStatus s = t.btree.next();
            if (!s.isReady()) {
                return waitFor(s); // resumes after the rows already counted
            }
            t.countSoFar++;
        }
        regs[c.dest()].setInt(t.countSoFar);
        t.countSoFar = -1;
        return null;
    }
}
