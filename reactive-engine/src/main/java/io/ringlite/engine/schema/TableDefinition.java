package io.ringlite.engine.schema;

import io.ringlite.engine.sql.Expr;
import io.ringlite.engine.sql.Statement;
import io.ringlite.engine.sql.Statement.ColumnConstraint;
import io.ringlite.engine.sql.Statement.ColumnDef;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Affinity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a parsed CREATE TABLE into a {@link Table}, checking what SQLite checks when the table is
 * created (messages as SQLite words them): duplicate column names, more than one primary key,
 * AUTOINCREMENT on anything but an INTEGER PRIMARY KEY, WITHOUT ROWID without a primary key.
 *
 * <p>The rowid alias rule (lang_createtable, "ROWIDs and the INTEGER PRIMARY KEY"): the declared
 * type must be exactly "INTEGER" (any case) and the column the whole primary key; a column
 * constraint {@code PRIMARY KEY DESC} does not alias (kept for compatibility by SQLite), a table
 * constraint {@code PRIMARY KEY(x DESC)} does.
 */
public final class TableDefinition {
    private TableDefinition() {
    }

    public static Table fromCreate(Statement.CreateTable ct, int rootPage, String sql) {
        String tableName = ct.name().name();
        if (ct.asSelect() != null) {
            throw new DatabaseException(ResultCode.ERROR, "not supported yet: CREATE TABLE ... AS SELECT");
        }
        List<ColumnDef> defs = ct.columns();
        List<String> names = new ArrayList<>();
        boolean[] pk = new boolean[defs.size()];
        boolean[] pkDescColumn = new boolean[defs.size()];
        int pkCount = 0;
        int pkColumns = 0;
        int pkSingle = -1;
        boolean autoinc = false;
        boolean pkIsColumnDesc = false;
        for (int i = 0; i < defs.size(); i++) {
            ColumnDef d = defs.get(i);
            for (String n : names) {
                if (n.equalsIgnoreCase(d.name())) {
                    throw new DatabaseException(ResultCode.ERROR, "duplicate column name: " + d.name());
                }
            }
            names.add(d.name());
            for (ColumnConstraint c : d.constraints()) {
                if (c instanceof Statement.PrimaryKey p) {
                    if (++pkCount > 1) {
                        throw morePrimaryKeys(tableName);
                    }
                    pk[i] = true;
                    pkDescColumn[i] = p.descending();
                    pkIsColumnDesc = p.descending();
                    pkColumns = 1;
                    pkSingle = i;
                    autoinc = p.autoincrement();
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            if (tc instanceof Statement.TablePrimaryKey p) {
                if (++pkCount > 1) {
                    throw morePrimaryKeys(tableName);
                }
                pkColumns = p.columns().size();
                for (Statement.IndexedColumn ic : p.columns()) {
                    if (!(ic.expr() instanceof Expr.ColumnRef ref) || ref.table() != null) {
                        throw new DatabaseException(ResultCode.ERROR,
                                "expressions prohibited in PRIMARY KEY and UNIQUE constraints");
                    }
                    int idx = indexOf(names, ref.column());
                    if (idx < 0) {
                        throw new DatabaseException(ResultCode.ERROR,
                                "no such column: " + ref.column());
                    }
                    pk[idx] = true;
                    pkSingle = idx;
                }
                autoinc = p.autoincrement();
            }
        }
        int rowidAlias = -1;
        if (pkColumns == 1 && !pkIsColumnDesc && isExactlyInteger(defs.get(pkSingle).typeName())) {
            rowidAlias = pkSingle;
        }
        if (ct.withoutRowid()) {
            if (autoinc) {
                throw new DatabaseException(ResultCode.ERROR, "AUTOINCREMENT not allowed on WITHOUT ROWID tables");
            }
            if (pkCount == 0) {
                throw new DatabaseException(ResultCode.ERROR, "PRIMARY KEY missing on table " + tableName);
            }
            rowidAlias = -1;
        }
        if (autoinc && rowidAlias < 0) {
            throw new DatabaseException(ResultCode.ERROR, "AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY");
        }
        List<Column> columns = new ArrayList<>(defs.size());
        List<CheckConstraint> checks = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            // The primary key of a WITHOUT ROWID table is implicitly NOT NULL (lang_createtable).
            columns.add(column(defs.get(i), pk[i], ct.withoutRowid() && pk[i]));
            for (ColumnConstraint c : defs.get(i).constraints()) {
                if (c instanceof Statement.Check check) {
                    checks.add(new CheckConstraint(check.name(), check.expr(), check.text()));
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            if (tc instanceof Statement.TableCheck check) {
                checks.add(new CheckConstraint(check.name(), check.expr(), check.text()));
            }
        }
        PrimaryKey key = ct.withoutRowid() ? primaryKey(ct, columns) : null;
        return new Table(tableName, rootPage, columns, rowidAlias, ct.withoutRowid(), autoinc, sql, List.of(),
                checks, ct.strict(), key);
    }

    /**
     * The column a one-column PRIMARY KEY would make the rowid alias (declared type exactly
     * INTEGER, not {@code PRIMARY KEY DESC} as a column constraint), or -1. In a WITHOUT ROWID
     * table SQLite makes the index of such a key only after the whole definition was read, so it
     * is numbered after every other automatic index, and a COLLATE in its table constraint is not
     * kept (build.c, convertToWithoutRowidTable).
     */
    static int integerKeyColumn(Statement.CreateTable ct) {
        int found = -1;
        int count = 0;
        for (int i = 0; i < ct.columns().size(); i++) {
            for (ColumnConstraint c : ct.columns().get(i).constraints()) {
                if (c instanceof Statement.PrimaryKey p) {
                    count++;
                    found = p.descending() ? -1 : i;
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            if (tc instanceof Statement.TablePrimaryKey p) {
                count++;
                found = -1;
                if (p.columns().size() == 1 && p.columns().get(0).expr() instanceof Expr.ColumnRef ref) {
                    for (int i = 0; i < ct.columns().size(); i++) {
                        if (ct.columns().get(i).name().equalsIgnoreCase(ref.column())) {
                            found = i;
                        }
                    }
                }
            }
        }
        if (count != 1 || found < 0 || !isExactlyInteger(ct.columns().get(found).typeName())) {
            return -1;
        }
        return found;
    }

    /** The key of a WITHOUT ROWID table (repeats of a column with the same collation dropped). */
    private static PrimaryKey primaryKey(Statement.CreateTable ct, List<Column> columns) {
        List<Integer> cols = new ArrayList<>();
        List<Boolean> desc = new ArrayList<>();
        List<String> colls = new ArrayList<>();
        int integerKey = integerKeyColumn(ct);
        for (int i = 0; i < ct.columns().size(); i++) {
            for (ColumnConstraint c : ct.columns().get(i).constraints()) {
                if (c instanceof Statement.PrimaryKey p) {
                    addKeyField(cols, desc, colls, i, p.descending(), collationOf(columns.get(i), null));
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            if (tc instanceof Statement.TablePrimaryKey p) {
                for (Statement.IndexedColumn ic : p.columns()) {
                    int idx = indexOfColumn(columns, ((Expr.ColumnRef) ic.expr()).column());
                    String given = idx == integerKey ? null : ic.collation();
                    addKeyField(cols, desc, colls, idx, ic.descending(), collationOf(columns.get(idx), given));
                }
            }
        }
        int[] c = new int[cols.size()];
        boolean[] d = new boolean[cols.size()];
        for (int k = 0; k < c.length; k++) {
            c[k] = cols.get(k);
            d[k] = desc.get(k);
        }
        return PrimaryKey.of(columns.size(), c, d, colls.toArray(new String[0]));
    }

    private static void addKeyField(List<Integer> cols, List<Boolean> desc, List<String> colls, int column,
                                    boolean descending, String collation) {
        for (int k = 0; k < cols.size(); k++) {
            if (cols.get(k) == column && colls.get(k).equalsIgnoreCase(collation)) {
                return;
            }
        }
        cols.add(column);
        desc.add(descending);
        colls.add(collation);
    }

    private static String collationOf(Column c, String given) {
        if (given != null) {
            return given;
        }
        return c.collation() == null ? "BINARY" : c.collation();
    }

    private static int indexOfColumn(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Column column(ColumnDef d, boolean primaryKey, boolean impliedNotNull) {
        boolean notNull = impliedNotNull;
        Expr dflt = null;
        String collation = null;
        Expr generated = null;
        for (ColumnConstraint c : d.constraints()) {
            switch (c) {
                case Statement.NotNull n -> notNull = true;
                case Statement.Default df -> dflt = df.value();
                case Statement.CollateConstraint cc -> collation = cc.collation();
                case Statement.Generated g -> generated = g.expr();
                default -> {
                }
            }
        }
        String type = dequote(d.typeName());
        return new Column(d.name(), type, Affinity.ofDeclaredType(type), notNull, dflt, collation, primaryKey,
                generated);
    }

    /** A declared type written as one quoted word ("INTEGER") is that word. */
    private static String dequote(String type) {
        if (type != null && type.length() >= 2) {
            char c = type.charAt(0);
            char e = type.charAt(type.length() - 1);
            if ((c == '"' && e == '"') || (c == '\'' && e == '\'') || (c == '`' && e == '`') || (c == '[' && e == ']')) {
                String inner = type.substring(1, type.length() - 1);
                if (inner.indexOf(c) < 0 && inner.indexOf(e) < 0) {
                    return inner;
                }
            }
        }
        return type;
    }

    private static boolean isExactlyInteger(String type) {
        return type != null && dequote(type).toUpperCase(Locale.ROOT).equals("INTEGER");
    }

    private static int indexOf(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static DatabaseException morePrimaryKeys(String table) {
        return new DatabaseException(ResultCode.ERROR, "table \"" + table + "\" has more than one primary key");
    }

    /**
     * The automatic indexes SQLite makes for the UNIQUE and PRIMARY KEY constraints of a table
     * (lang_createtable: "an automatic index"), in the order SQLite numbers them
     * ({@code sqlite_autoindex_T_1}, {@code _2}, ...): column constraints column by column, then
     * table constraints. A PRIMARY KEY that is the rowid alias needs none; a constraint on the same
     * columns (and collations) as an earlier one reuses its index. Root pages are 0.
     */
    public static List<Index> autoIndexes(Table t) {
        if (t.sql() == null || t.rootPage() == 0 && t.columns().isEmpty()) {
            return List.of();
        }
        Statement.CreateTable ct;
        try {
            var p = io.ringlite.engine.sql.Parser.parseFirst(t.sql());
            if (p == null || !(p.statement() instanceof Statement.CreateTable c)) {
                return List.of();
            }
            ct = c;
        } catch (DatabaseException e) {
            return List.of();
        }
        return autoIndexes(ct, t);
    }

    /** As {@link #autoIndexes(Table)} for a parsed CREATE TABLE. */
    public static List<Index> autoIndexes(Statement.CreateTable ct, Table t) {
        List<Index> out = new ArrayList<>();
        // WITHOUT ROWID with an INTEGER key: that key's index comes last (see integerKeyColumn).
        int lateKey = t.withoutRowid() ? integerKeyColumn(ct) : -1;
        for (int i = 0; i < ct.columns().size(); i++) {
            for (ColumnConstraint c : ct.columns().get(i).constraints()) {
                if (c instanceof Statement.PrimaryKey p && t.rowidAlias() != i && lateKey != i) {
                    addAuto(out, t, List.of(t.columns().get(i).name()), List.of(p.descending()),
                            java.util.Collections.singletonList(null), true);
                } else if (c instanceof Statement.Unique) {
                    addAuto(out, t, List.of(t.columns().get(i).name()), List.of(false),
                            java.util.Collections.singletonList(null), false);
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            List<Statement.IndexedColumn> cols;
            boolean pk;
            if (tc instanceof Statement.TablePrimaryKey p) {
                if (t.rowidAlias() >= 0 || lateKey >= 0) {
                    continue;
                }
                cols = p.columns();
                pk = true;
            } else if (tc instanceof Statement.TableUnique u) {
                cols = u.columns();
                pk = false;
            } else {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<Boolean> desc = new ArrayList<>();
            List<String> colls = new ArrayList<>();
            for (Statement.IndexedColumn ic : cols) {
                if (!(ic.expr() instanceof Expr.ColumnRef ref)) {
                    throw new DatabaseException(ResultCode.ERROR,
                            "expressions prohibited in PRIMARY KEY and UNIQUE constraints");
                }
                int idx = t.columnIndex(ref.column());
                if (idx < 0) {
                    throw new DatabaseException(ResultCode.ERROR, "no such column: " + ref.column());
                }
                names.add(t.columns().get(idx).name());
                desc.add(ic.descending());
                colls.add(ic.collation());
            }
            addAuto(out, t, names, desc, colls, pk);
        }
        if (lateKey >= 0) {
            PrimaryKey key = t.primaryKey();
            addAuto(out, t, List.of(t.columns().get(lateKey).name()),
                    List.of(key != null && key.descending()[0]), java.util.Collections.singletonList(null), true);
        }
        return out;
    }

    private static void addAuto(List<Index> out, Table t, List<String> names, List<Boolean> desc, List<String> colls,
                                boolean pk) {
        for (int k = 0; k < out.size(); k++) {
            Index o = out.get(k);
            if (sameKey(t, o, names, colls)) {
                if (pk && !o.primaryKey()) {
                    out.set(k, new Index(o.name(), o.tableName(), 0, o.columns(), true, null, o.descending(),
                            o.collations(), true, false));
                }
                return;
            }
        }
        out.add(new Index("sqlite_autoindex_" + t.name() + "_" + (out.size() + 1), t.name(), 0, names, true, null,
                desc, colls, pk, false));
    }

    private static boolean sameKey(Table t, Index o, List<String> names, List<String> colls) {
        if (o.columns().size() != names.size()) {
            return false;
        }
        for (int k = 0; k < names.size(); k++) {
            if (!o.columns().get(k).equalsIgnoreCase(names.get(k))
                    || !effectiveCollation(t, names.get(k), colls.get(k))
                    .equalsIgnoreCase(effectiveCollation(t, o.columns().get(k), o.collations().get(k)))) {
                return false;
            }
        }
        return true;
    }

    /** The collation a key column compares with: the index's COLLATE, else the column's, else BINARY. */
    public static String effectiveCollation(Table t, String column, String indexCollation) {
        if (indexCollation != null) {
            return indexCollation;
        }
        int i = column == null ? -1 : t.columnIndex(column);
        String c = i < 0 ? null : t.columns().get(i).collation();
        return c == null ? "BINARY" : c;
    }

    /**
     * The first constraint of a CREATE TABLE with an ON CONFLICT clause other than ABORT (whose
     * resolution the compiler does not apply yet), described for an error message; null if none.
     */
    public static String conflictClause(Statement.CreateTable ct) {
        for (ColumnDef d : ct.columns()) {
            for (ColumnConstraint c : d.constraints()) {
                Statement.Conflict k = switch (c) {
                    case Statement.PrimaryKey p -> p.conflict();
                    case Statement.NotNull n -> n.conflict();
                    case Statement.Unique u -> u.conflict();
                    default -> null;
                };
                if (k != null && k != Statement.Conflict.ABORT) {
                    return "ON CONFLICT " + k.name() + " constraints";
                }
            }
        }
        for (Statement.TableConstraint tc : ct.constraints()) {
            Statement.Conflict k = switch (tc) {
                case Statement.TablePrimaryKey p -> p.conflict();
                case Statement.TableUnique u -> u.conflict();
                default -> null;
            };
            if (k != null && k != Statement.Conflict.ABORT) {
                return "ON CONFLICT " + k.name() + " constraints";
            }
        }
        return null;
    }

    /** As {@link #conflictClause(Statement.CreateTable)} for a table of the schema. */
    public static String conflictClause(Table t) {
        if (t.sql() == null) {
            return null;
        }
        try {
            var p = io.ringlite.engine.sql.Parser.parseFirst(t.sql());
            return p != null && p.statement() instanceof Statement.CreateTable ct ? conflictClause(ct) : null;
        } catch (DatabaseException e) {
            return null;
        }
    }
}
