package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * REAL formatting against sqlite3 over thousands of values: list mode shows SQLite's 15-digit
 * text, json and quote modes its 20-digit literal with x87-extended digits, all produced by the
 * engine's one implementation ({@code io.ringlite.vdbe.value.SqlText}, which {@link RealText}
 * calls). The values are computed by SQL arithmetic from integers and simple literals, so sqlite3
 * and sqlite-jdbc (which feeds our printer here) hold bit-identical doubles; tiny values come from
 * dividing by 2^40 rather than from a literal like 1e-300.
 */
class RealTextOracleTest {

    static final String VALUES = "with recursive c(i) as (select 1 union all select i + 1 from c where i < 3000) "
            + "select i / 7.0, i * 1e-7 / 3, (i * 7919 % 100003) / 997.0 * 1e15, 1.0 / i, i * 1e18 / 13,"
            + " -i / 11.0" + " / 1099511627776.0".repeat(25) + ", i * 1.0e290 / 17, (i % 97) * 0.001, 1e10 / i / 3, i * i * 0.5"
            + " from c";

    @BeforeAll
    static void oracle() {
        Sqlite3.assumePresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "json", "quote"})
    void realsPrintAsSqlite3PrintsThem(String mode) {
        List<String> args = List.of("-" + mode, ":memory:", VALUES);
        Sqlite3.Result expected = Sqlite3.run(args, "");
        Sqlite3.Result actual = Sqlite3.ringliteOverSqlite(args, "");
        String[] want = expected.outText().split("\n");
        String[] got = actual.outText().split("\n");
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("row %d", i + 1).isEqualTo(want[i]);
        }
    }
}
