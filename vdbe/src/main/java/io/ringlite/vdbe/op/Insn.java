package io.ringlite.vdbe.op;

import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.func.FuncDef;
import io.ringlite.vdbe.value.Collation;
import java.util.function.IntUnaryOperator;

/**
 * The instruction set: one record per opcode, named and laid out like SQLite's where the meaning
 * is the same (SQLite "The SQLite Bytecode Engine", opcode list). This file is the catalogue;
 * the VM executes them in {@link io.ringlite.vdbe.Vdbe}.
 *
 * <p>Every record documents how its named operands map onto SQLite's p1..p5 slots
 * ({@link #slots()}), which is exactly what EXPLAIN prints. Conventions shared with SQLite:
 * <ul>
 *   <li>registers are numbered from 1 (register 0 exists but is unused by convention);</li>
 *   <li>jump targets are instruction addresses; while building they may be labels (negative
 *       numbers from {@link io.ringlite.vdbe.ProgramBuilder#newLabel()}), which
 *       {@link #relocate(IntUnaryOperator)} replaces with addresses;</li>
 *   <li>binary arithmetic is {@code r[p3] = r[p2] OP r[p1]}: the record fields are named
 *       {@code right} (p1), {@code left} (p2), {@code dest} (p3);</li>
 *   <li>comparisons jump to p2 if {@code r[p3] OP r[p1]}: fields {@code right} (p1),
 *       {@code target} (p2), {@code left} (p3).</li>
 * </ul>
 *
 * <p>Because several names collide with {@code java.lang} (Integer, ...), refer to opcodes
 * qualified: {@code new Insn.Integer(5, 1)}.
 */
public sealed interface Insn {

    /** p5 flag of comparisons: jump (instead of fall through) when either operand is NULL. */
    int JUMPIFNULL = 0x10;
    /** p5 flag of Eq/Ne: NULL compares equal to NULL and unequal to anything else (IS / IS NOT). */
    int NULLEQ = 0x80;

    /** p5 flag of Insert/Delete: count the row in {@code changes()}. */
    int OPFLAG_NCHANGE = 0x01;
    /** p5 flag of Insert: set the connection's last insert rowid. */
    int OPFLAG_LASTROWID = 0x20;
    /** p5 hint of Insert: the row is likely appended at the end (SQLite's; no effect here). */
    int OPFLAG_APPEND = 0x08;
    /** p5 hint of Insert: reuse the cursor's last seek (SQLite's; no effect here). */
    int OPFLAG_USESEEKRESULT = 0x10;

    /** p5 flag of OpenWrite: p2 is the register holding the root page. */
    int OPFLAG_P2ISREG = 0x10;

    /** p3 of CreateBtree: a table B-tree (64-bit integer keys). */
    int BTREE_INTKEY = 1;
    /** p3 of CreateBtree: an index B-tree (record keys). */
    int BTREE_BLOBKEY = 2;

    /** The opcode name as SQLite prints it. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** The operands in SQLite's slots, for EXPLAIN. */
    Slots slots();

    /** The same instruction with every jump target mapped through {@code at}. */
    default Insn relocate(IntUnaryOperator at) {
        return this;
    }

    /**
     * The cursor number this instruction opens or uses, or -1. (Records with a {@code cursor}
     * component answer through their accessor.)
     */
    default int cursor() {
        return -1;
    }

    /** Comment column of EXPLAIN (null when there is nothing useful to say). */
    default String comment() {
        return null;
    }

    // ------------------------------------------------------------------ control flow

    /** Program entry: jump to p2 (the transaction/constant prologue at the end). */
    record Init(int target) implements Insn {
        public Slots slots() { return Slots.of(0, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new Init(at.applyAsInt(target)); }
    }

    record Goto(int target) implements Insn {
        public Slots slots() { return Slots.of(0, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new Goto(at.applyAsInt(target)); }
    }

    /** Halt p2: roll back the whole transaction too (INSERT OR ROLLBACK). */
    int OE_ROLLBACK = 1;
    /** Halt p2: roll back the statement's changes (the default). */
    int OE_ABORT = 2;
    /** Halt p2: keep the statement's changes made before the failure (INSERT OR FAIL). */
    int OE_FAIL = 3;

