package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.check.IntegrityCheck;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.IoStatus;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-vacuum through the storage API alone (no SQL): random inserts with overflow chains,
 * deletes, tree creation and drops on a new auto-vacuum database with a page cache far smaller
 * than the file, so that every step of the pointer-map upkeep and of vacuum meets cache misses.
 * After every commit the pointer map is checked ({@link PtrMapCheck}) with the B-tree structure
 * ({@link IntegrityCheck}); at the end real SQLite checks the file.
 */
class AutoVacuumPagerTest {
    @TempDir
    Path tmp;

    private IoBackend io;

    @Test
    void fullModeKeepsPointerMapTrueAndFreelistEmptyAtEveryCommit() throws Exception {
        run(1, 4242L);
    }

    @Test
    void incrementalModeKeepsPointerMapTrueAndVacuumsOnRequest() throws Exception {
        run(2, 4343L);
    }

    @Test
    void pointerMapCheckReportsAWrongEntryAsSqliteDoes() throws Exception {
        Path file = tmp.resolve("badpm.db");
        Path fixture = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && fixture == null; d = d.getParent()) {
            for (Path f : new Path[] {d.resolve("shared/fixtures/autovacuum-full.db"),
                    d.resolveSibling("shared").resolve("fixtures/autovacuum-full.db")}) {
                if (java.nio.file.Files.exists(f)) {
                    fixture = f;
                }
            }
        }
        assertThat(fixture).as("../shared/fixtures/autovacuum-full.db").isNotNull();
        java.nio.file.Files.copy(fixture, file);
        file.toFile().setWritable(true);
        // page 10 is the right child of page 6: make its entry name page 3 instead
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(4096 + 5 * (10 - 3));
            f.write(new byte[] {5, 0, 0, 0, 3});
        }
        io = IoBackends.create(IoKind.PORTABLE);
        try {
            Storage storage = Storage.open(io, file, StorageOptions.defaults().withReadOnly(true));
            await(storage.start());
            Pager pager = storage.pager();
            ready(pager::beginRead);
            PtrMapCheck check = new PtrMapCheck(pager, new int[] {3, 4, 5, 6}, 10);
            ready(check::run);
            assertThat(check.problems()).containsExactly("Bad ptr map entry key=10 expected=(5,6) got=(5,3)");
            // the same through integrity_check, run a few pages at a time as the engine runs it
            IntegrityCheck full = new IntegrityCheck(pager, new int[] {3, 4, 5, 6}, 100);
            int rounds = 0;
            while (!full.isFinished()) {
                ready(() -> full.run(3));
                rounds++;
            }
            assertThat(rounds).isGreaterThan(30);
            assertThat(full.messages()).containsExactly(
                    "*** in database main ***\nBad ptr map entry key=10 expected=(5,6) got=(5,3)");
            pager.endRead();
            await(storage.close());
        } finally {
            io.close();
        }
    }

    @Test
    void bigDeleteVacuumsHundredsOfPagesThroughATinyCache() throws Exception {
        Path file = tmp.resolve("big.db");
        io = IoBackends.create(IoKind.PORTABLE);
        Map<String, Integer> roots = new LinkedHashMap<>();
        try {
            Storage storage = Storage.open(io, file,
                    StorageOptions.defaults().withPageSize(512).withCacheSize(1).withSaltSeed(9));
            await(storage.start());
            Pager pager = storage.pager();
            BTreeStore store = storage.btrees();
            ready(pager::beginRead);
            ready(pager::beginWrite);
            pager.setAutoVacuumMode(1);
            int[] a = new int[1];
            int[] b = new int[1];
            ready(() -> store.createTable(a));
            ready(() -> store.createTable(b));
            for (int[] t : new int[][] {a, b}) {
                String name = t == a ? "a" : "b";
                byte[] rec = record("table", name, name, (long) t[0], "CREATE TABLE " + name + "(b)");
                try (BTreeCursor s = store.openTable(1, true)) {
                    ready(() -> s.insert(t == a ? 1 : 2, MemorySegment.ofArray(rec)));
                }
                roots.put(name, t[0]);
            }
            // interleave the two tables' pages, so that deleting one leaves holes everywhere
            try (BTreeCursor ca = store.openTable(a[0], true); BTreeCursor cb = store.openTable(b[0], true)) {
                for (long k = 1; k <= 300; k++) {
                    byte[] rec = record(blob((int) (k % 7 == 0 ? 1500 : 300), k));
                    long key = k;
                    ready(() -> ca.insert(key, MemorySegment.ofArray(rec)));
                    ready(() -> cb.insert(key, MemorySegment.ofArray(rec)));
                }
            }
            await(pager.commit());
            pager.endRead();
            int before = pager.pageCount();
            ready(pager::beginRead);
            ready(pager::beginWrite);
            try (BTreeCursor ca = store.openTable(a[0], true)) {
                for (long k = 1; k <= 300; k++) {
                    if (k % 10 != 0) {
                        long key = k;
                        ready(() -> ca.seekRowid(key));
                        ready(ca::delete);
                    }
                }
            }
            await(pager.commit());
            pager.endRead();
            assertThat(pager.headerInt(36)).isZero();
            assertThat(pager.pageCount()).isLessThan(before * 3 / 4);
            check(pager, roots, 0);
            await(storage.close());
        } finally {
            io.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("ok");
        }
    }

    private void run(int mode, long seed) throws Exception {
        Path file = tmp.resolve("av" + mode + ".db");
        io = IoBackends.create(IoKind.PORTABLE);
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Integer> roots = new LinkedHashMap<>();
        Map<String, TreeMap<Long, Integer>> rows = new LinkedHashMap<>();
        Map<String, Long> schemaRowid = new LinkedHashMap<>();
        int created = 0;
        try {
            Storage storage = Storage.open(io, file,
                    StorageOptions.defaults().withPageSize(1024).withCacheSize(8).withSaltSeed(5));
            await(storage.start());
            Pager pager = storage.pager();
            BTreeStore store = storage.btrees();
            ready(pager::beginRead);
            ready(pager::beginWrite);
            pager.setAutoVacuumMode(mode);
            assertThat(pager.autoVacuumMode()).isEqualTo(mode);
            await(pager.commit());
            pager.endRead();
            for (int step = 0; step < 120; step++) {
                ready(pager::beginRead);
                ready(pager::beginWrite);
                int op = rnd.nextInt(10);
                if (roots.isEmpty() || op == 0) {
                    String name = "t" + created++;
                    int[] root = new int[1];
                    ready(() -> store.createTable(root));
                    long rowid = created;
                    byte[] rec = record("table", name, name, (long) root[0], "CREATE TABLE " + name + "(b)");
                    try (BTreeCursor s = store.openTable(1, true)) {
                        ready(() -> s.insert(rowid, MemorySegment.ofArray(rec)));
                    }
                    roots.put(name, root[0]);
                    rows.put(name, new TreeMap<>());
                    schemaRowid.put(name, rowid);
                    pager.setHeaderInt(40, pager.headerInt(40) + 1);
                } else if (op == 1 && roots.size() > 1) {
                    List<String> names = new ArrayList<>(roots.keySet());
                    String name = names.get(rnd.nextInt(names.size()));
                    long rowid = schemaRowid.remove(name);
                    try (BTreeCursor s = store.openTable(1, true)) {
                        ready(() -> s.seekRowid(rowid));
                        ready(s::delete);
                    }
                    int root = roots.remove(name);
                    int largest = pager.headerInt(52);
                    ready(() -> store.dropTree(root));
                    rows.remove(name);
                    // the largest root moved into the dropped slot (OP_Destroy)
                    for (Map.Entry<String, Integer> e : roots.entrySet()) {
                        if (e.getValue() == largest && largest != root) {
                            e.setValue(root);
                        }
                    }
                    pager.setHeaderInt(40, pager.headerInt(40) + 1);
                } else if (op < 7) {
                    List<String> names = new ArrayList<>(roots.keySet());
                    String name = names.get(rnd.nextInt(names.size()));
                    TreeMap<Long, Integer> model = rows.get(name);
                    try (BTreeCursor c = store.openTable(roots.get(name), true)) {
                        int k = 1 + rnd.nextInt(12);
                        for (int i = 0; i < k; i++) {
                            long key = rnd.nextLong(1, 300);
                            int size = rnd.nextInt(5) == 0 ? 1000 + rnd.nextInt(5000) : rnd.nextInt(200);
                            byte[] rec = record(blob(size, key));
                            ready(() -> c.insert(key, MemorySegment.ofArray(rec)));
                            model.put(key, size);
                        }
                    }
                } else if (op < 9) {
                    List<String> names = new ArrayList<>(roots.keySet());
                    String name = names.get(rnd.nextInt(names.size()));
                    TreeMap<Long, Integer> model = rows.get(name);
                    try (BTreeCursor c = store.openTable(roots.get(name), true)) {
                        for (Long key : model.keySet().toArray(new Long[0])) {
                            if (rnd.nextInt(3) == 0) {
                                ready(() -> c.seekRowid(key));
                                ready(c::delete);
                                model.remove(key);
                            }
                        }
                    }
                } else {
                    int[] left = {1 + rnd.nextInt(30)};
                    ready(() -> pager.incrementalVacuum(left));
                }
                await(pager.commit());
                pager.endRead();
                if (mode == 1) {
                    assertThat(pager.headerInt(36)).as("freelist count after commit %d", step).isZero();
                }
                check(pager, roots, step);
            }
            if (mode == 2) {
                ready(pager::beginRead);
                ready(pager::beginWrite);
                int before = pager.pageCount();
                int free = pager.headerInt(36);
                int[] all = {0};
                ready(() -> pager.incrementalVacuum(all));
                await(pager.commit());
                pager.endRead();
                assertThat(pager.headerInt(36)).isZero();
                assertThat(pager.pageCount()).isLessThanOrEqualTo(before - free);
                check(pager, roots, -1);
            }
            await(storage.close());
        } finally {
            io.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("PRAGMA auto_vacuum")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(mode);
            }
            for (Map.Entry<String, TreeMap<Long, Integer>> t : rows.entrySet()) {
                try (ResultSet rs = s.executeQuery("SELECT rowid, length(b) FROM " + t.getKey() + " ORDER BY rowid")) {
                    for (Map.Entry<Long, Integer> e : t.getValue().entrySet()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(e.getKey());
                        assertThat(rs.getInt(2)).isEqualTo(e.getValue());
                    }
                    assertThat(rs.next()).isFalse();
                }
            }
        }
    }

    private void check(Pager pager, Map<String, Integer> roots, int step) {
        ready(pager::beginRead);
        int[] r = roots.values().stream().mapToInt(Integer::intValue).toArray();
        PtrMapCheck ptrmap = new PtrMapCheck(pager, r, 20);
        ready(ptrmap::run);
        assertThat(ptrmap.problems()).as("pointer map after step %d", step).isEmpty();
        IntegrityCheck check = new IntegrityCheck(pager, r, 20);
        ready(check::run);
        assertThat(check.messages()).as("integrity after step %d", step).containsExactly("ok");
        int max = 1;
        for (int x : r) {
            max = Math.max(max, x);
        }
        assertThat(pager.headerInt(52)).as("largest root after step %d", step).isEqualTo(max);
        pager.endRead();
    }

    private static byte[] blob(int size, long key) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (key * 31 + i);
        }
        return b;
    }

    /** A record of the values (String, Long or byte[]) in SQLite's record format. */
    private static byte[] record(Object... values) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object v : values) {
            switch (v) {
                case String s -> {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    varint(header, 13 + 2L * b.length);
                    body.writeBytes(b);
                }
                case byte[] b -> {
                    varint(header, 12 + 2L * b.length);
                    body.writeBytes(b);
                }
                case Long l -> {
                    varint(header, 4);
                    body.write((int) (l >> 24));
                    body.write((int) (l >> 16));
                    body.write((int) (l >> 8));
                    body.write((int) (long) l);
                }
                default -> throw new IllegalArgumentException(String.valueOf(v));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int h = header.size() + 1;
        if (h > 127) {
            h++;
        }
        varint(out, h);
        out.writeBytes(header.toByteArray());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        if (v < 0x80) {
            out.write((int) v);
            return;
        }
        byte[] tmp = new byte[10];
        int n = 0;
        while (v != 0) {
            tmp[n++] = (byte) (v & 0x7f);
            v >>>= 7;
        }
        for (int i = n - 1; i >= 0; i--) {
            out.write(tmp[i] | (i > 0 ? 0x80 : 0));
        }
    }

    private void await(Completion c) {
        long spins = 0;
        while (!c.isDone()) {
            io.poll(io.hasInFlight());
            if (++spins > 50_000_000L) {
                throw new AssertionError("completion never finished");
            }
        }
        if (c.isFailed()) {
            throw new AssertionError(c.failure());
        }
    }

    private void ready(Supplier<IoStatus> op) {
        for (int i = 0; i < 100_000; i++) {
            IoStatus s = op.get();
            if (s instanceof IoStatus.Pending(Completion c)) {
                await(c);
            } else {
                return;
            }
        }
        throw new AssertionError("operation stayed Pending");
    }
}
