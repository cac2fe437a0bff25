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
        return new Table(tableName, rootPage, columns, rowidAlias, ct.withoutRowid(), autoinc, sql, List.of(),
                checks, ct.strict());
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
}
