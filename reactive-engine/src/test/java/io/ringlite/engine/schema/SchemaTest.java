package io.ringlite.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Affinity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaTest {

    private static Table table(String createSql) {
        Schema s = Schema.build(List.of(new SchemaEntry("table", "t", "t", 2, createSql)));
        return s.table("t");
    }

    /** The example table of datatype3 section 3.1.1 ("Affinity Name Examples"). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INT|INTEGER", "INTEGER|INTEGER", "TINYINT|INTEGER", "SMALLINT|INTEGER", "MEDIUMINT|INTEGER",
            "BIGINT|INTEGER", "UNSIGNED BIG INT|INTEGER", "INT2|INTEGER", "INT8|INTEGER",
            "CHARACTER(20)|TEXT", "VARCHAR(255)|TEXT", "VARYING CHARACTER(255)|TEXT", "NCHAR(55)|TEXT",
            "NATIVE CHARACTER(70)|TEXT", "NVARCHAR(100)|TEXT", "TEXT|TEXT", "CLOB|TEXT",
            "BLOB|BLOB",
            "REAL|REAL", "DOUBLE|REAL", "DOUBLE PRECISION|REAL", "FLOAT|REAL",
            "NUMERIC|NUMERIC", "DECIMAL(10,5)|NUMERIC", "BOOLEAN|NUMERIC", "DATE|NUMERIC", "DATETIME|NUMERIC",
            // The documented surprises: "FLOATING POINT" has INT in it, "STRING" matches nothing.
            "FLOATING POINT|INTEGER", "STRING|NUMERIC"})
    void declaredTypesGetSqlitesAffinity(String type, Affinity expected) {
        Column c = table("CREATE TABLE t(c " + type + ")").columns().get(0);
        assertThat(c.declaredType()).isEqualTo(type);
        assertThat(c.affinity()).isEqualTo(expected);
    }

    @Test
    void aColumnWithoutTypeHasBlobAffinity() {
        Column c = table("CREATE TABLE t(c)").columns().get(0);
        assertThat(c.declaredType()).isNull();
        assertThat(c.affinity()).isEqualTo(Affinity.BLOB);
    }

    static Stream<String> rowidAliasCases() {
        return Stream.of(
                "a INTEGER PRIMARY KEY", "a integer primary key", "a INT PRIMARY KEY", "a INTEGER PRIMARY KEY DESC",
                "a INTEGER PRIMARY KEY ASC", "a INTEGER, PRIMARY KEY(a DESC)", "a INTEGER, b, PRIMARY KEY(a, b)",
                "a INTEGER(10) PRIMARY KEY", "a \"INTEGER\" PRIMARY KEY", "a UNSIGNED INTEGER PRIMARY KEY",
                "a INTEGER  PRIMARY KEY", "b, a INTEGER PRIMARY KEY", "a INTEGER NOT NULL PRIMARY KEY",
                "a BIGINT PRIMARY KEY", "a INTEGER", "b, a INTEGER, PRIMARY KEY(a)");
    }

    /** SQLite decides: after inserting a = 5 into an empty table, rowid is 5 exactly for an alias. */
    @ParameterizedTest
    @MethodSource("rowidAliasCases")
    void rowidAliasFollowsSqlite(String columns) throws Exception {
        boolean sqliteSaysAlias;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.createStatement().executeUpdate("CREATE TABLE t(" + columns + ")");
            c.createStatement().executeUpdate("INSERT INTO t(a) VALUES (5)");
            ResultSet rs = c.createStatement().executeQuery("SELECT rowid FROM t");
            rs.next();
            sqliteSaysAlias = rs.getLong(1) == 5;
        }
        Table t = table("CREATE TABLE t(" + columns + ")");
        int a = t.columnIndex("a");
        assertThat(t.rowidAlias() == a).as(columns).isEqualTo(sqliteSaysAlias);
    }

    @Test
    void withoutRowidTablesHaveNoRowidAlias() {
        Table t = table("CREATE TABLE t(a INTEGER PRIMARY KEY, b) WITHOUT ROWID");
        assertThat(t.withoutRowid()).isTrue();
        assertThat(t.rowidAlias()).isEqualTo(-1);
        assertThat(t.isRowidName("rowid")).isFalse();
    }

    @Test
    void columnsCarryConstraints() {
        Table t = table("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE, "
                + "b CHECK (b > 0), c AS (b * 2))");
        Column a = t.columns().get(1);
        assertThat(a.notNull()).isTrue();
        assertThat(a.collation()).isEqualTo("NOCASE");
        assertThat(a.defaultValue()).isEqualTo(new io.ringlite.engine.sql.Expr.Literal("x"));
        assertThat(t.columns().get(0).primaryKey()).isTrue();
        assertThat(t.checks()).hasSize(1);
        assertThat(t.columns().get(3).generated()).isNotNull();
        assertThat(t.affinityString()).isEqualTo("DB");
        assertThat(table("CREATE TABLE t(a, b BLOB)").affinityString()).isNull();
    }

    @Test
    void namesAreLookedUpIgnoringCase() {
        Schema s = Schema.build(List.of(
                new SchemaEntry("table", "Users", "Users", 2, "CREATE TABLE Users(Id INTEGER PRIMARY KEY, Name)"),
                new SchemaEntry("index", "users_name", "Users", 3, "CREATE INDEX users_name ON Users(Name)")));
        assertThat(s.table("USERS")).isNotNull();
        assertThat(s.table("users").columnIndex("NAME")).isEqualTo(1);
        assertThat(s.table("users").indexes()).extracting(Index::name).containsExactly("users_name");
        assertThat(s.index("USERS_NAME").columns()).containsExactly("Name");
        assertThat(s.hasObject("Users_Name")).isTrue();
        assertThat(s.table("nosuch")).isNull();
    }

    @Test
    void schemaTableIsBuiltIn() {
        Schema s = Schema.empty();
        assertThat(s.table("sqlite_schema")).isSameAs(Schema.SQLITE_SCHEMA);
        assertThat(s.table("SQLITE_MASTER")).isSameAs(Schema.SQLITE_SCHEMA);
        assertThat(Schema.SQLITE_SCHEMA.rootPage()).isEqualTo(1);
        assertThat(Schema.SQLITE_SCHEMA.columns()).extracting(Column::name)
                .containsExactly("type", "name", "tbl_name", "rootpage", "sql");
    }

    @Test
    void unparsableTableTextIsACorruptSchema() {
        assertThatThrownBy(() -> Schema.build(List.of(new SchemaEntry("table", "t", "t", 2, "CREATE TABLE t("))))
                .isInstanceOf(DatabaseException.class)
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.CORRUPT);
    }

    @Test
    void tableRowWithARootPageBelowOneIsACorruptSchema() {
        for (int root : new int[] {0, -5}) {
            assertThatThrownBy(() -> Schema.build(List.of(new SchemaEntry("table", "t", "t", root, "CREATE TABLE t(a)"))))
                    .isInstanceOfSatisfying(DatabaseException.class, e -> {
                        assertThat(e.code()).isEqualTo(ResultCode.CORRUPT);
                        assertThat(e.getMessage()).startsWith("malformed database schema (t)");
                    });
        }
    }

    @Test
    void rowWhoseTypeDisagreesWithItsCreateTextIsACorruptSchema() {
        assertThatThrownBy(() -> Schema.build(List.of(new SchemaEntry("tcble", "t", "t", 2, "CREATE TABLE t(a)"))))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.CORRUPT);
                    assertThat(e.getMessage()).startsWith("malformed database schema (t)");
                });
        // A view row (root page 0, CREATE VIEW text) is not a table or index row: no error.
        Schema.build(List.of(new SchemaEntry("view", "v", "v", 0, "CREATE VIEW v AS SELECT 1")));
    }

    @Test
    void cookieIsKeptWhenKnown() {
        assertThat(Schema.build(List.of(), 7).cookie()).isEqualTo(7);
        assertThat(Schema.build(List.of()).cookie()).isEqualTo(Schema.UNKNOWN_COOKIE);
    }

    static Stream<Path> fixtures() throws Exception {
        Path dir = fixturesDir();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".db")).sorted().toList().stream();
        }
    }

    /**
     * Every fixture's sqlite_schema (as real SQLite reads it) builds; every table has the
     * columns, declared types, NOT NULL and primary-key flags PRAGMA table_info reports.
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureSchemasBuildLikeSqliteSeesThem(Path db) throws Exception {
        Path copy = Files.createTempFile("fixture", ".db");
        Files.copy(db, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String suffix : List.of("-wal", "-journal")) {
            Path side = Path.of(db + suffix);
            if (Files.exists(side)) {
                Files.copy(side, Path.of(copy + suffix), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy)) {
            List<SchemaEntry> entries = new ArrayList<>();
            ResultSet rs = c.createStatement().executeQuery("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema");
            while (rs.next()) {
                entries.add(new SchemaEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5)));
            }
            Schema schema = Schema.build(entries);
            for (SchemaEntry e : entries) {
                if (!e.type().equals("table")) {
                    continue;
                }
                Table t = schema.table(e.name());
                assertThat(t).as(e.name()).isNotNull();
                ResultSet ti = c.createStatement().executeQuery("PRAGMA table_info(\"" + e.name() + "\")");
                int i = 0;
                while (ti.next()) {
                    Column col = t.columns().get(i++);
                    assertThat(col.name()).isEqualTo(ti.getString("name"));
                    assertThat(col.declaredType() == null ? "" : col.declaredType()).isEqualTo(ti.getString("type"));
                    assertThat(col.notNull()).isEqualTo(ti.getInt("notnull") == 1);
                    assertThat(col.primaryKey()).isEqualTo(ti.getInt("pk") > 0);
                }
                assertThat(i).isEqualTo(t.columns().size());
            }
        } finally {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(Path.of(copy + "-wal"));
            Files.deleteIfExists(Path.of(copy + "-journal"));
            Files.deleteIfExists(Path.of(copy + "-shm"));
        }
    }

    private static Path fixturesDir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("shared/fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            candidate = p.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }
}
