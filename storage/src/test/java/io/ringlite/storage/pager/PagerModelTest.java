package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.header.DatabaseHeader;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based: random transactions with statement savepoints, rollbacks, frees and allocations
 * against a plain map of page contents; checked after every step and across reopens.
 */
class PagerModelTest {
    private static final Path DB = Path.of("/sim/model.db");

    /** Live pages (first byte of each), free pages, page count. */
    private record Model(Map<Integer, Integer> live, Set<Integer> free, int pages) {
        Model copy() {
            return new Model(new HashMap<>(live), new HashSet<>(free), pages);
        }
    }

    private IoBackend io;
    private Storage storage;
    private WalPager pager;

    private void open(SimulatedFileSystem fs, StorageOptions options) {
        io = IoBackends.simulated(fs);
        storage = Storage.open(io, DB, options);
        TestIo.await(io, storage.start());
        pager = storage.walPager();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void pagerMatchesTheModelThroughSavepointsRollbacksAndReopens(long seed) {
        Random r = new Random(seed);
        SimulatedFileSystem fs = new SimulatedFileSystem(seed);
        StorageOptions options = StorageOptions.defaults().withPageSize(512 << r.nextInt(3)).withCacheSize(16)
                .withWalAutoCheckpoint(r.nextInt(40)).withSaltSeed(seed);
        open(fs, options);
        Model committed = new Model(new HashMap<>(), new HashSet<>(), 1);
        int value = 0;
        for (int step = 0; step < 200; step++) {
            TestIo.ready(io, pager::beginRead);
            TestIo.ready(io, pager::beginWrite);
            Model txn = committed.copy();
            Model statementStart = null;
            int ops = 1 + r.nextInt(12);
            for (int i = 0; i < ops; i++) {
                value = (value + 1) & 0x7f;
                int v = value;
                switch (r.nextInt(8)) {
                    case 0 -> {
                        if (statementStart == null) {
                            pager.beginStatement();
                            statementStart = txn.copy();
                        }
                    }
                    case 1 -> {
                        if (statementStart != null) {
                            if (r.nextBoolean()) {
                                pager.rollbackStatement();
                                txn = statementStart;
                            } else {
                                pager.commitStatement();
                            }
                            statementStart = null;
                        }
                    }
                    case 2, 3 -> {
                        int before = pager.pageCount();
                        TestIo.ready(io, () -> pager.prepareAllocate(1));
                        Page p = pager.allocate();
                        int n = p.number();
                        if (txn.free().remove(n)) {
                            assertThat(pager.pageCount()).isEqualTo(before);
                        } else {
                            assertThat(txn.free()).as("seed %d: the file grew while the freelist had pages", seed).isEmpty();
                            assertThat(n).isEqualTo(before + 1);
                        }
                        assertThat(p.data().get(ValueLayout.JAVA_BYTE, 0)).isZero();
                        p.data().fill((byte) v);
                        txn.live().put(n, v);
                        txn = new Model(txn.live(), txn.free(), pager.pageCount());
                    }
                    case 4 -> {
                        List<Integer> live = new ArrayList<>(txn.live().keySet());
                        if (!live.isEmpty()) {
                            int n = live.get(r.nextInt(live.size()));
                            TestIo.ready(io, () -> pager.prepareFree(1));
                            pager.free(n);
                            txn.live().remove(n);
                            txn.free().add(n);
                        }
                    }
                    default -> {
                        List<Integer> live = new ArrayList<>(txn.live().keySet());
                        if (!live.isEmpty()) {
                            int n = live.get(r.nextInt(live.size()));
                            TestIo.ready(io, () -> pager.fetch(n));
                            Page p = pager.get(n);
                            pager.markDirty(p);
                            p.data().fill((byte) v);
                            txn.live().put(n, v);
                        }
                    }
                }
            }
            if (r.nextInt(4) == 0) {
                check(seed, txn);
            }
            if (r.nextInt(5) == 0) {
                pager.rollback();
            } else {
                TestIo.await(io, pager.commit());
                committed = txn;
            }
            pager.endRead();
            check(seed, committed);
            if (r.nextInt(25) == 0) {
                TestIo.await(io, storage.close());
                open(fs, options);
                check(seed, committed);
            }
        }
        TestIo.await(io, storage.close());
    }

    private void check(long seed, Model m) {
        assertThat(pager.pageCount()).as("seed %d: page count", seed).isEqualTo(m.pages());
        assertThat(pager.headerInt(DatabaseHeader.OFF_FREELIST_COUNT)).as("seed %d: freelist count", seed)
                .isEqualTo(m.free().size());
        for (Map.Entry<Integer, Integer> e : m.live().entrySet()) {
            int n = e.getKey();
            TestIo.ready(io, () -> pager.fetch(n));
            assertThat((int) pager.get(n).data().get(ValueLayout.JAVA_BYTE, 0)).as("seed %d: page %d", seed, n)
                    .isEqualTo(e.getValue());
        }
        assertThat(m.live().size() + m.free().size() + 1).as("seed %d: every page live or free", seed).isEqualTo(m.pages());
    }
}