    /**
     * Ends the program. With {@code code} OK: success. Otherwise the statement fails with
     * {@code code} and {@code message} (p4) after SQLite's conflict resolution onError (p2):
     * {@link #OE_ROLLBACK}, {@link #OE_ABORT} or {@link #OE_FAIL}. p1 = code.
     */
    record Halt(ResultCode code, int onError, String message) implements Insn {
        public static final Halt OK = new Halt(ResultCode.OK, 0, null);
        public Slots slots() { return new Slots(code.code(), onError, 0, message, 0); }
    }

    /** Fails like {@link Halt} if r[p3] is NULL. p1 = code, p2 = onError, p3 = reg, p4 = message. */
    record HaltIfNull(ResultCode code, int onError, int reg, String message) implements Insn {
        public Slots slots() { return new Slots(code.code(), onError, reg, message, 0); }
    }

    record Noop() implements Insn {
        public Slots slots() { return Slots.of(0, 0, 0); }
    }

    /** Falls through the first time it runs in each execution, jumps to p2 afterwards. */
    record Once(int target) implements Insn {
        public Slots slots() { return Slots.of(0, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new Once(at.applyAsInt(target)); }
    }

    /** Jumps to p2 if r[p1] is true; a NULL jumps iff p3 ({@code jumpIfNull}) is 1. */
    record If(int reg, int target, boolean jumpIfNull) implements Insn {
        public Slots slots() { return Slots.of(reg, target, jumpIfNull ? 1 : 0); }
        public Insn relocate(IntUnaryOperator at) { return new If(reg, at.applyAsInt(target), jumpIfNull); }
    }

    /** Jumps to p2 if r[p1] is false; a NULL jumps iff p3 ({@code jumpIfNull}) is 1. */
    record IfNot(int reg, int target, boolean jumpIfNull) implements Insn {
        public Slots slots() { return Slots.of(reg, target, jumpIfNull ? 1 : 0); }
        public Insn relocate(IntUnaryOperator at) { return new IfNot(reg, at.applyAsInt(target), jumpIfNull); }
    }

    record IsNull(int reg, int target) implements Insn {
        public Slots slots() { return Slots.of(reg, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new IsNull(reg, at.applyAsInt(target)); }
    }

    record NotNull(int reg, int target) implements Insn {
        public Slots slots() { return Slots.of(reg, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new NotNull(reg, at.applyAsInt(target)); }
    }

    /** If r[p1] (an integer) is positive: r[p1] -= p3 and jump to p2 (OFFSET counting). */
    record IfPos(int reg, int target, int decrement) implements Insn {
        public Slots slots() { return Slots.of(reg, target, decrement); }
        public Insn relocate(IntUnaryOperator at) { return new IfPos(reg, at.applyAsInt(target), decrement); }
    }

    /** r[p1] -= 1; jump to p2 if it became zero (LIMIT counting). */
    record DecrJumpZero(int reg, int target) implements Insn {
        public Slots slots() { return Slots.of(reg, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new DecrJumpZero(reg, at.applyAsInt(target)); }
    }

    /**
     * Makes r[p1] an integer (numeric affinity; an integral REAL becomes INTEGER). If it cannot
     * be, jumps to p2, or with p2 == 0 fails with SQLITE_MISMATCH "datatype mismatch".
     */
    record MustBeInt(int reg, int target) implements Insn {
        public Slots slots() { return Slots.of(reg, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new MustBeInt(reg, target == 0 ? 0 : at.applyAsInt(target)); }
    }

    /**
     * LIMIT+OFFSET: r[p2] = r[p1] + max(r[p3], 0) when the limit r[p1] is positive, else -1
     * (no limit).
     */
    record OffsetLimit(int limitReg, int dest, int offsetReg) implements Insn {
        public Slots slots() { return Slots.of(limitReg, dest, offsetReg); }
    }

    // ------------------------------------------------------------------ transactions and schema

    /**
     * Begins a read (p2 = 0) or write (p2 = 1) transaction on database p1 through
     * {@link io.ringlite.vdbe.VdbeContext#beginTransaction(boolean)} (may yield IO). With
     * {@code checkCookie} (p5 = 1), fails with SQLITE_SCHEMA if the schema cookie is not p3.
     */
    record Transaction(int db, boolean write, int schemaCookie, boolean checkCookie) implements Insn {
        /** p4 is SQLite's schema generation counter, always 0 here. */
        public Slots slots() { return new Slots(db, write ? 1 : 0, schemaCookie, 0, checkCookie ? 1 : 0); }
    }

