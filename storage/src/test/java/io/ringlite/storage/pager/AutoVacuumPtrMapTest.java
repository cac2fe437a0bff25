package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Pointer-map geometry and entries as "Database File Format" section 1.7 places them. */
class AutoVacuumPtrMapTest {
    private static final int LOCK_PAGE_4K = (int) (0x40000000L / 4096) + 1;

    @Test
    void ptrmapPagesSitAtPageTwoAndEveryUsableOverFivePlusOnePagesAfter() {
        PtrMap map = new PtrMap(4096, LOCK_PAGE_4K);
        // 819 entries per ptrmap page: page 2 covers 3..821, page 822 covers 823..1641
        assertThat(map.isMapPage(2)).isTrue();
        assertThat(map.isMapPage(3)).isFalse();
        assertThat(map.mapPageOf(3)).isEqualTo(2);
        assertThat(map.mapPageOf(821)).isEqualTo(2);
        assertThat(map.isMapPage(822)).isTrue();
        assertThat(map.mapPageOf(823)).isEqualTo(822);
        assertThat(map.mapPageOf(1641)).isEqualTo(822);
        assertThat(map.isMapPage(1642)).isTrue();
        assertThat(map.isMapPage(1)).isFalse();
    }

    @Test
    void reservedBytesShrinkTheEntriesPerPage() {
        PtrMap map = new PtrMap(512 - 32, (int) (0x40000000L / 512) + 1);
        // usable 480: 96 entries, next ptrmap page at 2 + 97
        assertThat(map.isMapPage(99)).isTrue();
        assertThat(map.mapPageOf(98)).isEqualTo(2);
        assertThat(map.mapPageOf(100)).isEqualTo(99);
    }

    @Test
    void aPtrmapPageThatWouldFallOnTheLockBytePageMovesToTheNextPage() {
        // usable 1024 -> 204 entries, groups of 205 pages starting at 2; lock page of 1 KiB pages
        int lock = (int) (0x40000000L / 1024) + 1;
        PtrMap map = new PtrMap(1024, lock);
        int group = 205;
        int onLock = ((lock - 2) / group) * group + 2;
        if (onLock == lock) {
            assertThat(map.isMapPage(lock + 1)).isTrue();
            assertThat(map.isSpecial(lock)).isTrue();
        }
        assertThat(map.isSpecial(lock)).isTrue();
    }

    @Test
    void entriesAreFiveBytesTypeThenBigEndianParent() {
        PtrMap map = new PtrMap(4096, LOCK_PAGE_4K);
        MemorySegment page = MemorySegment.ofArray(new byte[4096]);
        map.put(page, 2, 3, PtrMap.BTREE, 0x01020304);
        map.put(page, 2, 5, PtrMap.OVERFLOW1, 7);
        assertThat(page.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).startsWith(5, 1, 2, 3, 4, 0, 0, 0, 0, 0, 3, 0, 0, 0, 7);
        assertThat(map.type(page, 2, 5)).isEqualTo(PtrMap.OVERFLOW1);
        assertThat(map.parent(page, 2, 3)).isEqualTo(0x01020304);
        assertThat(map.holds(page, 2, 5, PtrMap.OVERFLOW1, 7)).isTrue();
        assertThat(map.holds(page, 2, 5, PtrMap.OVERFLOW2, 7)).isFalse();
    }

    @Test
    void localPayloadFollowsTheOverflowRules() {
        // table leaf, usable 4096: X = 4061, M = 489; payloads up to X stay local
        assertThat(io.ringlite.storage.record.LocalPayload.localSize(true, 4061, 4096)).isEqualTo(4061);
        long p = 5000;
        long k = 489 + (p - 489) % 4092;
        assertThat(io.ringlite.storage.record.LocalPayload.localSize(true, p, 4096)).isEqualTo((int) (k <= 4061 ? k : 489));
        // index pages: X = (4084*64/255)-23 = 1002
        assertThat(io.ringlite.storage.record.LocalPayload.localSize(false, 1002, 4096)).isEqualTo(1002);
        assertThat(io.ringlite.storage.record.LocalPayload.localSize(false, 1003, 4096)).isLessThan(1003);
    }
}
