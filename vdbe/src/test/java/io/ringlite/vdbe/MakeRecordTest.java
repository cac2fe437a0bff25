package io.ringlite.vdbe;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.record.Varint;
import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.testing.MemoryBTreeStore;
import io.ringlite.vdbe.testing.SimpleVdbeContext;
import io.ringlite.vdbe.testing.VdbeRunner;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MakeRecord with an affinity string writes the same bytes as SQLite's INSERT into a table with
 * those column affinities (including SQLite's habit of storing small integral REALs of REAL
 * columns as integers), and Column + RealAffinity reads them back as SQLite does.
 */
class MakeRecordTest {
    @TempDir
    Path dir;

    static final List<Object> VALUES = List.of(3.0, 0.0, -0.0, 2.5, 140737488355327.0, 140737488355328.0,
            -140737488355328.0, -140737488355329.0, 1e15, 1e18, 7L, "7", " 8 ", "1e2", "x", 9007199254740993L);

    @Test
    void recordsAreByteIdenticalToSqlitesForEveryAffinity() throws Exception {
        Path db = dir.resolve("m.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA page_size=65536");
                s.execute("CREATE TABLE t(r REAL, n NUMERIC, i INTEGER, tx TEXT, b BLOB, x)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES(?1, ?1, ?1, ?1, ?1, ?1)")) {
                for (Object v : VALUES) {
                    ps.setObject(1, v);
                    ps.executeUpdate();
                }
            }
        }
        Map<Long, byte[]> stored = leafRecords(Files.readAllBytes(db), 65536, 2);

        MemoryBTreeStore store = new MemoryBTreeStore();
        int root = store.createTableNow();
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 6));
        for (int k = 0; k < 6; k++) {
            b.emit(new Insn.Variable(1, 1 + k));
        }
        b.emit(new Insn.NewRowid(0, 7, 0));
        b.emit(new Insn.MakeRecord(1, 6, 8, "ECDBAA"));
        b.emit(new Insn.Insert(0, 8, 7, "t", Insn.OPFLAG_NCHANGE));
        b.emit(Insn.Halt.OK);
        Program insert = b.build();
        SimpleVdbeContext ctx = new SimpleVdbeContext(store);
        for (Object v : VALUES) {
            VdbeRunner.run(insert, ctx, v);
        }
        for (long rowid = 1; rowid <= VALUES.size(); rowid++) {
            assertThat(HexFormat.of().formatHex(store.table(root).get(rowid)))
                    .as("value %s", VALUES.get((int) rowid - 1))
                    .isEqualTo(HexFormat.of().formatHex(stored.get(rowid)));
        }
    }

    @Test
    void realAffinityTurnsIntegerStoredRealsBackIntoReals() {
        MemoryBTreeStore store = new MemoryBTreeStore();
        int root = store.createTableNow();
        ProgramBuilder b = new ProgramBuilder();
        b.emit(new Insn.Transaction(0, true, 0, false));
        b.emit(new Insn.OpenWrite(0, root, 0, 1));
        b.emit(new Insn.Real(1, 3.0));
        b.emit(new Insn.Integer(1, 2));
        b.emit(new Insn.MakeRecord(1, 1, 3, "E"));
        b.emit(new Insn.Insert(0, 3, 2, "t", 0));
        b.emit(new Insn.Column(0, 0, 4));
        b.emit(new Insn.Copy(4, 5));
        b.emit(new Insn.RealAffinity(5));
        b.emit(new Insn.ResultRow(4, 2));
        b.emit(Insn.Halt.OK);
        List<Object[]> rows = VdbeRunner.run(b.build(), new SimpleVdbeContext(store));
        assertThat(rows.get(0)).containsExactly(3L, 3.0);
    }

    /** rowid -> record of every cell on the table leaf page {@code page}. */
    static Map<Long, byte[]> leafRecords(byte[] file, int pageSize, int page) {
        ByteBuffer p = ByteBuffer.wrap(file, (page - 1) * pageSize, pageSize).slice();
        byte[] bytes = new byte[pageSize];
        p.get(0, bytes);
        MemorySegment seg = MemorySegment.ofArray(bytes);
        assertThat(bytes[0]).isEqualTo((byte) 13);
        int cells = p.getShort(3) & 0xffff;
        Map<Long, byte[]> out = new HashMap<>();
        for (int i = 0; i < cells; i++) {
            int off = p.getShort(8 + 2 * i) & 0xffff;
            long payload = Varint.read(seg, off, pageSize);
            off += Varint.lengthAt(seg, off, pageSize);
            long rowid = Varint.read(seg, off, pageSize);
            off += Varint.lengthAt(seg, off, pageSize);
            out.put(rowid, Arrays.copyOfRange(bytes, off, off + (int) payload));
        }
        return out;
    }
}