    /** BEGIN (p1 = 0), COMMIT (p1 = 1), ROLLBACK (p1 = 1, p2 = 1). */
    record AutoCommit(boolean autoCommit, boolean rollback) implements Insn {
        public Slots slots() { return Slots.of(autoCommit ? 1 : 0, rollback ? 1 : 0, 0); }
    }

    /** r[p2] = header cookie p3 of database p1 (cookie n is the 4-byte field at 36 + 4n; 1 = schema). */
    record ReadCookie(int db, int dest, int cookie) implements Insn {
        public Slots slots() { return Slots.of(db, dest, cookie); }
    }

    /** Header cookie p2 = the integer p3 (cookie 1, the schema cookie, also expires the schema). */
    record SetCookie(int db, int cookie, int value) implements Insn {
        public Slots slots() { return Slots.of(db, cookie, value); }
    }

    /**
     * Allocates a new B-tree and stores its root page in r[p2]: a table for p3 =
     * {@link #BTREE_INTKEY}, an index for p3 = {@link #BTREE_BLOBKEY}.
     */
    record CreateBtree(int db, int dest, int flags) implements Insn {
        public Slots slots() { return Slots.of(db, dest, flags); }
    }

    /**
     * Frees every page of the B-tree rooted at page p1 of database p3 (DROP TABLE / DROP INDEX).
     * r[p2] = 0 always. (In SQLite r[p2] is the root page that moved, in auto-vacuum files, for the
     * compiler to patch sqlite_schema; here the pager moves the root and patches the row itself.)
     */
    record Destroy(int rootPage, int dest, int db) implements Insn {
        public Slots slots() { return Slots.of(rootPage, dest, db); }
    }

    /**
     * Deletes every entry of the B-tree rooted at page p1 of database p2, keeping its root. With
     * p3 &gt; 0, r[p3] is incremented by the number of entries removed (table trees).
     */
    record Clear(int rootPage, int db, int countReg) implements Insn {
        public Slots slots() { return Slots.of(rootPage, db, countReg); }
    }

    /** The table p4 was dropped from database p1: the in-memory schema is stale. */
    record DropTable(int db, String name) implements Insn {
        public Slots slots() { return new Slots(db, 0, 0, name, 0); }
    }

    /** The index p4 was dropped from database p1: the in-memory schema is stale. */
    record DropIndex(int db, String name) implements Insn {
        public Slots slots() { return new Slots(db, 0, 0, name, 0); }
    }

    /** Tells the context the schema changed (re-read sqlite_schema). p4 = SQLite's WHERE text. */
    record ParseSchema(int db, String where) implements Insn {
        public Slots slots() { return new Slots(db, 0, 0, where, 0); }
    }

    // ------------------------------------------------------------------ cursors

    /**
     * Opens read cursor p1 on the B-tree rooted at page p2 of database p3. For a table p4 =
     * columns ({@code keyInfo} null); for an index p4 = its {@link KeyInfo} (the key columns
     * without the trailing rowid; {@code columns} is then the number of fields of an entry).
     */
    record OpenRead(int cursor, int rootPage, int db, int columns, KeyInfo keyInfo) implements Insn {
        public OpenRead(int cursor, int rootPage, int db, int columns) {
            this(cursor, rootPage, db, columns, null);
        }
        public Slots slots() { return new Slots(cursor, rootPage, db, keyInfo != null ? keyInfo : columns, 0); }
    }

    /**
     * Opens write cursor p1 on the B-tree rooted at page p2; p4 as for {@link OpenRead}. With
     * {@code rootInRegister} (p5 = {@link #OPFLAG_P2ISREG}) the root page is the integer in r[p2]
     * (CREATE INDEX fills the tree it has just created).
     */
    record OpenWrite(int cursor, int rootPage, int db, int columns, KeyInfo keyInfo, boolean rootInRegister)
            implements Insn {
        public OpenWrite(int cursor, int rootPage, int db, int columns) {
            this(cursor, rootPage, db, columns, null, false);
        }
        public OpenWrite(int cursor, int rootPage, int db, int columns, KeyInfo keyInfo) {
            this(cursor, rootPage, db, columns, keyInfo, false);
        }
        public Slots slots() {
            return new Slots(cursor, rootPage, db, keyInfo != null ? keyInfo : columns, rootInRegister ? OPFLAG_P2ISREG : 0);
        }
    }

