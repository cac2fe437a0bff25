package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Column;
import io.ringlite.engine.schema.Index;
import io.ringlite.engine.schema.PrimaryKey;
import io.ringlite.engine.schema.Table;
import io.ringlite.engine.schema.TableDefinition;
import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.ProgramBuilder;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.value.Affinity;
import io.ringlite.vdbe.value.Collation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every index of a table in step with its rows, as SQLite's generated code does.
 *
 * <p>An index entry is the record {@code (key columns..., rowid)}; a key column that is the
 * rowid alias takes the rowid (the table record holds NULL there). Writes happen in SQLite's
 * order: for a changed or deleted row first its old entries are removed (IdxDelete on the full
 * entry), then, for a new row version, every UNIQUE index is probed (NoConflict on the key
 * columns: a NULL never conflicts) and finally the new entries are written (MakeRecord +
 * IdxInsert) before the table row itself.
 *
 * <p>A key field may be an expression of the row (compiled to read the new row from its
 * registers, or the old row from the table cursor); a partial index's WHERE is evaluated the same
 * way before each of its probes, inserts and deletes, and a row for which it is not true has no
 * entry. A UNIQUE index with an expression reports {@code UNIQUE constraint failed: index 'i'}.
 *
 * <p>Indexes are visited in reverse sqlite_schema order, which is the order SQLite checks them
 * in, so the first violated constraint (and its message) is SQLite's.
 *
 * <p>WITHOUT ROWID tables (withoutrowid.html section 4; fileformat2 "Index B-Tree"): an index
 * entry ends with the table's key fields that its own key does not already hold (same column,
 * same collation) instead of a rowid; those fields sort in the key's direction for CREATE INDEX,
 * ascending for the automatic indexes of CREATE TABLE (SQLite keeps that quirk for
 * compatibility). The table itself takes part in the checks as the target {@link Target#table()}:
 * its PRIMARY KEY is probed in the place SQLite's index list puts it, and a conflict there is
 * {@code SQLITE_CONSTRAINT_PRIMARYKEY}.
 *
 * <p>Not yet: ON CONFLICT clauses on constraints (writes to such tables are refused), UPDATE OR
 * IGNORE/REPLACE.
 */
final class IndexMaintenance {
    /**
     * One index of the target table and the cursor it is open on.
     *
     * @param columns  table column of each key field, or {@link #EXPRESSION} ({@code exprs[i]} then)
     * @param where    the WHERE of a partial index, else null: rows for which it is not true have
     *                 no entry
     * @param suffix   null for a rowid table (an entry ends with the rowid); for a WITHOUT ROWID
     *                 table the table columns an entry holds after its key
     * @param keyField for a WITHOUT ROWID table: the entry field holding each of the table's key
     *                 fields; else null
     * @param table    this target is the WITHOUT ROWID table itself (probed, never written here)
     */
    record Target(Index index, int cursor, int[] columns, Expr[] exprs, Expr where, KeyInfo keyInfo,
                  String affinity, String label, ResultCode conflictCode, int[] suffix, int[] keyField,
                  boolean table) {
        int keyColumns() {
            return columns.length;
        }

        /** Fields of one entry: the key, then the rowid or the table key's other fields. */
        int entryFields() {
            return columns.length + (suffix == null ? 1 : suffix.length);
        }
    }

    /** {@link Target#columns()} entry of a key field that is an expression. */
    static final int EXPRESSION = -2;

    private IndexMaintenance() {
    }

    /** Refuses writes to a table whose indexes this compiler cannot maintain yet. */
    /**
     * Refuses INSERT/UPDATE on a table whose constraints carry an ON CONFLICT clause other than
     * ABORT: applying ABORT instead would silently differ from SQLite.
     */
    static void checkConflictClauses(Table t) {
        String clause = TableDefinition.conflictClause(t);
        if (clause != null) {
            throw Compiler.notSupported("writing to a table with " + clause);
        }
    }

    static void checkMaintainable(Table t) {
        for (Index x : t.indexes()) {
            if (x.columns().isEmpty()) {
                throw Compiler.notSupported("changing a table with index " + x.name() + " (its definition is unknown)");
            }
        }
    }

    /** Opens a write cursor on every index of {@code t}; returns them in checking order. */
    static List<Target> openAll(ProgramBuilder b, Table t) {
        return openAll(b, t, -1);
    }

    /**
     * As {@link #openAll(ProgramBuilder, Table)}; for a WITHOUT ROWID table the list also holds
     * the table itself (open on {@code tableCursor}) where SQLite checks its PRIMARY KEY.
     */
    static List<Target> openAll(ProgramBuilder b, Table t, int tableCursor) {
        checkMaintainable(t);
        List<Target> out = new ArrayList<>();
        List<Index> order = new ArrayList<>(t.indexes());
        Target key = null;
        int keyAt = -1;
        if (t.indexOrganized() && tableCursor >= 0) {
            key = tableTarget(t, tableCursor);
            keyAt = keyPosition(t, order);
        }
        Collections.reverse(order);
        if (keyAt >= 0) {
            keyAt = order.size() - keyAt;
        }
        for (int i = 0; i <= order.size(); i++) {
            if (i == keyAt) {
                out.add(key);
            }
            if (i == order.size()) {
                break;
            }
            Index x = order.get(i);
            Target target = describe(t, x, b.allocCursor());
            b.emit(new Insn.OpenWrite(target.cursor(), x.rootPage(), 0, target.entryFields(), target.keyInfo()));
            out.add(target);
        }
        return out;
    }

    /**
     * Where the PRIMARY KEY of a WITHOUT ROWID table stands among its indexes in creation order
     * (sqlite_schema order): after the automatic indexes numbered before it. SQLite checks
     * indexes newest first, so this decides which of two violated constraints is reported.
     */
    private static int keyPosition(Table t, List<Index> creationOrder) {
        List<Index> autos = TableDefinition.autoIndexes(t);
        int keyNumber = autos.size() + 1;
        for (int k = 0; k < autos.size(); k++) {
            if (autos.get(k).primaryKey()) {
                keyNumber = k + 1;
            }
        }
        String prefix = "sqlite_autoindex_" + t.name() + "_";
        int at = 0;
        for (Index x : creationOrder) {
            if (!x.automatic() || !x.name().regionMatches(true, 0, prefix, 0, prefix.length())) {
                break;
            }
            int n;
            try {
                n = Integer.parseInt(x.name().substring(prefix.length()));
            } catch (NumberFormatException e) {
                break;
            }
            if (n > keyNumber) {
                break;
            }
            at++;
        }
        return at;
    }

    /** The KeyInfo of a WITHOUT ROWID table's B-tree: its key fields, directions and collations. */
    static KeyInfo tableKeyInfo(Table t) {
        PrimaryKey pk = t.primaryKey();
        List<Boolean> desc = new ArrayList<>(pk.size());
        List<Collation> colls = new ArrayList<>(pk.size());
        for (int k = 0; k < pk.size(); k++) {
            desc.add(pk.descending()[k]);
            colls.add(collation(pk.collations()[k]));
        }
        return KeyInfo.ofIndex(desc, colls);
    }

    private static Collation collation(String name) {
        Collation coll = Collation.named(name);
        if (coll == null) {
            throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ, "no such collation sequence: " + name);
        }
        return coll;
    }

    /** The WITHOUT ROWID table {@code t} itself as a check target on {@code cursor}. */
    static Target tableTarget(Table t, int cursor) {
        PrimaryKey pk = t.primaryKey();
        int n = pk.size();
        List<String> names = new ArrayList<>(n);
        List<Boolean> desc = new ArrayList<>(n);
        StringBuilder label = new StringBuilder();
        StringBuilder aff = new StringBuilder();
        int[] keyField = new int[n];
        for (int k = 0; k < n; k++) {
            Column c = t.columns().get(pk.columns()[k]);
            names.add(c.name());
            desc.add(pk.descending()[k]);
            if (k > 0) {
                label.append(", ");
            }
            label.append(t.name()).append('.').append(c.name());
            aff.append(indexAffinity(c).code());
            keyField[k] = k;
        }
        Index self = new Index(t.name(), t.name(), t.rootPage(), names, true, null, desc,
                java.util.Arrays.asList(pk.collations()), true, false);
        return new Target(self, cursor, pk.columns().clone(), new Expr[n], null, tableKeyInfo(t), aff.toString(),
                label.toString(), ResultCode.CONSTRAINT_PRIMARYKEY, new int[0], keyField, true);
    }

    /** An index stores an integral REAL as an integer, as a NUMERIC column would. */
    private static Affinity indexAffinity(Column col) {
        return col.affinity() == Affinity.REAL ? Affinity.NUMERIC : col.affinity();
    }

    /** How index {@code x} of {@code t} is keyed, for a cursor number. */
    static Target describe(Table t, Index x, int cursor) {
        int n = x.columns().size();
        int[] cols = new int[n];
        Expr[] exprs = new Expr[n];
        Expr where = null;
        if (x.sql() != null && (!x.plainColumns() || x.partial())) {
            io.ringlite.engine.sql.ParsedStatement p = io.ringlite.engine.sql.Parser.parseFirst(x.sql());
            if (p == null || !(p.statement() instanceof Statement.CreateIndex ci) || ci.columns().size() != n) {
                throw new IllegalStateException("invariant: index " + x.name() + " has no CREATE INDEX text");
            }
            for (int i = 0; i < n; i++) {
                if (x.columns().get(i) == null) {
                    exprs[i] = ci.columns().get(i).expr();
                }
            }
            where = ci.where();
        }
        boolean anyExpression = false;
        List<Boolean> desc = new ArrayList<>(n + 1);
        List<Collation> colls = new ArrayList<>(n + 1);
        String[] collNames = new String[n];
        StringBuilder aff = new StringBuilder();
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (exprs[i] != null) {
                anyExpression = true;
                cols[i] = EXPRESSION;
                desc.add(x.descending().get(i));
                String collName = x.collations().get(i) == null ? "BINARY" : x.collations().get(i);
                Collation coll = Collation.named(collName);
                if (coll == null) {
                    throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ,
                            "no such collation sequence: " + collName);
                }
                colls.add(coll);
                aff.append(Affinity.BLOB.code());
                continue;
            }
            String name = x.columns().get(i);
            int c = t.columnIndex(name);
            if (c < 0) {
                throw new DatabaseException(ResultCode.ERROR, "no such column: " + name);
            }
            cols[i] = c;
            desc.add(x.descending().get(i));
            String collName = TableDefinition.effectiveCollation(t, name, x.collations().get(i));
            Collation coll = Collation.named(collName);
            if (coll == null) {
                throw new DatabaseException(ResultCode.ERROR_MISSING_COLLSEQ,
                        "no such collation sequence: " + collName);
            }
            colls.add(coll);
            collNames[i] = collName;
            Column col = t.columns().get(c);
            Affinity a = c == t.rowidAlias() ? Affinity.INTEGER : indexAffinity(col);
            aff.append(a.code());
            if (i > 0) {
                label.append(", ");
            }
            label.append(t.name()).append('.').append(col.name());
        }
        int[] suffix = null;
        int[] keyField = null;
        if (t.indexOrganized()) {
            PrimaryKey pk = t.primaryKey();
            keyField = new int[pk.size()];
            List<Integer> extra = new ArrayList<>();
            for (int k = 0; k < pk.size(); k++) {
                int dup = -1;
                for (int i = 0; i < n && dup < 0; i++) {
                    if (cols[i] != EXPRESSION && pk.sameField(k, cols[i], collNames[i])) {
                        dup = i;
                    }
                }
                if (dup >= 0) {
                    keyField[k] = dup;
                    continue;
                }
                keyField[k] = n + extra.size();
                extra.add(pk.columns()[k]);
                // SQLite's automatic indexes keep these fields ascending (ticket bba7b69f9849b5bf).
                desc.add(!x.automatic() && pk.descending()[k]);
                colls.add(collation(pk.collations()[k]));
                aff.append(indexAffinity(t.columns().get(pk.columns()[k])).code());
            }
            suffix = extra.stream().mapToInt(Integer::intValue).toArray();
        } else {
            desc.add(false);
            colls.add(Collation.BINARY);
        }
        ResultCode code = x.primaryKey() ? ResultCode.CONSTRAINT_PRIMARYKEY : ResultCode.CONSTRAINT_UNIQUE;
        String text = anyExpression ? "index '" + x.name() + "'" : label.toString();
        return new Target(x, cursor, cols, exprs, where, KeyInfo.ofIndex(desc, colls), aff.toString(), text, code,
                suffix, keyField, false);
    }

    /**
     * Copies the entry of the row in registers {@code first..} (rowid in {@code rRowid}) into new
     * registers: the key columns, then the rowid (or a WITHOUT ROWID table's other key fields).
     * Returns the first of them.
     */
    static int keyFromRegisters(ProgramBuilder b, Table t, Target x, int first, int rRowid) {
        int start = b.allocRegisters(x.entryFields());
        for (int i = 0; i < x.keyColumns(); i++) {
            int c = x.columns()[i];
            if (c == EXPRESSION) {
                rowExprs(b, t, first, rRowid).compile(x.exprs()[i], start + i);
            } else {
                b.emit(new Insn.SCopy(c == t.rowidAlias() ? rRowid : first + c, start + i));
            }
        }
        if (x.suffix() == null) {
            b.emit(new Insn.SCopy(rRowid, start + x.keyColumns()));
        } else {
            for (int j = 0; j < x.suffix().length; j++) {
                b.emit(new Insn.SCopy(first + x.suffix()[j], start + x.keyColumns() + j));
            }
        }
        return start;
    }

    /** As {@link #keyFromRegisters} for the row table cursor {@code tableCursor} is on. */
    static int keyFromCursor(ProgramBuilder b, Table t, Target x, int tableCursor) {
        int start = b.allocRegisters(x.entryFields());
        for (int i = 0; i < x.keyColumns(); i++) {
            int c = x.columns()[i];
            if (c == EXPRESSION) {
                cursorExprs(b, t, tableCursor).compile(x.exprs()[i], start + i);
            } else if (c == t.rowidAlias()) {
                b.emit(new Insn.Rowid(tableCursor, start + i));
            } else {
                b.emit(new Insn.Column(tableCursor, t.storageField(c), start + i));
            }
        }
        if (x.suffix() == null) {
            b.emit(new Insn.Rowid(tableCursor, start + x.keyColumns()));
        } else {
            for (int j = 0; j < x.suffix().length; j++) {
                b.emit(new Insn.Column(tableCursor, t.storageField(x.suffix()[j]), start + x.keyColumns() + j));
            }
        }
        return start;
    }

    private static ExprCompiler rowExprs(ProgramBuilder b, Table t, int first, int rRowid) {
        return new ExprCompiler(b, new Scope(t, t.name(), -1)).readingRegisters(first, rRowid);
    }

    private static ExprCompiler cursorExprs(ProgramBuilder b, Table t, int tableCursor) {
        return new ExprCompiler(b, new Scope(t, t.name(), tableCursor));
    }

    /**
     * For a partial index: jumps to a new label, returned for the caller to resolve after the
     * index's code, when the row in registers is not in the index. 0 for a full index.
     */
    static int skipUnlessInIndex(ProgramBuilder b, Table t, Target x, int first, int rRowid) {
        if (x.where() == null) {
            return 0;
        }
        int skip = b.newLabel();
        rowExprs(b, t, first, rRowid).jumpIfFalse(x.where(), skip);
        return skip;
    }

    /** As {@link #skipUnlessInIndex(ProgramBuilder, Table, Target, int, int)} for the cursor's row. */
    static int skipUnlessInIndex(ProgramBuilder b, Table t, Target x, int tableCursor) {
        if (x.where() == null) {
            return 0;
        }
        int skip = b.newLabel();
        cursorExprs(b, t, tableCursor).jumpIfFalse(x.where(), skip);
        return skip;
    }

    private static void resolve(ProgramBuilder b, int label) {
        if (label != 0) {
            b.resolve(label);
        }
    }

    /** Removes the entries of the row table cursor {@code tableCursor} is on from every index. */
    static void deleteEntries(ProgramBuilder b, Table t, List<Target> targets, int tableCursor) {
        for (Target x : targets) {
            if (x.table()) {
                continue;
            }
            int skip = skipUnlessInIndex(b, t, x, tableCursor);
            int start = keyFromCursor(b, t, x, tableCursor);
            b.emit(new Insn.IdxDelete(x.cursor(), start, x.entryFields()));
            resolve(b, skip);
        }
    }

    /**
     * The checks of a new row version (registers {@code first..}, rowid {@code rRowid}) against
     * every UNIQUE index; returns the registers holding each index's key, for {@link #insertAll}.
     */
    static int[] checkAll(ProgramBuilder b, Table t, List<Target> targets, int first, int rRowid,
                          OnConflict onConflict, int skipRow, int tableCursor) {
        int[] keys = new int[targets.size()];
        for (int k = 0; k < keys.length; k++) {
            Target x = targets.get(k);
            int skip = skipUnlessInIndex(b, t, x, first, rRowid);
            keys[k] = keyFromRegisters(b, t, x, first, rRowid);
            checkUnique(b, t, targets, x, keys[k], onConflict, skipRow, tableCursor);
            resolve(b, skip);
        }
        return keys;
    }

    /** Writes the entries whose keys {@link #checkAll} built (partial indexes: rows in them only). */
    static void insertAll(ProgramBuilder b, Table t, List<Target> targets, int[] keys, int first, int rRowid) {
        for (int k = 0; k < keys.length; k++) {
            Target x = targets.get(k);
            if (x.table()) {
                continue;
            }
            int skip = skipUnlessInIndex(b, t, x, first, rRowid);
            insertEntry(b, x, keys[k]);
            resolve(b, skip);
        }
    }

    /** What a UNIQUE conflict does (lang_conflict). */
    enum OnConflict {
        ABORT, IGNORE, REPLACE, FAIL, ROLLBACK;

        /** Halt p2 when the conflict fails the statement. */
        int haltCode() {
            return switch (this) {
                case FAIL -> Insn.OE_FAIL;
                case ROLLBACK -> Insn.OE_ROLLBACK;
                default -> Insn.OE_ABORT;
            };
        }

        static OnConflict of(Statement.Conflict c) {
            return c == null ? ABORT : switch (c) {
                case IGNORE -> IGNORE;
                case REPLACE -> REPLACE;
                case FAIL -> FAIL;
                case ROLLBACK -> ROLLBACK;
                default -> ABORT;
            };
        }
    }

    /**
     * Probes UNIQUE index {@code x} with the key at {@code start}. ABORT halts with SQLite's
     * message; IGNORE jumps to {@code skipRow}; REPLACE deletes the conflicting row (and its
     * entries in every index) through {@code tableCursor}, then goes on.
     */
    static void checkUnique(ProgramBuilder b, Table t, List<Target> all, Target x, int start, OnConflict onConflict,
                            int skipRow, int tableCursor) {
        if (!x.index().unique()) {
            return;
        }
        int ok = b.newLabel();
        b.emit(new Insn.NoConflict(x.cursor(), ok, start, x.keyColumns()));
        switch (onConflict) {
            case ABORT, FAIL, ROLLBACK -> b.emit(new Insn.Halt(x.conflictCode(), onConflict.haltCode(),
                    "UNIQUE constraint failed: " + x.label()));
            case IGNORE -> b.emit(new Insn.Goto(skipRow));
            case REPLACE -> {
                if (x.table()) {
                    // NoConflict left the table cursor on the row with this key.
                } else if (x.keyField() != null) {
                    int nKey = x.keyField().length;
                    int rKey = b.allocRegisters(nKey);
                    for (int k = 0; k < nKey; k++) {
                        b.emit(new Insn.Column(x.cursor(), x.keyField()[k], rKey + k));
                    }
                    b.emit(new Insn.NotFound(tableCursor, ok, rKey, nKey));
                } else {
                    int rConflict = b.allocRegister();
                    b.emit(new Insn.IdxRowid(x.cursor(), rConflict));
                    b.emit(new Insn.NotExists(tableCursor, ok, rConflict));
                }
                deleteEntries(b, t, all, tableCursor);
                b.emit(new Insn.Delete(tableCursor, 0, t.name()));
            }
        }
        b.resolve(ok);
    }

    /** Writes the entry whose fields are at {@code start} into index {@code x}. */
    static void insertEntry(ProgramBuilder b, Target x, int start) {
        int rec = b.allocRegister();
        b.emit(new Insn.MakeRecord(start, x.entryFields(), rec, x.affinity()));
        b.emit(new Insn.IdxInsert(x.cursor(), rec, start, x.entryFields(), 0));
    }
}
