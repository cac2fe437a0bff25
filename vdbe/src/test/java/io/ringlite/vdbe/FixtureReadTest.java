package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.vdbe.op.Insn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by real SQLite (the shared fixtures), read through the storage stack by VM
 * programs: every row of every table must equal what sqlite-jdbc reads from the same file
 * (records with overflow chains, page sizes 512..65536, reserved bytes, freelists).
 */
class FixtureReadTest {
    @TempDir
    Path dir;

    static Path fixtures() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path f = p.resolve("shared/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }

    /** A read-only context: transactions are the pager's read snapshot. */
    record ReadContext(Storage storage) implements VdbeContext {
        public BTreeStore btrees() {
            return storage.btrees();
        }

        public IoStatus beginTransaction(boolean write) {
            return storage.pager().beginRead();
        }

        public void autoCommit(boolean enable, boolean rollback) {
            throw new UnsupportedOperationException();
        }

        public boolean isAutoCommit() {
            return true;
        }

        public int readCookie(int headerOffset) {
            return storage.pager().headerInt(headerOffset);
        }

        public void setCookie(int headerOffset, int value) {
            throw new UnsupportedOperationException();
        }

        public void schemaChanged() {
        }

        public long lastInsertRowid() {
            return 0;
        }

        public void setLastInsertRowid(long rowid) {
        }

        public void beginStatement() {
        }

        public void commitStatement() {
        }

        public void rollbackStatement() {
        }
    }

    static List<Object[]> run(IoBackend io, ReadContext ctx, Program p) {
        List<Object[]> rows = new ArrayList<>();
        try (Vdbe vm = new Vdbe(p, ctx)) {
            for (;;) {
                StepResult r = vm.step();
                if (r == StepResult.ROW) {
                    rows.add(vm.row());
                } else if (r == StepResult.IO) {
                    while (!vm.pendingIo().isDone()) {
                        io.poll(true);
                    }
                } else {
                    break;
                }
            }
        }
        ctx.storage().pager().endRead();
        return rows;
    }

    /** SELECT rowid, c0, c1, ... FROM the table at root (IPK column -> rowid, REAL -> RealAffinity). */
    private static Program scan(int root, int columns, int ipk, List<Integer> realColumns) {
        ProgramBuilder b = new ProgramBuilder();
        int end = b.newLabel();
        b.emit(new Insn.Transaction(0, false, 0, false));
        b.emit(new Insn.OpenRead(0, root, 0, columns));
        b.emit(new Insn.Rewind(0, end));
        int loop = b.currentAddress();
        int out = b.allocRegisters(columns + 1);
        b.emit(new Insn.Rowid(0, out));
        for (int c = 0; c < columns; c++) {
            if (c == ipk) {
                b.emit(new Insn.Rowid(0, out + 1 + c));
            } else {
                b.emit(new Insn.Column(0, c, out + 1 + c));
                if (realColumns.contains(c)) {
                    b.emit(new Insn.RealAffinity(out + 1 + c));
                }
            }
        }
        b.emit(new Insn.ResultRow(out, columns + 1));
        b.emit(new Insn.Next(0, loop));
        b.resolve(end);
        b.emit(Insn.Halt.OK);
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic-4096", "overflow", "pagesize-512", "pagesize-65536", "reserved-bytes", "freelist"})
    void everyRowReadsBackAsSqliteReadsIt(String name) throws Exception {
        Path ours = dir.resolve(name + ".db");
        Path theirs = dir.resolve(name + "-oracle.db");
        Files.copy(fixtures().resolve(name + ".db"), ours);
        Files.copy(fixtures().resolve(name + ".db"), theirs);

        record TableInfo(String name, int root, List<String> columns, int ipk, List<Integer> reals) { }
        List<TableInfo> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + theirs)) {
            try (var s = c.createStatement();
                 var rs = s.executeQuery("SELECT name, rootpage FROM sqlite_schema WHERE type='table' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(new TableInfo(rs.getString(1), rs.getInt(2), new ArrayList<>(), -1, new ArrayList<>()));
                }
            }
            for (int i = 0; i < tables.size(); i++) {
                TableInfo t = tables.get(i);
                int ipk = -1;
                try (var s = c.createStatement(); var rs = s.executeQuery("PRAGMA table_info(" + t.name() + ")")) {
                    while (rs.next()) {
                        int cid = rs.getInt("cid");
                        t.columns().add(rs.getString("name"));
                        String type = rs.getString("type");
                        if (rs.getInt("pk") == 1 && type.equalsIgnoreCase("INTEGER")) {
                            ipk = cid;
                        }
                        if (io.ringlite.vdbe.value.Affinity.ofDeclaredType(type) == io.ringlite.vdbe.value.Affinity.REAL) {
                            t.reals().add(cid);
                        }
                    }
                }
                tables.set(i, new TableInfo(t.name(), t.root(), t.columns(), ipk, t.reals()));
            }
        }
        assertThat(tables).isNotEmpty();

        try (IoBackend io = IoBackends.create(IoKind.PORTABLE)) {
            Storage storage = Storage.open(io, ours, StorageOptions.defaults());
            Completion started = storage.start();
            while (!started.isDone()) {
                io.poll(true);
            }
            assertThat(started.failure()).isNull();
            ReadContext ctx = new ReadContext(storage);
            long rowsCompared = 0;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + theirs)) {
                for (TableInfo t : tables) {
                    List<String> expected = VdbeTableProgramsTest.query(c,
                            "SELECT rowid, " + String.join(", ", t.columns()) + " FROM " + t.name() + " ORDER BY rowid",
                            new Object[0]);
                    List<String> actual = Values.rows(run(io, ctx,
                            scan(t.root(), t.columns().size(), t.ipk(), t.reals())));
                    assertThat(actual).as("table %s of %s", t.name(), name).hasSize(expected.size());
                    for (int i = 0; i < expected.size(); i++) {
                        assertThat(actual.get(i)).as("table %s row %d", t.name(), i).isEqualTo(expected.get(i));
                    }
                    rowsCompared += expected.size();
                }
            }
            assertThat(rowsCompared).as("rows compared in %s", name).isGreaterThan(100);
            Completion closed = storage.close();
            while (!closed.isDone()) {
                io.poll(true);
            }
        }
    }
}