    /** Cursor p1 reads its single row from the record in r[p2], which has p3 columns. */
    record OpenPseudo(int cursor, int contentReg, int columns) implements Insn {
        public Slots slots() { return Slots.of(cursor, contentReg, columns); }
    }

    record Close(int cursor) implements Insn {
        public Slots slots() { return Slots.of(cursor, 0, 0); }
    }

    /** Moves cursor p1 to its first row; jumps to p2 if the table is empty. */
    record Rewind(int cursor, int ifEmpty) implements Insn {
        public Slots slots() { return Slots.of(cursor, ifEmpty, 0); }
        public Insn relocate(IntUnaryOperator at) { return new Rewind(cursor, at.applyAsInt(ifEmpty)); }
    }

    /** Moves cursor p1 to its last row; jumps to p2 if the table is empty. */
    record Last(int cursor, int ifEmpty) implements Insn {
        public Slots slots() { return Slots.of(cursor, ifEmpty, 0); }
        public Insn relocate(IntUnaryOperator at) { return new Last(cursor, at.applyAsInt(ifEmpty)); }
    }

    /**
     * Advances cursor p1; jumps to p2 if there was a next row, falls through at the end. p5 is
     * 1 as in SQLite (its full-scan-step statistics counter).
     */
    record Next(int cursor, int target) implements Insn {
        public Slots slots() { return new Slots(cursor, target, 0, null, 1); }
        public Insn relocate(IntUnaryOperator at) { return new Next(cursor, at.applyAsInt(target)); }
    }

    record Prev(int cursor, int target) implements Insn {
        public Slots slots() { return new Slots(cursor, target, 0, null, 1); }
        public Insn relocate(IntUnaryOperator at) { return new Prev(cursor, at.applyAsInt(target)); }
    }

    /**
     * Positions cursor p1 on rowid r[p3]; jumps to p2 if there is no such row or r[p3] is not an
     * integer (after numeric affinity: '5' finds rowid 5, 'x' finds nothing).
     */
    record SeekRowid(int cursor, int ifNotFound, int keyReg) implements Insn {
        public Slots slots() { return Slots.of(cursor, ifNotFound, keyReg); }
        public Insn relocate(IntUnaryOperator at) { return new SeekRowid(cursor, at.applyAsInt(ifNotFound), keyReg); }
    }

    /** Like SeekRowid, but r[p3] must already be an integer (after MustBeInt). */
    record NotExists(int cursor, int ifNotFound, int keyReg) implements Insn {
        public Slots slots() { return Slots.of(cursor, ifNotFound, keyReg); }
        public Insn relocate(IntUnaryOperator at) { return new NotExists(cursor, at.applyAsInt(ifNotFound), keyReg); }
    }

    /** r[p2] = rowid of cursor p1's row (NULL on a null row). */
    record Rowid(int cursor, int dest) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, 0); }
    }

    /**
     * r[p3] = column p2 of cursor p1's row; a record with fewer columns gives the default p4
     * (a Java value, null for NULL).
     */
    record Column(int cursor, int column, int dest, Object defaultValue) implements Insn {
        public Column(int cursor, int column, int dest) {
            this(cursor, column, dest, null);
        }
        public Slots slots() { return new Slots(cursor, column, dest, defaultValue, 0); }
    }

    /** Cursor p1 points at a row of NULLs (Column and Rowid give NULL). */
    record NullRow(int cursor) implements Insn {
        public Slots slots() { return Slots.of(cursor, 0, 0); }
    }

    /** r[p2] = a rowid not used in cursor p1's table (max + 1, or a random unused one at 2^63-1). */
    record NewRowid(int cursor, int dest, int maxReg) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, maxReg); }
    }

    /**
     * Writes the record r[p2] with rowid r[p3] through cursor p1 (replacing a row with the same
     * rowid). p4 = table name, p5 = OPFLAG_* flags.
     */
    record Insert(int cursor, int record, int rowidReg, String table, int flags) implements Insn {
        public Slots slots() { return new Slots(cursor, record, rowidReg, table, flags); }
    }

