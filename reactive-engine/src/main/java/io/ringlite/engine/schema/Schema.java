package io.ringlite.engine.schema;

import io.ringlite.engine.sql.ParsedStatement;
import io.ringlite.engine.sql.Parser;
import io.ringlite.engine.sql.Statement;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Affinity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The schema of one database: its tables (with their indexes), views and triggers, built from
 * the rows of {@code sqlite_schema}. Immutable; the runtime builds a new one when the schema
 * cookie changes.
 *
 * <p>Names are looked up ignoring case (ASCII), as SQLite does. {@code sqlite_schema} and its
 * legacy name {@code sqlite_master} are always present as a table at root page 1 with columns
 * (type, name, tbl_name, rootpage, sql).
 */
public final class Schema {
    /** The schema table itself (file format: "Storage Of The SQL Database Schema"). */
    public static final Table SQLITE_SCHEMA = new Table("sqlite_schema", 1, List.of(
            new Column("type", "text", Affinity.TEXT, false, null, null, false, null),
            new Column("name", "text", Affinity.TEXT, false, null, null, false, null),
            new Column("tbl_name", "text", Affinity.TEXT, false, null, null, false, null),
            new Column("rootpage", "int", Affinity.INTEGER, false, null, null, false, null),
            new Column("sql", "text", Affinity.TEXT, false, null, null, false, null)),
            -1, false, false,
            "CREATE TABLE sqlite_schema(type text,name text,tbl_name text,rootpage int,sql text)", List.of(),
            List.of(), false);

    /** {@link #cookie()} of a schema built without knowing the header's schema cookie. */
    public static final int UNKNOWN_COOKIE = -1;

    private static final Schema EMPTY = new Schema(Map.of(), Map.of(), List.of(), 0);

    private final Map<String, Table> tables;
    private final Map<String, Index> indexes;
    private final List<SchemaEntry> others;
    private final int cookie;

    private Schema(Map<String, Table> tables, Map<String, Index> indexes, List<SchemaEntry> others, int cookie) {
        this.tables = tables;
        this.indexes = indexes;
        this.others = others;
        this.cookie = cookie;
    }

    /** A schema with no user objects (a new database: schema cookie 0). */
    public static Schema empty() {
        return EMPTY;
    }

    /**
     * The schema cookie (header offset 40) this schema was read under, or {@link #UNKNOWN_COOKIE}.
     * When known, compiled programs check it in their Transaction instruction (SQLITE_SCHEMA if a
     * statement outlived a schema change) and DDL sets it to {@code cookie + 1}.
     */
    public int cookie() {
        return cookie;
    }

    /** As {@link #build(List, int)} with an unknown schema cookie. */
    public static Schema build(List<SchemaEntry> entries) {
        return build(entries, UNKNOWN_COOKIE);
    }

    /**
     * Builds the schema from the rows of sqlite_schema. A table whose CREATE statement does not
     * parse makes the database unusable, as in SQLite: CORRUPT "malformed database schema".
     */
    public static Schema build(List<SchemaEntry> entries, int schemaCookie) {
        Map<String, Table> tables = new LinkedHashMap<>();
        Map<String, List<Index>> byTable = new LinkedHashMap<>();
        Map<String, Index> indexes = new LinkedHashMap<>();
        List<SchemaEntry> others = new ArrayList<>();
        for (SchemaEntry e : entries) {
            switch (e.type().toLowerCase(Locale.ROOT)) {
                case "table" -> {
                    Table t = parseTable(e);
                    tables.put(key(t.name()), t);
                }
                case "index" -> {
                }
                default -> {
                    // SQLite checks that a row's type agrees with its CREATE text: a table or
                    // index row whose type byte was damaged makes the schema malformed rather
                    // than making the table silently disappear.
                    if (createsTableOrIndex(e.sql())) {
                        throw malformed(e.name(), "type '" + e.type() + "' does not match its CREATE statement");
                    }
                    others.add(e);
                }
            }
        }
        for (SchemaEntry e : entries) {
            if (e.type().equalsIgnoreCase("index")) {
                Index idx = parseIndex(e, tables.get(key(e.tableName())));
                indexes.put(key(idx.name()), idx);
                byTable.computeIfAbsent(key(idx.tableName()), k -> new ArrayList<>()).add(idx);
            }
        }
        for (Map.Entry<String, List<Index>> e : byTable.entrySet()) {
            Table t = tables.get(e.getKey());
            if (t != null) {
                tables.put(e.getKey(), t.withIndexes(e.getValue()));
            }
        }
        return new Schema(java.util.Collections.unmodifiableMap(tables), java.util.Collections.unmodifiableMap(indexes), List.copyOf(others), schemaCookie);
    }

