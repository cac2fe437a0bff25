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
import io.ringlite.storage.pager.Pager;
import io.ringlite.vdbe.op.Insn;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM over the real storage stack (portable file I/O, WAL pager, B-trees): programs shaped
 * like sqlite3's create a table, insert rows and read them back; then real SQLite opens the file,
 * finds it intact and reads the same rows.
 */
class RealStorageTest {
    @TempDir
    Path dir;

    /** A minimal runtime: auto-commit transactions over the pager, as the engine does. */
    private static final class Runtime implements VdbeContext {
        final IoBackend io;
        final Storage storage;
        final Pager pager;
        boolean reading;
        long lastRowid;

        Runtime(IoBackend io, Storage storage) {
            this.io = io;
            this.storage = storage;
            this.pager = storage.pager();
        }

        void await(Completion c) {
            while (!c.isDone()) {
                io.poll(true);
            }
            if (c.isFailed()) {
                throw new AssertionError(c.failure());
            }
        }

        List<Object[]> run(Program p) {
            List<Object[]> rows = new ArrayList<>();
            try (Vdbe vm = new Vdbe(p, this)) {
                for (;;) {
                    StepResult r = vm.step();
                    if (r == StepResult.ROW) {
                        rows.add(vm.row());
                    } else if (r == StepResult.IO) {
                        await(vm.pendingIo());
                    } else if (r == StepResult.DONE) {
                        break;
                    } else {
                        throw new AssertionError(r);
                    }
                }
            }
            if (pager.inWriteTransaction()) {
                await(pager.commit());
            }
            if (reading) {
                pager.endRead();
                reading = false;
            }
            return rows;
        }

        @Override
        public BTreeStore btrees() {
            return storage.btrees();
        }

        @Override
        public IoStatus beginTransaction(boolean write) {
            if (!reading) {
                IoStatus s = pager.beginRead();
                if (!s.isReady()) {
                    return s;
                }
                reading = true;
            }
            if (write && !pager.inWriteTransaction()) {
                return pager.beginWrite();
            }
            return IoStatus.READY;
        }

        @Override
        public void autoCommit(boolean enable, boolean rollback) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isAutoCommit() {
            return true;
        }

        @Override
        public int readCookie(int headerOffset) {
            return pager.headerInt(headerOffset);
        }

        @Override
        public void setCookie(int headerOffset, int value) {
            pager.setHeaderInt(headerOffset, value);
        }

        @Override
        public void schemaChanged() {
        }

        @Override
        public long lastInsertRowid() {
            return lastRowid;
        }

        @Override
        public void setLastInsertRowid(long rowid) {
            lastRowid = rowid;
        }

        @Override
        public void beginStatement() {
            pager.beginStatement();
        }

        @Override
        public void commitStatement() {
            pager.commitStatement();
        }

        @Override
        public void rollbackStatement() {
            pager.rollbackStatement();
        }
    }

    /** CREATE TABLE t(a INTEGER, b TEXT, c REAL), as sqlite3 compiles it (root page into r2). */
    private static Program createTable() {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.ReadCookie(0, 1, 2)); // schema format
        int formatSet = b.newLabel();
        b.emit(new Insn.If(1, formatSet, false));
        b.emit(new Insn.SetCookie(0, 2, 4));
        b.emit(new Insn.SetCookie(0, 5, 1)); // text encoding UTF-8
        b.resolve(formatSet);
        b.emit(new Insn.CreateBtree(0, 2, 1));
        b.emit(new Insn.OpenWrite(0, 1, 0, 5));
        b.emit(new Insn.NewRowid(0, 3, 0));
        b.emit(new Insn.String8(4, "table"));
        b.emit(new Insn.String8(5, "t"));
        b.emit(new Insn.String8(6, "t"));
        b.emit(new Insn.Copy(2, 7));
        b.emit(new Insn.String8(8, "CREATE TABLE t(a INTEGER, b TEXT, c REAL)"));
        b.emit(new Insn.MakeRecord(4, 5, 9, "BBBDB"));
        b.emit(new Insn.Insert(0, 9, 3, null, 0));
        b.emit(new Insn.ReadCookie(0, 10, 1));
        b.emit(new Insn.Integer(1, 11));
        b.emit(new Insn.Add(11, 10, 10));
        b.emit(new Insn.SetCookie(0, 1, 1));
        b.emit(new Insn.ParseSchema(0, "tbl_name='t'"));
        b.emit(Insn.Halt.OK);
        return b.build();
    }

    /** INSERT INTO t VALUES(?1, ?2, ?3) for many rows via a counting loop (a bulk insert). */
    private static Program insertMany(int root, int n) {
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 1, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 3));
        b.emit(new Insn.Integer(n, 1));
        b.emit(new Insn.Integer(1, 2));
        int loop = b.currentAddress();
        b.emit(new Insn.Copy(1, 3));                 // a = counter
        b.emit(new Insn.String8(6, "row-"));
        b.emit(new Insn.Concat(1, 6, 4));            // b = 'row-' || counter
        b.emit(new Insn.Real(7, 0.5));
        b.emit(new Insn.Multiply(7, 1, 5));           // c = counter * 0.5
        b.emit(new Insn.NewRowid(0, 8, 0));
        b.emit(new Insn.MakeRecord(3, 3, 9, "DBE"));
        b.emit(new Insn.Insert(0, 9, 8, "t", Insn.OPFLAG_NCHANGE | Insn.OPFLAG_LASTROWID));
        b.emit(new Insn.Subtract(2, 1, 1));
        b.emit(new Insn.If(1, loop, false));
        b.emit(Insn.Halt.OK);
        return b.build();
    }

    @Test
    void programsWriteAFileThatRealSqliteReadsBack() throws Exception {
        Path file = dir.resolve("vm.db");
        int n = 3000; // enough rows for interior pages
        List<Object[]> scanned;
        try (IoBackend io = IoBackends.create(IoKind.PORTABLE)) {
            Storage storage = Storage.open(io, file, StorageOptions.defaults());
            Completion started = storage.start();
            while (!started.isDone()) {
                io.poll(true);
            }
            assertThat(started.isFailed()).as("start: %s", started.failure()).isFalse();
            Runtime rt = new Runtime(io, storage);
            rt.run(createTable());
            int root = rt.readCookie(40) > 0 ? 2 : -1;
            rt.run(insertMany(root, n));
            scanned = rt.run(TablePrograms.scan(root));
            rt.await(storage.close());
        }
        assertThat(scanned).hasSize(n);
        assertThat(scanned.get(0)).containsExactly(1L, (long) n, "row-" + n);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(a), min(b), max(c), typeof(c) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(n);
                assertThat(rs.getLong(2)).isEqualTo((long) n * (n + 1) / 2);
                assertThat(rs.getString(3)).isEqualTo("row-1");
                assertThat(rs.getDouble(4)).isEqualTo(n * 0.5);
                assertThat(rs.getString(5)).isEqualTo("real");
            }
        }
    }
}
