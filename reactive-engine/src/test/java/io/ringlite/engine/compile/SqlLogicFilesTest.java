package io.ringlite.engine.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.error.DatabaseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sqllogictest files select1..3 and one of each random/ category (in ../shared/slt), run
 * statement by statement through the
 * compiler + VM and through real SQLite (sqlite-jdbc); every query must give SQLite's rows. (The
 * full corpus with its expected hashes runs in the tests module; this keeps the compiler honest
 * on the part of the corpus it is meant to handle.)
 */
class SqlLogicFilesTest {

    record Record(boolean query, String sql, String sort) {
    }

    /** The files checked by default; {@code -Drl.slt=a.test,b.test} checks others (exploration). */
    static Stream<String> files() {
        String override = System.getProperty("rl.slt");
        if (override != null && !override.isBlank()) {
            return Stream.of(override.split(","));
        }
        return Stream.of("select1.test", "select2.test", "select3.test", "random/select/slt_good_0.test",
                "random/aggregates/slt_good_0.test", "random/groupby/slt_good_0.test", "random/expr/slt_good_0.test");
    }

    static List<Record> parse(Path file) throws Exception {
        List<Record> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean skip = false;
            while (line.startsWith("skipif") || line.startsWith("onlyif")) {
                String db = line.split("\\s+")[1];
                skip |= line.startsWith("skipif") ? db.equals("sqlite") : !db.equals("sqlite");
                line = lines.get(++i);
            }
            if (!line.startsWith("statement") && !line.startsWith("query")) {
                continue;
            }
            boolean query = line.startsWith("query");
            String[] head = line.split("\\s+");
            String sort = query && head.length > 2 ? head[2] : "nosort";
            StringBuilder sql = new StringBuilder();
            i++;
            while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).equals("----")) {
                sql.append(lines.get(i)).append('\n');
                i++;
            }
            while (i < lines.size() && !lines.get(i).isBlank()) {
                i++;
            }
            if (!skip) {
                out.add(new Record(query, sql.toString().strip(), sort));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyQueryGivesSqlitesRows(String name) throws Exception {
        Path file = fixturesRoot().resolve("slt").resolve(name);
        MiniEngine engine = new MiniEngine();
        List<String> failures = new ArrayList<>();
        int queries = 0;
        int rows = 0;
        try (OracleSupport oracle = new OracleSupport()) {
            for (Record r : parse(file)) {
                if (!r.query()) {
                    String theirs = null;
                    try {
                        for (String stmt : r.sql().split(";")) {
                            if (!stmt.isBlank()) {
                                oracle.exec(stmt);
                            }
                        }
                    } catch (java.sql.SQLException e) {
                        theirs = e.getMessage();
                    }
                    String ours = null;
                    try {
                        engine.run(r.sql());
                    } catch (DatabaseException e) {
                        ours = e.getMessage();
                    }
                    if ((ours == null) != (theirs == null)) {
                        failures.add(r.sql() + "\n  -> statement: " + (ours == null ? "succeeded, SQLite failed" : ours));
                    }
                    continue;
                }
                queries++;
                List<List<Object>> expected;
                try {
                    expected = oracle.query(r.sql());
                } catch (java.sql.SQLException e) {
                    continue;
                }
                rows += expected.size();
                List<List<Object>> actual;
                try {
                    actual = engine.run(r.sql());
                } catch (DatabaseException e) {
                    failures.add(r.sql() + "\n  -> " + e.getMessage());
                    continue;
                }
                if (!sorted(expected, r.sort()).equals(sorted(actual, r.sort()))) {
                    failures.add(r.sql() + "\n  expected " + OracleSupport.show(expected) + "  actual " + OracleSupport.show(actual));
                }
            }
        }
        assertThat(queries).isPositive();
        assertThat(rows).as("the queries return rows").isPositive();
        if (!failures.isEmpty()) {
            System.out.println("SLT " + name + ": " + failures.size() + " of " + queries + " differ");
            failures.stream().map(f -> f.contains("-> ") ? f.substring(f.indexOf("-> ")) : "wrong rows")
                    .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()))
                    .forEach((k, v) -> System.out.println("SLT   " + v + " x " + k));
        }
        assertThat(failures).as(name + ": %d of %d queries differ", failures.size(), queries).isEmpty();
    }

    private static List<String> sorted(List<List<Object>> rows, String sort) {
        List<String> out = new ArrayList<>();
        switch (sort) {
            case "valuesort" -> {
                for (List<List<Object>> row : List.of(OracleSupport.comparable(rows))) {
                    for (List<Object> r : row) {
                        for (Object v : r) {
                            out.add(String.valueOf(v));
                        }
                    }
                }
                out.sort(Comparator.naturalOrder());
            }
            case "rowsort" -> {
                for (List<Object> r : OracleSupport.comparable(rows)) {
                    out.add(r.toString());
                }
                out.sort(Comparator.naturalOrder());
            }
            default -> {
                for (List<Object> r : OracleSupport.comparable(rows)) {
                    out.add(r.toString());
                }
            }
        }
        return out;
    }

    static Path fixturesRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("shared/slt"))) {
                return p.resolve("shared");
            }
            if (Files.isDirectory(p.resolve("../shared/slt"))) {
                return p.resolve("../shared").normalize();
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/slt not found");
    }
}
