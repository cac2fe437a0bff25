package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.vdbe.func.FunctionRegistry;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.value.Affinity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared fixtures' NAME.expected.txt files hold, per table, every row as sqlite3 3.40.1
 * prints {@code SELECT quote(c1), quote(c2), ... FROM T} in list mode. Reading the same file
 * through the storage stack and running quote() in the VM must give exactly those lines: this
 * checks REAL text (15-digit text or the 3.40 {@code %!.20e} fallback, digit for digit), TEXT
 * escaping and BLOB hex against real SQLite's own output. The rows are compared as sorted lists
 * so that the check does not depend on reproducing SQLite's ORDER BY of the text.
 */
class FixtureQuoteTest {
    @TempDir
    Path dir;

    /** Lines of NAME.expected.txt grouped by table. */
    private static Map<String, List<String>> expected(Path file) throws Exception {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("-- table ")) {
                current = new ArrayList<>();
                tables.put(line.substring("-- table ".length()).trim(), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        return tables;
    }

    /** SELECT quote(c0), quote(c1), ... FROM the table at root, through the VM. */
    private static Program quoteScan(int root, int columns, int ipk, List<Integer> reals) {
        ProgramBuilder b = new ProgramBuilder();
        int end = b.newLabel();
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.OpenRead(0, root, 0, columns));
        b.emit(new Insn.Rewind(0, end));
        int loop = b.currentAddress();
        int value = b.allocRegister();
        int out = b.allocRegisters(columns);
        for (int c = 0; c < columns; c++) {
            if (c == ipk) {
                b.emit(new Insn.Rowid(0, value));
            } else {
                b.emit(new Insn.Column(0, c, value));
                if (reals.contains(c)) {
                    b.emit(new Insn.RealAffinity(value));
                }
            }
            b.emit(new Insn.Function(value, out + c, FunctionRegistry.lookup("quote", 1), 1));
        }
        b.emit(new Insn.ResultRow(out, columns));
        b.emit(new Insn.Next(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic-4096", "pagesize-512", "overflow", "pagesize-65536", "reserved-bytes", "freelist",
            "autovacuum-full", "autovacuum-incremental"})
    void quoteOfEveryValueMatchesTheFixturesExpectedText(String name) throws Exception {
        Path ours = dir.resolve(name + ".db");
        Path schemaCopy = dir.resolve(name + "-schema.db");
        Files.copy(FixtureReadTest.fixtures().resolve(name + ".db"), ours);
        Files.copy(FixtureReadTest.fixtures().resolve(name + ".db"), schemaCopy);
        Map<String, List<String>> expected = expected(FixtureReadTest.fixtures().resolve(name + ".db.expected.txt"));
        assertThat(expected).isNotEmpty();

        record Table(String name, int root, int columns, int ipk, List<Integer> reals) { }
        List<Table> tables = new ArrayList<>();
        // the schema (root pages, declared types) is read with sqlite-jdbc; the rows are not
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + schemaCopy)) {
            for (String table : expected.keySet()) {
                int root;
                try (var s = c.createStatement();
                     var rs = s.executeQuery("SELECT rootpage FROM sqlite_schema WHERE type='table' AND name='" + table + "'")) {
                    assertThat(rs.next()).as("table %s in %s", table, name).isTrue();
                    root = rs.getInt(1);
                }
                int columns = 0;
                int ipk = -1;
                List<Integer> reals = new ArrayList<>();
                try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (rs.next()) {
                        int cid = rs.getInt("cid");
                        String type = rs.getString("type");
                        if (rs.getInt("pk") == 1 && type.equalsIgnoreCase("INTEGER")) {
                            ipk = cid;
                        }
                        if (Affinity.ofDeclaredType(type) == Affinity.REAL) {
                            reals.add(cid);
                        }
                        columns++;
                    }
                }
                tables.add(new Table(table, root, columns, ipk, reals));
            }
        }

        long reals = 0;
        try (IoBackend io = IoBackends.create(IoKind.PORTABLE)) {
            Storage storage = Storage.open(io, ours, StorageOptions.defaults());
            Completion started = storage.start();
            while (!started.isDone()) {
                io.poll(true);
            }
            assertThat(started.failure()).isNull();
            FixtureReadTest.ReadContext ctx = new FixtureReadTest.ReadContext(storage);
            for (Table t : tables) {
                List<String> actual = new ArrayList<>();
                for (Object[] row : FixtureReadTest.run(io, ctx, quoteScan(t.root(), t.columns(), t.ipk(), t.reals()))) {
                    List<String> cells = new ArrayList<>();
                    for (Object v : row) {
                        String text = (String) v;
                        cells.add(text);
                        if (text.matches("-?[0-9]+\\.[0-9]+(e[-+][0-9]+)?")) {
                            reals++;
                        }
                    }
                    actual.add(String.join("|", cells));
                }
                List<String> want = new ArrayList<>(expected.get(t.name()));
                want.sort(null);
                actual.sort(null);
                assertThat(actual).as("rows of %s in %s", t.name(), name).hasSameSizeAs(want);
                for (int i = 0; i < want.size(); i++) {
                    assertThat(actual.get(i)).as("table %s sorted row %d of %s", t.name(), i, name).isEqualTo(want.get(i));
                }
            }
            Completion closed = storage.close();
            while (!closed.isDone()) {
                io.poll(true);
            }
        }
        if (!name.equals("overflow")) {
            assertThat(reals).as("REAL values checked in %s", name).isGreaterThan(100);
        }
    }
}
