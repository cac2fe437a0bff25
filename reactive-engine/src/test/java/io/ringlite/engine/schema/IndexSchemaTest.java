package io.ringlite.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How indexes are described from sqlite_schema rows, including SQLite's automatic indexes. */
class IndexSchemaTest {

    @Test
    void automaticIndexesAreNumberedAsSqliteNumbersThem() {
        // As sqlite3 3.40 writes: column constraints column by column, then table constraints;
        // a UNIQUE on the same columns as an earlier constraint makes no second index.
        Schema s = Schema.build(List.of(
                new SchemaEntry("table", "t", "t", 2,
                        "CREATE TABLE t(a, b TEXT COLLATE NOCASE UNIQUE, c, d, PRIMARY KEY(a, d DESC), UNIQUE(b), UNIQUE(c COLLATE RTRIM))"),
                new SchemaEntry("index", "sqlite_autoindex_t_1", "t", 3, null),
                new SchemaEntry("index", "sqlite_autoindex_t_2", "t", 4, null),
                new SchemaEntry("index", "sqlite_autoindex_t_3", "t", 5, null)), 7);
        Index one = s.index("sqlite_autoindex_t_1");
        Index two = s.index("sqlite_autoindex_t_2");
        Index three = s.index("sqlite_autoindex_t_3");
        assertThat(one.columns()).containsExactly("b");
        assertThat(one.primaryKey()).isFalse();
        assertThat(two.columns()).containsExactly("a", "d");
        assertThat(two.descending()).containsExactly(false, true);
        assertThat(two.primaryKey()).isTrue();
        assertThat(three.columns()).containsExactly("c");
        assertThat(three.collations()).containsExactly("RTRIM");
        assertThat(List.of(one, two, three)).allMatch(Index::unique).allMatch(Index::automatic);
        assertThat(s.table("t").indexes()).extracting(Index::rootPage).containsExactly(3, 4, 5);
    }

    @Test
    void createIndexTextGivesColumnsDirectionsCollationsAndPartialness() {
        Schema s = Schema.build(List.of(
                new SchemaEntry("table", "t", "t", 2, "CREATE TABLE t(Alpha, beta)"),
                new SchemaEntry("index", "i", "t", 3, "CREATE UNIQUE INDEX i ON t(alpha COLLATE nocase DESC, beta)"),
                new SchemaEntry("index", "p", "t", 4, "CREATE INDEX p ON t(beta) WHERE beta > 0"),
                new SchemaEntry("index", "e", "t", 5, "CREATE INDEX e ON t(beta + 1)")));
        Index i = s.index("I");
        assertThat(i.columns()).containsExactly("Alpha", "beta");
        assertThat(i.descending()).containsExactly(true, false);
        assertThat(i.collations()).containsExactly("nocase", null);
        assertThat(i.unique()).isTrue();
        assertThat(i.partial()).isFalse();
        assertThat(s.index("p").partial()).isTrue();
        assertThat(s.index("e").plainColumns()).isFalse();
    }

    @Test
    void anIntegerPrimaryKeyNeedsNoIndexButOtherPrimaryKeysDo() {
        Table rowidAlias = Schema.build(List.of(new SchemaEntry("table", "t", "t", 2,
                "CREATE TABLE t(id INTEGER PRIMARY KEY, x)"))).table("t");
        assertThat(TableDefinition.autoIndexes(rowidAlias)).isEmpty();
        Table descPk = Schema.build(List.of(new SchemaEntry("table", "t", "t", 2,
                "CREATE TABLE t(id INTEGER PRIMARY KEY DESC, x)"))).table("t");
        assertThat(TableDefinition.autoIndexes(descPk)).extracting(Index::name).containsExactly("sqlite_autoindex_t_1");
        Table textPk = Schema.build(List.of(new SchemaEntry("table", "t", "t", 2,
                "CREATE TABLE t(id TEXT PRIMARY KEY, x UNIQUE)"))).table("t");
        assertThat(TableDefinition.autoIndexes(textPk)).extracting(Index::columns)
                .containsExactly(List.of("id"), List.of("x"));
    }
}
