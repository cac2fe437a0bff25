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

    private static Completion startWriteAndDropBuffer(AsyncFile f, int block, int size) {
        MemorySegment buf = Arena.ofAuto().allocate(size);
        for (int i = 0; i < size; i++) {
            buf.set(JAVA_BYTE, i, (byte) (block + i * 3));
        }
        return f.write((long) block * size, buf);
    }
}
