package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameter numbering as SQLite does it; sqlite-jdbc's parameter count is the oracle. */
class SqlParametersTest {

    private static final String[] SQL = {
            "SELECT 1",
            "SELECT ?, ?, ?",
            "SELECT ?3, ?",
            "SELECT :a, @b, $c, :a",
            "SELECT ?, :a, ?, :a, ?",
            "SELECT '?', \"?x\", [:y], `@z`, ? FROM (SELECT 1 AS \"?x\", 2 AS \":y\", 3 AS \"@z\") -- :c ?\n",
            "SELECT /* ?, :x */ ?2",
            "SELECT 'it''s ?', :n",
            "SELECT ?10, ?2",
            "SELECT a$b FROM (SELECT 1 AS \"a$b\") WHERE :p IS NULL",
    };

    @Test
    void parameterCountsMatchSqlite() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            c.createStatement().execute("CREATE TABLE t (a, b)");
            for (String sql : SQL) {
                int expected;
                try (var ps = c.prepareStatement(sql)) {
                    expected = ps.getParameterMetaData().getParameterCount();
                }
                assertThat(SqlParameters.scan(sql).count()).as(sql).isEqualTo(expected);
            }
        }
    }

    @Test
    void namedParametersKeepTheirFirstNumberAndResolveWithOrWithoutPrefix() {
        SqlParameters p = SqlParameters.scan("SELECT ?, :a, ?, :a, @b, ?5");
        assertThat(p.names()).isEqualTo(Map.of(":a", 2, "@b", 4, "?5", 5));
        assertThat(p.indexOf(":a")).isEqualTo(2);
        assertThat(p.indexOf("a")).isEqualTo(2);
        assertThat(p.indexOf("b")).isEqualTo(4);
        assertThat(p.indexOf("5")).isEqualTo(5);
        assertThat(p.indexOf("@a")).isZero();
        assertThat(p.indexOf("zz")).isZero();
    }
}