    private static Table parseTable(SchemaEntry e) {
        if (e.sql() == null) {
            throw malformed(e.name(), "no CREATE TABLE text");
        }
        ParsedStatement p;
        try {
            p = Parser.parseFirst(e.sql());
        } catch (DatabaseException ex) {
            throw malformed(e.name(), ex.getMessage());
        }
        if (p == null) {
            throw malformed(e.name(), "empty CREATE TABLE text");
        }
        return switch (p.statement()) {
            case Statement.CreateTable ct -> {
                if (e.rootPage() < 1) {
                    throw malformed(e.name(), "invalid root page " + e.rootPage());
                }
                yield TableDefinition.fromCreate(ct, e.rootPage(), e.sql());
            }
            case Statement.CreateVirtualTable vt ->
                    new Table(e.name(), 0, List.of(), -1, false, false, e.sql(), List.of(), List.of(), false);
            default -> throw malformed(e.name(), "not a CREATE TABLE");
        };
    }

    private static Index parseIndex(SchemaEntry e, Table table) {
        if (e.sql() == null) {
            // An automatic index: its definition is the table's N-th UNIQUE / PRIMARY KEY constraint.
            String prefix = "sqlite_autoindex_" + e.tableName() + "_";
            if (table != null && e.name().regionMatches(true, 0, prefix, 0, prefix.length())) {
                try {
                    int n = Integer.parseInt(e.name().substring(prefix.length()));
                    List<Index> autos = TableDefinition.autoIndexes(table);
                    if (n >= 1 && n <= autos.size()) {
                        return autos.get(n - 1).withRoot(e.name(), e.rootPage());
                    }
                } catch (NumberFormatException | DatabaseException ignored) {
                    // falls through to the column-less description below
                }
            }
            return new Index(e.name(), e.tableName(), e.rootPage(), List.of(), true, null);
        }
        List<String> cols = new ArrayList<>();
        List<Boolean> desc = new ArrayList<>();
        List<String> colls = new ArrayList<>();
        boolean unique = false;
        boolean partial = false;
        try {
            ParsedStatement p = Parser.parseFirst(e.sql());
            if (p != null && p.statement() instanceof Statement.CreateIndex ci) {
                unique = ci.unique();
                partial = ci.where() != null;
                for (Statement.IndexedColumn ic : ci.columns()) {
                    String col = null;
                    if (ic.expr() instanceof io.ringlite.engine.sql.Expr.ColumnRef r) {
                        col = r.column();
                        if (table != null && table.columnIndex(col) >= 0) {
                            col = table.columns().get(table.columnIndex(col)).name();
                        }
                    }
                    cols.add(col);
                    desc.add(ic.descending());
                    colls.add(ic.collation());
                }
            }
        } catch (DatabaseException ex) {
            throw malformed(e.name(), ex.getMessage());
        }
        return new Index(e.name(), e.tableName(), e.rootPage(), cols, unique, e.sql(), desc, colls, false, partial);
    }

    /** Every index, in sqlite_schema order. */
    public Collection<Index> indexes() {
        return indexes.values();
    }

    private static boolean createsTableOrIndex(String sql) {
        if (sql == null) {
            return false;
        }
        String head = sql.stripLeading().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        return head.startsWith("CREATE TABLE") || head.startsWith("CREATE INDEX")
                || head.startsWith("CREATE UNIQUE INDEX");
    }

    private static DatabaseException malformed(String name, String why) {
        return new DatabaseException(ResultCode.CORRUPT, "malformed database schema (" + name + ") - " + why);
    }

    static String key(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }

    /** The table named {@code name} (any case; includes sqlite_schema/sqlite_master), or null. */
    public Table table(String name) {
        String k = key(name);
        if (k.equals("sqlite_schema") || k.equals("sqlite_master")) {
            return SQLITE_SCHEMA;
        }
        return tables.get(k);
    }

    /** The index named {@code name}, or null. */
    public Index index(String name) {
        return indexes.get(key(name));
    }

    /** True if any schema object (table, index, view, trigger) has this name. */
    public boolean hasObject(String name) {
        String k = key(name);
        if (tables.containsKey(k) || indexes.containsKey(k)) {
            return true;
        }
        for (SchemaEntry e : others) {
            if (key(e.name()).equals(k)) {
                return true;
            }
        }
        return false;
    }

    /** The view or trigger entry named {@code name}, or null. */
    public SchemaEntry other(String name) {
        String k = key(name);
        for (SchemaEntry e : others) {
            if (key(e.name()).equals(k)) {
                return e;
            }
        }
        return null;
    }

    /** User tables, in sqlite_schema order. */
    public Collection<Table> tables() {
        return tables.values();
    }
}
