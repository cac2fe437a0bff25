package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EXPLAIN layout against sqlite3: the raw program rows come from sqlite3 itself
 * ({@code .explain off}, quote mode), go through {@link ExplainPrinter}, and must come out as
 * sqlite3 lays out the same program.
 */
class ExplainPrinterTest {
    static final String SCHEMA = "create table t(a, b); create table u(x integer primary key, y)";

    @ParameterizedTest
    @ValueSource(strings = {
        "explain select 1",
        "explain select a from t where b > 1",
        "explain select a from t where b > 1 and a in (1,2,3) order by b",
        "explain select * from t, u where t.a = u.x",
        "explain insert into t select * from t",
        "explain with recursive c(i) as (select 1 union all select i + 1 from c where i < 5) select i from c",
    })
    void laysOutAProgramAsSqlite3(String sql) {
        Sqlite3.assumePresent();
        Sqlite3.Result raw = Sqlite3.run(List.of("-cmd", SCHEMA, ":memory:", ".explain off", ".mode quote", sql), "");
        Sqlite3.Result expected = Sqlite3.run(List.of("-cmd", SCHEMA, ":memory:", sql), "");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Out out = new Out(bytes);
        ExplainPrinter printer = new ExplainPrinter(out);
        printer.start(List.of("addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"));
        for (String line : raw.outText().split("\n")) {
            printer.row(parseQuoted(line));
        }
        printer.end();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected.outText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"explain select 1", "EXPLAIN\nselect 1", "  /* c */ explain select 1", "-- x\nexplain select 1"})
    void recognisesExplain(String sql) {
        assertThat(ExplainPrinter.isExplain(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"select 1", "explain query plan select 1", "select 'explain'", "explainx"})
    void otherStatementsAreNotExplain(String sql) {
        assertThat(ExplainPrinter.isExplain(sql)).isFalse();
    }

    /** One line of quote mode: integers, 'text' with doubled quotes, NULL, separated by commas. */
    private static Object[] parseQuoted(String line) {
        List<Object> values = new ArrayList<>();
        int i = 0;
        while (i <= line.length()) {
            if (i < line.length() && line.charAt(i) == '\'') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (true) {
                    char c = line.charAt(j);
                    if (c == '\'') {
                        if (j + 1 < line.length() && line.charAt(j + 1) == '\'') {
                            sb.append('\'');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    sb.append(c);
                    j++;
                }
                values.add(sb.toString());
                i = j + 2;
            } else {
                int end = line.indexOf(',', i);
                String token = line.substring(i, end < 0 ? line.length() : end);
                values.add(token.equals("NULL") ? null : Long.parseLong(token));
                i = end < 0 ? line.length() + 1 : end + 1;
            }
        }
        return values.toArray();
    }
}
