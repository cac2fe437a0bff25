package io.ringlite.uring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IoUringTest {
    private static final int PENDING = Integer.MIN_VALUE;

    @TempDir
    Path dir;

    private IoUring ring;
    private int fd = -1;

    @BeforeEach
    void setUp() {
        UringProbe.Availability a = UringProbe.probe();
        assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
        ring = IoUring.open(64);
    }

    @AfterEach
    void tearDown() {
        if (ring != null) {
            ring.close();
        }
        if (fd >= 0) {
            PosixFile.close(fd);
        }
    }

    private int openTemp(String name) {
        fd = PosixFile.open(dir.resolve(name), PosixFile.O_RDWR | PosixFile.O_CREAT, 0644);
        return fd;
    }

    private void awaitAll(int[] results) {
        while (Arrays.stream(results).anyMatch(r -> r == PENDING)) {
            ring.submitAndWait();
            ring.reap();
        }
    }

    private static byte pattern(int block, int i) {
        return (byte) (block * 31 + i * 7 + 1);
    }

    @Test
    void writeThenFsyncThenReadReturnsTheWrittenBytes() throws Exception {
        int f = openTemp("rt.bin");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(4096);
            for (int i = 0; i < 4096; i++) {
                out.set(JAVA_BYTE, i, pattern(3, i));
            }
            int[] res = {PENDING};
            ring.prepWrite(f, 8192, out, r -> res[0] = r);
            awaitAll(res);
            assertThat(res[0]).isEqualTo(4096);

            int[] sync = {PENDING, PENDING};
            ring.prepFsync(f, true, r -> sync[0] = r);
            ring.prepFsync(f, false, r -> sync[1] = r);
            awaitAll(sync);
            assertThat(sync).containsExactly(0, 0);

            MemorySegment in = arena.allocate(4096);
            int[] read = {PENDING};
            ring.prepRead(f, 8192, in, r -> read[0] = r);
            awaitAll(read);
            assertThat(read[0]).isEqualTo(4096);
            assertThat(in.toArray(JAVA_BYTE)).isEqualTo(out.toArray(JAVA_BYTE));
        }
        byte[] onDisk = Files.readAllBytes(dir.resolve("rt.bin"));
        assertThat(onDisk).hasSize(8192 + 4096);
        assertThat(Arrays.copyOfRange(onDisk, 0, 8192)).containsOnly((byte) 0);
        assertThat(PosixFile.size(f)).isEqualTo(8192 + 4096);
    }

    @Test
    void readPastEndOfFileReturnsZeroBytes() {
        int f = openTemp("empty.bin");
        try (Arena arena = Arena.ofConfined()) {
            int[] read = {PENDING};
            ring.prepRead(f, 0, arena.allocate(512), r -> read[0] = r);
            awaitAll(read);
            assertThat(read[0]).isZero();
        }
    }

    @Test
    void preparedOperationsAreSubmittedTogetherByOneEnter() {
        int f = openTemp("batch.bin");
        int[] results = new int[8];
        Arrays.fill(results, PENDING);
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < results.length; i++) {
                int k = i;
                MemorySegment buf = arena.allocate(512);
                buf.fill((byte) i);
                ring.prepWrite(f, i * 512L, buf, r -> results[k] = r);
            }
            assertThat(ring.unsubmitted()).isEqualTo(8);
            long enters = ring.enterCalls();
            assertThat(ring.submit()).isEqualTo(8);
            assertThat(ring.enterCalls()).isEqualTo(enters + 1);
            assertThat(ring.unsubmitted()).isZero();
            awaitAll(results);
        }
        assertThat(results).containsOnly(512);
        assertThat(ring.inFlight()).isZero();
    }

    /**
     * DESIGN.md asynchronous contract 5: the ring itself keeps every buffer alive until its CQE
     * is reaped. The writes are prepared (the SQEs hold only raw addresses), every Java reference
     * to the auto-arena buffers is dropped, and the GC runs repeatedly while freshly allocated
     * segments of the same size are filled with 0xEE, so freed memory would be reused and
     * overwritten. Only then are the writes submitted. The file must hold the original bytes.
     */
    @Test
    void writesKeepTheirBuffersAliveThroughGcUntilReaped() throws Exception {
        int f = openTemp("gc.bin");
        int blocks = 32;
        int size = 16 * 1024;
        int[] results = new int[blocks];
        Arrays.fill(results, PENDING);
        List<WeakReference<MemorySegment>> refs = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            refs.add(prepareWriteAndForgetBuffer(f, b, size, results));
        }
        for (int round = 0; round < 5; round++) {
            System.gc();
            churn(size, 64);
        }
        assertThat(refs).allSatisfy(r -> assertThat(r.get()).as("buffer still pinned by the in-flight table").isNotNull());

        awaitAll(results);
        assertThat(results).containsOnly(size);

        byte[] onDisk = Files.readAllBytes(dir.resolve("gc.bin"));
        assertThat(onDisk).hasSize(blocks * size);
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < size; i++) {
                if (onDisk[b * size + i] != pattern(b, i)) {
                    throw new AssertionError("block " + b + " byte " + i + " was overwritten after its buffer was freed");
                }
            }
        }
    }

    private WeakReference<MemorySegment> prepareWriteAndForgetBuffer(int f, int block, int size, int[] results) {
        MemorySegment buf = Arena.ofAuto().allocate(size);
        for (int i = 0; i < size; i++) {
            buf.set(JAVA_BYTE, i, pattern(block, i));
        }
        ring.prepWrite(f, (long) block * size, buf, r -> results[block] = r);
        return new WeakReference<>(buf);
    }

    private static void churn(int size, int count) {
        for (int i = 0; i < count; i++) {
            Arena.ofAuto().allocate(size).fill((byte) 0xEE);
        }
    }

    @Test
    void readOnABadDescriptorFailsWithEbadf() {
        int[] res = {PENDING};
        try (Arena arena = Arena.ofConfined()) {
            ring.prepRead(987_654, 0, arena.allocate(64), r -> res[0] = r);
            awaitAll(res);
        }
        assertThat(res[0]).isEqualTo(-Errno.EBADF.number());
        UringException e = UringException.fromResult("read", res[0]);
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(e.errnoConstant()).isEqualTo(Errno.EBADF);
        assertThat(e).hasMessage("read failed: EBADF (Bad file descriptor)");
    }

    @Test
    void openOfAMissingFileThrowsEnoent() {
        assertThatThrownBy(() -> PosixFile.open(dir.resolve("nope/none.db"), PosixFile.O_RDWR, 0))
                .isInstanceOfSatisfying(UringException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOENT"));
    }

    @Test
    void wakeupFromAnotherThreadEndsAWaitingEnter() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                waiting.await();
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ring.wakeup();
        });
        waiting.countDown();
        // Nothing is in flight: only the wake-up can end this wait.
        while (!ring.consumeWakeup()) {
            ring.submitAndWait();
            assertThat(ring.reap()).isZero();
        }
        waker.join(TimeUnit.SECONDS.toMillis(10));
        // The read was re-armed: a second wake-up works too.
        ring.wakeup();
        while (!ring.consumeWakeup()) {
            ring.submitAndWait();
            ring.reap();
        }
    }

    @Test
    void wakeupsRacingWithCloseAreHarmless() throws Exception {
        IoUring other = IoUring.open(4);
        Thread waker = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 2000; i++) {
                other.wakeup();
            }
        });
        other.close();
        waker.join();
        other.wakeup(); // after close: a no-op, never a write to a reused descriptor number
    }

    @Test
    void closeWaitsForOperationsStillInFlight() {
        int f = openTemp("close.bin");
        IoUring other = IoUring.open(8);
        int[] res = {PENDING};
        MemorySegment buf = Arena.ofAuto().allocate(4096);
        buf.fill((byte) 7);
        other.prepWrite(f, 0, buf, r -> res[0] = r);
        other.submit();
        other.close();
        assertThat(res[0]).as("the handler ran before close returned").isEqualTo(4096);
        assertThat(other.inFlight()).isZero();
    }

    @Test
    void truncateAndLocksWorkOnADescriptor() {
        int f = openTemp("meta.bin");
        PosixFile.truncate(f, 10_000);
        assertThat(PosixFile.size(f)).isEqualTo(10_000);
        assertThat(PosixFile.tryLock(f, 1000, 10, true)).isTrue();
        assertThat(PosixFile.tryLock(f, 1000, 10, false)).as("upgrade in place").isTrue();
        PosixFile.unlock(f, 1000, 10);
    }

    @Test
    void theKernelProbeReportsTheOperationsThisRingUses() {
        assertThat(ring.supportsOp(IoUring.OP_READ)).isTrue();
        assertThat(ring.supportsOp(IoUring.OP_WRITE)).isTrue();
        assertThat(ring.supportsOp(IoUring.OP_FSYNC)).isTrue();
        assertThat(ring.supportsOp(300)).isFalse();
    }

    @Test
    void ftruncateThroughTheRingSetsTheFileSize() {
        assumeTrue(ring.supportsFtruncate(), "kernel without IORING_OP_FTRUNCATE (before 6.9)");
        int f = openTemp("ftrunc.bin");
        int[] res = {PENDING};
        ring.prepFtruncate(f, 12_345, r -> res[0] = r);
        awaitAll(res);
        assertThat(res[0]).isZero();
        assertThat(PosixFile.size(f)).isEqualTo(12_345);
        res[0] = PENDING;
        ring.prepFtruncate(f, 100, r -> res[0] = r);
        awaitAll(res);
        assertThat(PosixFile.size(f)).isEqualTo(100);
    }

    @Test
    void heapSegmentsAreRejectedBecauseTheyMayMove() {
        int f = openTemp("heap.bin");
        assertThatThrownBy(() -> ring.prepWrite(f, 0, MemorySegment.ofArray(new byte[16]), r -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ring.inFlight()).isZero();
    }
}
