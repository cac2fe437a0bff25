package io.ringlite.storage.btree;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.io.IoStatus;
import java.util.function.Supplier;

/** Drives a B-tree call the way the VDBE does: re-run after Pending until READY. */
final class Io {
    private Io() {
    }

    /** Runs {@code op} until READY, checking that every Pending attempt changed no page. */
    static void run(MemoryPager pager, Supplier<IoStatus> op) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            long before = pager.mutations();
            IoStatus s = op.get();
            if (s.isReady()) {
                return;
            }
            assertThat(s).isInstanceOf(IoStatus.Pending.class);
            assertThat(pager.mutations()).as("a Pending call must not have changed any page").isEqualTo(before);
        }
        throw new AssertionError("operation never became READY");
    }
}
