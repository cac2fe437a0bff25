package io.ringlite.storage.pager;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PageCacheTest {

    private static Page page(int n) {
        return new Page(n, MemorySegment.ofArray(new byte[8]));
    }

    @Test
    void behavesLikeAMapUnderRandomPutsAndRemoves() {
        long seed = 20260101L;
        Random r = new Random(seed);
        PageCache cache = new PageCache(1_000_000);
        Map<Integer, Page> model = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            int n = 1 + r.nextInt(3000);
            if (r.nextBoolean() && !model.containsKey(n)) {
                Page p = page(n);
                cache.put(p);
                model.put(n, p);
            } else {
                assertThat(cache.remove(n)).as("seed %d", seed).isSameAs(model.remove(n));
            }
            int probe = 1 + r.nextInt(3000);
            assertThat(cache.get(probe)).as("seed %d", seed).isSameAs(model.get(probe));
        }
        assertThat(cache.size()).isEqualTo(model.size());
    }

    @Test
    void evictsLeastRecentlyUsedCleanUnpinnedPagesFirst() {
        PageCache cache = new PageCache(16);
        for (int n = 1; n <= 20; n++) {
            cache.put(page(n));
        }
        cache.touch(cache.get(1));
        cache.touch(cache.get(2));
        cache.touch(cache.get(3));
        cache.evictOverCapacity();
        assertThat(cache.size()).isEqualTo(16);
        assertThat(cache.get(1)).as("recently used").isNotNull();
        assertThat(cache.get(3)).as("recently used").isNotNull();
        assertThat(cache.get(4)).isNull();
        assertThat(cache.get(7)).isNull();
        assertThat(cache.get(8)).isNotNull();
        assertThat(cache.get(20)).isNotNull();
    }

    @Test
    void dirtyAndPinnedPagesDoNotCountAgainstTheRecentlyUsedCleanOnes() {
        PageCache cache = new PageCache(16);
        for (int n = 1; n <= 16; n++) {
            cache.put(page(n));
        }
        cache.get(2).pins = 1;
        cache.get(3).dirty = true;
        for (int n = 17; n <= 40; n++) {
            cache.put(page(n));
            cache.evictOverCapacity();
        }
        // The 16 most recently used clean pages stay next to the pinned and the dirty one.
        assertThat(cache.size()).isEqualTo(18);
        assertThat(cache.get(2)).as("pinned").isNotNull();
        assertThat(cache.get(3)).as("dirty").isNotNull();
        assertThat(cache.get(24)).isNull();
        for (int n = 25; n <= 40; n++) {
            assertThat(cache.get(n)).as("page %d", n).isNotNull();
        }
    }

    @Test
    void neverEvictsThePageJustLoadedWhileDirtyPagesFillTheCache() {
        PageCache cache = new PageCache(16);
        for (int n = 1; n <= 100; n++) {
            Page p = page(n);
            p.dirty = true;
            cache.put(p);
        }
        // What the pager does on each miss of a clean page: insert it, then evict. The page
        // and the ones loaded just before it (the same instruction's path) must all stay.
        for (int n = 101; n <= 104; n++) {
            cache.put(page(n));
            cache.evictOverCapacity();
        }
        for (int n = 101; n <= 104; n++) {
            assertThat(cache.get(n)).as("page %d", n).isNotNull();
        }
        assertThat(cache.size()).isEqualTo(104);
    }

    @Test
    void neverEvictsWhenEveryPageIsDirtyOrPinned() {
        PageCache cache = new PageCache(16);
        for (int n = 1; n <= 40; n++) {
            Page p = page(n);
            p.dirty = n % 2 == 0;
            p.pins = n % 2;
            cache.put(p);
            cache.evictOverCapacity();
        }
        assertThat(cache.size()).isEqualTo(40);
    }
}