    /** Deletes cursor p1's current row. p2 = OPFLAG_NCHANGE to count it, p4 = table name. */
    record Delete(int cursor, int flags, String table) implements Insn {
        public Slots slots() { return new Slots(cursor, flags, 0, table, 0); }
    }

    /** r[p2] = number of rows in cursor p1's table. */
    record Count(int cursor, int dest) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, 0); }
    }

    /** r[p2] = the next value of cursor p1's sequence counter (0, 1, 2, ...). */
    record Sequence(int cursor, int dest) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, 0); }
    }

    // ------------------------------------------------------------------ values and registers

    /** r[p2] = the 32-bit integer p1. */
    record Integer(int value, int dest) implements Insn {
        public Slots slots() { return Slots.of(value, dest, 0); }
    }

    /** r[p2] = the 64-bit integer p4. */
    record Int64(int dest, long value) implements Insn {
        public Slots slots() { return new Slots(0, dest, 0, value, 0); }
    }

    /** r[p2] = the REAL p4. */
    record Real(int dest, double value) implements Insn {
        public Slots slots() { return new Slots(0, dest, 0, value, 0); }
    }

    /** r[p2] = the TEXT p4. */
    record String8(int dest, String value) implements Insn {
        public Slots slots() { return new Slots(0, dest, 0, value, 0); }
    }

    /** r[p2] = the BLOB p4 (p1 = its length). */
    record Blob(int dest, byte[] value) implements Insn {
        public Slots slots() { return new Slots(value.length, dest, 0, value, 0); }
    }

    /** r[p2..p3] = NULL (just r[p2] when p3 <= p2). */
    record Null(int first, int last) implements Insn {
        public Null(int reg) {
            this(reg, 0);
        }
        public Slots slots() { return Slots.of(0, first, last); }
    }

    /** r[p2] = bound parameter p1 (1-based); p4 = its name (":x") or null. */
    record Variable(int index, int dest, String paramName) implements Insn {
        public Variable(int index, int dest) {
            this(index, dest, null);
        }
        public Slots slots() { return new Slots(index, dest, 0, paramName, 0); }
    }

    /** r[p2..p2+p3] = r[p1..p1+p3]. */
    record Copy(int src, int dest, int extra) implements Insn {
        public Copy(int src, int dest) {
            this(src, dest, 0);
        }
        public Slots slots() { return Slots.of(src, dest, extra); }
    }

    /** r[p2] = r[p1] (a shallow copy in SQLite; values are immutable here, so the same as Copy). */
    record SCopy(int src, int dest) implements Insn {
        public Slots slots() { return Slots.of(src, dest, 0); }
    }

    /** Moves p3 registers from p1.. to p2.. and leaves the sources NULL. */
    record Move(int src, int dest, int count) implements Insn {
        public Slots slots() { return Slots.of(src, dest, count); }
    }

    /** Emits r[p1..p1+p2-1] as a result row ({@code step()} returns ROW). */
    record ResultRow(int start, int count) implements Insn {
        public Slots slots() { return Slots.of(start, count, 0); }
    }

    /**
     * r[p3] = the record of r[p1..p1+p2-1], after applying the affinity string p4 (one
     * {@link Affinity#code()} letter per column, or null for none). A REAL with an integral value
     * in a REAL-affinity column is stored as an integer, as SQLite does.
     */
    record MakeRecord(int start, int count, int dest, String affinities) implements Insn {
        public Slots slots() { return new Slots(start, count, dest, affinities, 0); }
    }

    /** Applies the affinity string p4 to r[p1..p1+p2-1]. */
    record Affinity(int start, int count, String affinities) implements Insn {
        public Slots slots() { return new Slots(start, count, 0, affinities, 0); }
    }

    /** CAST(r[p1] AS type), p2 = the affinity letter of the type. */
    record Cast(int reg, io.ringlite.vdbe.value.Affinity to) implements Insn {
        public Slots slots() { return Slots.of(reg, to.code(), 0); }
    }

    /** An INTEGER in r[p1] becomes REAL (reading a REAL column that was stored as integer). */
    record RealAffinity(int reg) implements Insn {
        public Slots slots() { return Slots.of(reg, 0, 0); }
    }

    // ------------------------------------------------------------------ arithmetic and logic

    /** The binary operators: {@code r[dest] = r[left] OP r[right]}, NULL if either is NULL. */
    sealed interface Binary extends Insn {
        int right();
        int left();
        int dest();
        default Slots slots() { return Slots.of(right(), left(), dest()); }
    }

    record Add(int right, int left, int dest) implements Binary { }
    record Subtract(int right, int left, int dest) implements Binary { }
    record Multiply(int right, int left, int dest) implements Binary { }
    /** Division by zero gives NULL. */
    record Divide(int right, int left, int dest) implements Binary { }
    /** Remainder by zero gives NULL. */
    record Remainder(int right, int left, int dest) implements Binary { }
    record Concat(int right, int left, int dest) implements Binary { }
    record BitAnd(int right, int left, int dest) implements Binary { }
    record BitOr(int right, int left, int dest) implements Binary { }
    record ShiftLeft(int right, int left, int dest) implements Binary { }
    record ShiftRight(int right, int left, int dest) implements Binary { }
    /** Three-valued AND. */
    record And(int right, int left, int dest) implements Binary { }
    /** Three-valued OR. */
    record Or(int right, int left, int dest) implements Binary { }

    /** r[p2] = ~r[p1]. */
    record BitNot(int src, int dest) implements Insn {
        public Slots slots() { return Slots.of(src, dest, 0); }
    }

    /**
     * {@code x IS TRUE} and friends: r[p2] = truth of r[p1] as 1/0, {@code ifNull} (p3) when
     * r[p1] is NULL, inverted when {@code invert} (p4 = 1): as (p3, p4), IS TRUE is (0, false),
     * IS FALSE (0, true), IS NOT TRUE (1, true), IS NOT FALSE (1, false).
     */
    record IsTrue(int src, int dest, int ifNull, boolean invert) implements Insn {
        public Slots slots() { return new Slots(src, dest, ifNull, invert ? 1 : 0, 0); }
    }

    /** r[p2] = NOT r[p1] (NULL stays NULL). */
    record Not(int src, int dest) implements Insn {
        public Slots slots() { return Slots.of(src, dest, 0); }
    }

    /**
     * The comparison jumps: jump to p2 if {@code r[p3] OP r[p1]}. Before comparing, the
     * {@code affinity} (low bits of p5; null = none, 0x40) is applied to both operands as for a
     * comparison (datatype3 4.2) and text compares with the collation p4. If either operand is
     * NULL the result is NULL: jump iff {@link #JUMPIFNULL} is in {@code flags}; with
     * {@link #NULLEQ} (Eq/Ne only) NULL == NULL instead.
     */
    sealed interface Comparison extends Insn {
        int right();
        int target();
        int left();
        Collation collation();
        io.ringlite.vdbe.value.Affinity affinity();
        int flags();

        default Slots slots() {
            int aff = affinity() == null ? 0x40 : affinity().code();
            // SQLite prints the collation with its encoding, e.g. "BINARY-8" (null means BINARY)
            Collation coll = collation() == null ? Collation.BINARY : collation();
            return new Slots(right(), target(), left(), coll.name() + "-8", aff | flags());
        }

        /** Whether a comparison result {@code c} (negative, zero, positive) satisfies this opcode. */
        boolean test(int c);
    }

    record Eq(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c == 0; }
        public Insn relocate(IntUnaryOperator at) { return new Eq(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    record Ne(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c != 0; }
        public Insn relocate(IntUnaryOperator at) { return new Ne(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    record Lt(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c < 0; }
        public Insn relocate(IntUnaryOperator at) { return new Lt(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    record Le(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c <= 0; }
        public Insn relocate(IntUnaryOperator at) { return new Le(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    record Gt(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c > 0; }
        public Insn relocate(IntUnaryOperator at) { return new Gt(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    record Ge(int right, int target, int left, Collation collation,
              io.ringlite.vdbe.value.Affinity affinity, int flags) implements Comparison {
        public boolean test(int c) { return c >= 0; }
        public Insn relocate(IntUnaryOperator at) { return new Ge(right, at.applyAsInt(target), left, collation, affinity, flags); }
    }

    // ------------------------------------------------------------------ functions

    /** r[p3] = func(r[p2..p2+p5-1]); p4 = the function. */
    record Function(int firstArg, int dest, FuncDef func, int argc) implements Insn {
        public Slots slots() { return new Slots(0, firstArg, dest, func, argc); }
    }

    /** Steps the aggregate p4 whose accumulator is r[p3] with r[p2..p2+p5-1]. */
    record AggStep(int firstArg, int accumulator, FuncDef func, int argc) implements Insn {
        public Slots slots() { return new Slots(0, firstArg, accumulator, func, argc); }
    }

    /** r[p1] = the final value of the aggregate accumulated in r[p1]; p2 = argc, p4 = function. */
    record AggFinal(int accumulator, int argc, FuncDef func) implements Insn {
        public Slots slots() { return new Slots(accumulator, argc, 0, func, 0); }
    }

    // ------------------------------------------------------------------ sorter (ORDER BY)

    /** Opens sorter cursor p1 over records of p2 fields, ordered by KeyInfo p4. */
    record SorterOpen(int cursor, int fields, KeyInfo keyInfo) implements Insn {
        public Slots slots() { return new Slots(cursor, fields, 0, keyInfo, 0); }
    }

    /** Adds the record r[p2] to sorter p1. */
    record SorterInsert(int cursor, int record) implements Insn {
        public Slots slots() { return Slots.of(cursor, record, 0); }
    }

    /** Sorts sorter p1 and moves to its first record; jumps to p2 if it is empty. */
    record SorterSort(int cursor, int ifEmpty) implements Insn {
        public Slots slots() { return Slots.of(cursor, ifEmpty, 0); }
        public Insn relocate(IntUnaryOperator at) { return new SorterSort(cursor, at.applyAsInt(ifEmpty)); }
    }

    /** r[p2] = the current record of sorter p1 (for pseudo cursor p3). */
    record SorterData(int cursor, int dest, int pseudoCursor) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, pseudoCursor); }
    }

    /** Advances sorter p1; jumps to p2 if there is another record. */
    record SorterNext(int cursor, int target) implements Insn {
        public Slots slots() { return Slots.of(cursor, target, 0); }
        public Insn relocate(IntUnaryOperator at) { return new SorterNext(cursor, at.applyAsInt(target)); }
    }

    // ------------------------------------------------------------------ indexes
    //
    // An index entry is a record: the key columns, then the rowid of the table row. "Key" below
    // means the unpacked registers r[p3..p3+p4-1], compared field by field with the cursor's
    // KeyInfo (collation, DESC; NULL first); an entry compares equal to a shorter key when its
    // first p4 fields are equal (a prefix match).

    /**
     * Writes the index entry r[p2] (a record, normally from MakeRecord of r[p3..p3+p4-1])
     * through index cursor p1. p5 = OPFLAG_* flags: OPFLAG_NCHANGE counts a change (the entry is
     * a row of a WITHOUT ROWID table); the others are hints with no effect here.
     */
    record IdxInsert(int cursor, int record, int start, int count, int flags) implements Insn {
        public Slots slots() { return new Slots(cursor, record, start, count, flags); }
    }

    /** Deletes the entry of index cursor p1 whose fields equal r[p2..p2+p3-1] (if there is one). */
    record IdxDelete(int cursor, int start, int count) implements Insn {
        public Slots slots() { return Slots.of(cursor, start, count); }
    }

    /** The four index seeks: position on the first/last entry GE/GT/LE/LT the key, else jump. */
    sealed interface IndexSeek extends Insn {
        int cursor();
        int ifNotFound();
        int start();
        int count();
        default Slots slots() { return new Slots(cursor(), ifNotFound(), start(), count(), 0); }
    }

    /** Moves index cursor p1 to the first entry &gt;= the key r[p3..p3+p4-1]; jumps to p2 if none. */
    record SeekGE(int cursor, int ifNotFound, int start, int count) implements IndexSeek {
        public Insn relocate(IntUnaryOperator at) { return new SeekGE(cursor, at.applyAsInt(ifNotFound), start, count); }
    }

    /** Moves to the first entry &gt; the key (all prefix-equal entries skipped); jumps to p2 if none. */
    record SeekGT(int cursor, int ifNotFound, int start, int count) implements IndexSeek {
        public Insn relocate(IntUnaryOperator at) { return new SeekGT(cursor, at.applyAsInt(ifNotFound), start, count); }
    }

    /** Moves to the last entry &lt;= the key (the last prefix-equal one); jumps to p2 if none. */
    record SeekLE(int cursor, int ifNotFound, int start, int count) implements IndexSeek {
        public Insn relocate(IntUnaryOperator at) { return new SeekLE(cursor, at.applyAsInt(ifNotFound), start, count); }
    }

    /** Moves to the last entry &lt; the key; jumps to p2 if none. */
    record SeekLT(int cursor, int ifNotFound, int start, int count) implements IndexSeek {
        public Insn relocate(IntUnaryOperator at) { return new SeekLT(cursor, at.applyAsInt(ifNotFound), start, count); }
    }

    /** The four range-end tests: jump to p2 if the current entry (rowid ignored) OP the key. */
    sealed interface IndexCompare extends Insn {
        int cursor();
        int target();
        int start();
        int count();
        /** Whether to jump for {@code c} = compare(entry prefix, key). */
        boolean test(int c);
        default Slots slots() { return new Slots(cursor(), target(), start(), count(), 0); }
    }

    record IdxGE(int cursor, int target, int start, int count) implements IndexCompare {
        public boolean test(int c) { return c >= 0; }
        public Insn relocate(IntUnaryOperator at) { return new IdxGE(cursor, at.applyAsInt(target), start, count); }
    }

    /** Note: a prefix-equal entry is not GT the key (SQLite's IdxGT after SeekGE stops after the equal run). */
    record IdxGT(int cursor, int target, int start, int count) implements IndexCompare {
        public boolean test(int c) { return c > 0; }
        public Insn relocate(IntUnaryOperator at) { return new IdxGT(cursor, at.applyAsInt(target), start, count); }
    }

    record IdxLE(int cursor, int target, int start, int count) implements IndexCompare {
        public boolean test(int c) { return c <= 0; }
        public Insn relocate(IntUnaryOperator at) { return new IdxLE(cursor, at.applyAsInt(target), start, count); }
    }

    record IdxLT(int cursor, int target, int start, int count) implements IndexCompare {
        public boolean test(int c) { return c < 0; }
        public Insn relocate(IntUnaryOperator at) { return new IdxLT(cursor, at.applyAsInt(target), start, count); }
    }

    /** The three existence probes on index cursor p1 with the key r[p3..p3+p4-1]. */
    sealed interface IndexProbe extends Insn {
        int cursor();
        int target();
        int start();
        int count();
        default Slots slots() { return new Slots(cursor(), target(), start(), count(), 0); }
    }

    /** Jumps to p2 if an entry has the key as prefix (the cursor is left on it). */
    record Found(int cursor, int target, int start, int count) implements IndexProbe {
        public Insn relocate(IntUnaryOperator at) { return new Found(cursor, at.applyAsInt(target), start, count); }
    }

    /** Jumps to p2 if no entry has the key as prefix; otherwise the cursor is on the first that does. */
    record NotFound(int cursor, int target, int start, int count) implements IndexProbe {
        public Insn relocate(IntUnaryOperator at) { return new NotFound(cursor, at.applyAsInt(target), start, count); }
    }

    /**
     * Like NotFound, but also jumps to p2 when any key field is NULL (NULLs never conflict in a
     * UNIQUE index). Falling through leaves the cursor on the conflicting entry (IdxRowid).
     */
    record NoConflict(int cursor, int target, int start, int count) implements IndexProbe {
        public Insn relocate(IntUnaryOperator at) { return new NoConflict(cursor, at.applyAsInt(target), start, count); }
    }

    /** r[p2] = the rowid (last field) of index cursor p1's entry; NULL on a null row. */
    record IdxRowid(int cursor, int dest) implements Insn {
        public Slots slots() { return Slots.of(cursor, dest, 0); }
    }

    /**
     * Positions table cursor p3 on the row that index cursor p1's entry points at (SQLite defers
     * this until a column is read; here it seeks at once). Falls through either way.
     */
    record DeferredSeek(int cursor, int target, int tableCursor) implements Insn {
        public Slots slots() { return Slots.of(cursor, target, tableCursor); }
        public Insn relocate(IntUnaryOperator at) { return new DeferredSeek(cursor, at.applyAsInt(target), tableCursor); }
    }
}
