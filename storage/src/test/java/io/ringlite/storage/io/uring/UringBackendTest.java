package io.ringlite.storage.io.uring;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.uring.UringProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UringBackendTest {
    @TempDir
    Path dir;

    private UringBackend backend;

    @BeforeEach
    void setUp() {
        assumeTrue(UringProbe.probe().available(), () -> "io_uring unavailable: " + UringProbe.probe().reason());
        backend = UringBackend.create();
    }

    @AfterEach
    void tearDown() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void oneLoopTurnSubmitsEveryStartedOperationWithOneEnter() {
        try (AsyncFile f = backend.open(dir.resolve("batch.db"), true, false); Arena arena = Arena.ofConfined()) {
            List<Completion> writes = new ArrayList<>();
            long before = backend.ring().enterCalls();
            for (int i = 0; i < 10; i++) {
                writes.add(f.write(i * 4096L, arena.allocate(4096)));
            }
            writes.add(f.sync(true));
            assertThat(backend.ring().enterCalls()).as("starting operations does not enter the kernel").isEqualTo(before);
            assertThat(backend.ring().unsubmitted()).isEqualTo(11);
            backend.poll(false);
            assertThat(backend.ring().enterCalls()).isEqualTo(before + 1);
            assertThat(backend.ring().unsubmitted()).isZero();
            while (backend.hasInFlight()) {
                backend.poll(true);
            }
            assertThat(writes).allSatisfy(c -> assertThat(c.isFailed()).isFalse());
        }
    }

    /**
     * DESIGN.md asynchronous contract 5 at the storage level: the caller's auto-arena buffers are
     * dropped right after the writes start, the GC runs while fresh buffers of 0xEE reuse freed
     * memory, and only then does the loop turn submit. The file must hold the original bytes.
     */
    @Test
    void writesLandIntactAfterTheCallerDroppedItsBuffersAndGcRan() throws Exception {
        Path p = dir.resolve("gc.db");
        int blocks = 24;
        int size = 8192;
        List<Completion> writes = new ArrayList<>();
        try (AsyncFile f = backend.open(p, true, false)) {
            for (int b = 0; b < blocks; b++) {
                writes.add(startWriteAndDropBuffer(f, b, size));
            }
            for (int round = 0; round < 5; round++) {
                System.gc();
                for (int i = 0; i < 64; i++) {
                    Arena.ofAuto().allocate(size).fill((byte) 0xEE);
                }
            }
            while (backend.hasInFlight()) {
                backend.poll(true);
            }
            assertThat(writes).allSatisfy(c -> assertThat(c.result()).isEqualTo(size));
        }
        byte[] disk = Files.readAllBytes(p);
        assertThat(disk).hasSize(blocks * size);
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < size; i++) {
                if (disk[b * size + i] != (byte) (b + i * 3)) {
                    throw new AssertionError("block " + b + " byte " + i + " changed after its buffer was dropped");
                }
            }
        }
    }

    @Test
    void filesUseTheRingsRegisteredTableWhileOpenAndLeaveItOnClose() throws Exception {
        assumeTrue(backend.ring().registeredFileSlots() > 0, "kernel refused the registered file table");
        UringFile f = (UringFile) backend.open(dir.resolve("fixed.db"), true, false);
        int fd = f.descriptor();
        assertThat(backend.ring().isRegistered(fd)).isTrue();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4096).fill((byte) 0x5A);
            Completion w = f.write(0, out);
            while (!w.isDone()) {
                backend.poll(true);
            }
            MemorySegment in = arena.allocate(4096);
            Completion r = f.read(0, in);
            while (!r.isDone()) {
                backend.poll(true);
            }
            assertThat(r.result()).isEqualTo(4096);
            assertThat(in.mismatch(out)).isEqualTo(-1);
        }
        f.close();
        assertThat(backend.ring().isRegistered(fd)).as("unregistered before the descriptor was closed").isFalse();
    }

    @Test
    void aFileClosedAfterItsBackendClosesWithoutError() {
        AsyncFile f = backend.open(dir.resolve("late.db"), true, false);
        backend.close();
        backend = null;
        f.close();
    }

    /**
     * 32 reads started in one loop turn (as 32 readers waiting on cache misses do): the ones
     * beyond {@link UringBackend#ASYNC_READS_ABOVE} go to io-wq, and every buffer gets its own
     * page's bytes.
     */
    @Test
    void manyReadsInOneTurnGoAsyncBeyondTheThresholdAndLandInTheirBuffers() throws Exception {
        Path p = dir.resolve("many.db");
        byte[] data = new byte[32 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 4096 + i * 31);
        }
        Files.write(p, data);
        try (AsyncFile f = backend.open(p, false, true); Arena arena = Arena.ofConfined()) {
            long before = backend.ring().asyncReads();
            List<Completion> reads = new ArrayList<>();
            List<MemorySegment> bufs = new ArrayList<>();
            for (int i = 31; i >= 0; i--) {
                MemorySegment b = arena.allocate(4096);
                bufs.add(0, b);
                reads.add(0, f.read(i * 4096L, b));
            }
            assertThat(backend.ring().asyncReads() - before).isEqualTo(32 - UringBackend.ASYNC_READS_ABOVE);
            while (backend.hasInFlight()) {
                backend.poll(true);
            }
            for (int i = 0; i < 32; i++) {
                assertThat(reads.get(i).result()).isEqualTo(4096);
                assertThat(bufs.get(i).toArray(JAVA_BYTE)).as("page " + i)
                        .isEqualTo(java.util.Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096));
            }
        }
    }

    private static Completion startWriteAndDropBuffer(AsyncFile f, int block, int size) {
        MemorySegment buf = Arena.ofAuto().allocate(size);
        for (int i = 0; i < size; i++) {
            buf.set(JAVA_BYTE, i, (byte) (block + i * 3));
        }
        return f.write((long) block * size, buf);
    }
}
