package io.ringlite.uring;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Setup flags, their fallback and typed refusals, registered files, and the wait / wake-up path. */
class IoUringSetupTest {
    @TempDir
    Path dir;

    /** A liveness bound for loops that must end; never a timing assertion. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);

    @BeforeEach
    void requireUring() {
        UringProbe.Availability a = UringProbe.probe();
        assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
    }

    /** "6.18.44-fc" -> 6018; 0 when unparseable. */
    private static int kernel() {
        String[] v = System.getProperty("os.version", "").split("[.-]");
        try {
            return Integer.parseInt(v[0]) * 1000 + Integer.parseInt(v[1]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Test
    void openAsksForCooperativeTaskRunAndGetsItOnKernelsThatHaveIt() {
        try (IoUring ring = IoUring.open(8)) {
            assertThat(ring.setupFlags()).isIn(IoUring.PREFERRED_SETUP, 0);
            if (kernel() >= 5019) {
                assertThat(ring.setupFlags()).isEqualTo(IoUring.PREFERRED_SETUP);
            }
            assertThat(ring.features() & IoUring.FEAT_NODROP).as("IORING_FEAT_NODROP").isNotZero();
        }
    }

    @Test
    void deferTaskrunWithoutSingleIssuerIsRefusedWithEinval() {
        assertThatThrownBy(() -> IoUring.open(8, IoUring.SETUP_DEFER_TASKRUN))
                .isInstanceOfSatisfying(UringException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("EINVAL");
                    assertThat(e.operation()).isEqualTo("io_uring_setup");
                    assertThat(e.getMessage()).isEqualTo("io_uring_setup failed: EINVAL (Invalid argument)");
                });
    }

    @Test
    void unknownSetupFlagsAreRejectedBeforeReachingTheKernel() {
        assertThatThrownBy(() -> IoUring.open(8, 1 << 1 /* SQPOLL */))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported setup flags 0x2");
    }

    private static IoUring singleIssuer() {
        try {
            return IoUring.open(8, IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN | IoUring.SETUP_TASKRUN_FLAG);
        } catch (UringException e) {
            assumeTrue(e.errno() != Errno.EINVAL.number(), "kernel without SINGLE_ISSUER/DEFER_TASKRUN (6.1+)");
            throw e;
        }
    }

    @Test
    void singleIssuerRingRefusesAnotherThreadWithEexist() throws Exception {
        try (IoUring ring = singleIssuer()) {
            int[] res = {Integer.MIN_VALUE};
            ring.prepNop(r -> res[0] = r);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    ring.submit();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            other.join();
            assertThat(thrown.get()).isInstanceOfSatisfying(UringException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("EEXIST");
                assertThat(e.getMessage()).startsWith("io_uring_enter failed: EEXIST");
            });
            // The creating thread still can: the refused SQEs stayed queued.
            while (res[0] == Integer.MIN_VALUE) {
                ring.submitAndWait();
                ring.reap();
            }
            assertThat(res[0]).isZero();
        }
    }

    /**
     * With DEFER_TASKRUN the kernel turns a finished operation into a CQE only when the issuer
     * enters with GETEVENTS; the TASKRUN flag says when. A loop that only ever calls
     * {@code submit()} (poll without waiting) must still see the completion: here the wake-up
     * read, completed by another thread's eventfd write after the read was armed.
     */
    @Test
    void completionWorkDeferredByTheKernelIsCollectedWithoutWaiting() throws Exception {
        try (IoUring ring = singleIssuer()) {
            ring.submit(); // arms the wake-up read: the eventfd is empty, so the read waits
            Thread waker = Thread.ofPlatform().start(ring::wakeup);
            waker.join();
            long start = System.nanoTime();
            while (!ring.consumeWakeup()) {
                assertThat(System.nanoTime() - start).as("wake-up never collected by submit()").isLessThan(GIVE_UP_NANOS);
                ring.submit();
                ring.reap();
            }
        }
    }

    @Test
    void theWakeReadIsSubmittedByTheFirstEnterNotByOpen() throws Exception {
        IoUring[] made = new IoUring[1];
        Thread creator = Thread.ofPlatform().start(() -> made[0] = IoUring.open(8));
        creator.join();
        try (IoUring ring = made[0]) {
            assertThat(ring.enterCalls()).as("open made no io_uring_enter").isZero();
            // A wake-up before the first wait is not lost: the eventfd counter keeps it.
            ring.wakeup();
            while (!ring.consumeWakeup()) {
                ring.submitAndWait();
                assertThat(ring.reap()).isZero();
            }
        }
    }

    @Test
    void wakeupsWhileOneIsPendingWriteTheEventfdOnce() {
        try (IoUring ring = IoUring.open(8)) {
            for (int i = 0; i < 100; i++) {
                ring.wakeup();
            }
            assertThat(ring.wakeupWrites()).isEqualTo(1);
            while (!ring.consumeWakeup()) {
                ring.submitAndWait();
                ring.reap();
            }
            // Consumed: the next wake-up writes again, and ends the next wait.
            ring.wakeup();
            assertThat(ring.wakeupWrites()).isEqualTo(2);
            while (!ring.consumeWakeup()) {
                ring.submitAndWait();
                ring.reap();
            }
        }
    }

    @Test
    void submitReportsOperationsOnlyAndMakesNoCallWhenIdle() {
        try (IoUring ring = IoUring.open(8)) {
            int[] res = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.prepNop(r -> res[0] = r);
            ring.prepNop(r -> res[1] = r);
            assertThat(ring.submit()).as("the wake-up read is not counted").isEqualTo(2);
            while (res[0] == Integer.MIN_VALUE || res[1] == Integer.MIN_VALUE) {
                ring.submitAndWait();
                ring.reap();
            }
            long enters = ring.enterCalls();
            assertThat(ring.submit()).isZero();
            assertThat(ring.enterCalls()).as("nothing to submit, no completion work flagged").isEqualTo(enters);
        }
    }

    private static void await(IoUring ring, int[] res) {
        while (res[0] == Integer.MIN_VALUE) {
            ring.submitAndWait();
            ring.reap();
        }
    }

    /**
     * Proof that a registered descriptor's operations name the table slot: after the descriptor
     * number itself is closed, the table still holds the file, so a read still returns its
     * bytes (a plain-descriptor read would fail with EBADF).
     */
    @Test
    void readsOfARegisteredFileGoThroughTheTableSlot() throws Exception {
        Path file = dir.resolve("fixed.bin");
        Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            assertThat(ring.registeredFileSlots()).isPositive();
            int fd = PosixFile.open(file, PosixFile.O_RDWR, 0);
            assertThat(ring.registerFile(fd)).isTrue();
            assertThat(ring.isRegistered(fd)).isTrue();
            PosixFile.close(fd);
            MemorySegment buf = arena.allocate(8);
            int[] res = {Integer.MIN_VALUE};
            ring.prepRead(fd, 0, buf, r -> res[0] = r);
            await(ring, res);
            assertThat(res[0]).isEqualTo(8);
            assertThat(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);

            // Unregistered: the slot is cleared, and the closed number is just a bad descriptor.
            ring.unregisterFile(fd);
            assertThat(ring.isRegistered(fd)).isFalse();
            res[0] = Integer.MIN_VALUE;
            ring.prepRead(fd, 0, buf, r -> res[0] = r);
            await(ring, res);
            assertThat(Errno.nameOf(res[0])).isEqualTo("EBADF");
        }
    }

    @Test
    void registeredFilesWriteSyncAndReadBackAndSlotsAreReused() throws Exception {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            int slots = ring.registeredFileSlots();
            for (int round = 0; round < slots + 2; round++) {
                int fd = PosixFile.open(dir.resolve("f" + round), PosixFile.O_RDWR | PosixFile.O_CREAT, 0644);
                try {
                    assertThat(ring.registerFile(fd)).as("a slot freed by the previous round is reused").isTrue();
                    MemorySegment out = arena.allocate(512).fill((byte) round);
                    int[] res = {Integer.MIN_VALUE};
                    ring.prepWrite(fd, 0, out, r -> res[0] = r);
                    await(ring, res);
                    assertThat(res[0]).isEqualTo(512);
                    res[0] = Integer.MIN_VALUE;
                    ring.prepFsync(fd, true, r -> res[0] = r);
                    await(ring, res);
                    assertThat(res[0]).isZero();
                    MemorySegment in = arena.allocate(512);
                    res[0] = Integer.MIN_VALUE;
                    ring.prepRead(fd, 0, in, r -> res[0] = r);
                    await(ring, res);
                    assertThat(in.mismatch(out)).isEqualTo(-1);
                } finally {
                    ring.unregisterFile(fd);
                    PosixFile.close(fd);
                }
            }
        }
    }

    @Test
    void aFullTableLeavesFurtherDescriptorsPlain() throws Exception {
        try (IoUring ring = IoUring.open(8)) {
            int slots = ring.registeredFileSlots();
            assumeTrue(slots > 0, "kernel refused the registered file table");
            int[] fds = new int[slots + 1];
            try {
                for (int i = 0; i < fds.length; i++) {
                    fds[i] = PosixFile.open(dir.resolve("many" + i), PosixFile.O_RDWR | PosixFile.O_CREAT, 0644);
                    assertThat(ring.registerFile(fds[i])).isEqualTo(i < slots);
                }
                assertThat(ring.isRegistered(fds[slots])).isFalse();
            } finally {
                for (int fd : fds) {
                    if (fd > 0) {
                        ring.unregisterFile(fd);
                        PosixFile.close(fd);
                    }
                }
            }
        }
    }

    /**
     * Reads prepared while enough others are in flight go to io-wq (IOSQE_ASYNC) and still fill
     * their (pinned) buffers with the right bytes; with the threshold off, none do.
     */
    @Test
    void readsPreparedWhileOthersAreInFlightGoAsyncAndReturnTheRightBytes() throws Exception {
        Path file = dir.resolve("async.bin");
        byte[] data = new byte[16 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 4096 * 7 + i);
        }
        Files.write(file, data);
        try (IoUring ring = IoUring.open(32); Arena arena = Arena.ofConfined()) {
            int fd = PosixFile.open(file, PosixFile.O_RDONLY, 0);
            try {
                ring.registerFile(fd);
                for (int threshold : new int[] {0, 4}) {
                    ring.asyncReadsAbove(threshold);
                    long before = ring.asyncReads();
                    MemorySegment[] bufs = new MemorySegment[16];
                    int[] res = new int[16];
                    java.util.Arrays.fill(res, Integer.MIN_VALUE);
                    for (int i = 0; i < 16; i++) {
                        int k = i;
                        bufs[i] = arena.allocate(4096);
                        ring.prepRead(fd, i * 4096L, bufs[i], r -> res[k] = r);
                    }
                    // Reads 5..16 were prepared with at least 4 others in flight.
                    assertThat(ring.asyncReads() - before).isEqualTo(threshold == 0 ? 0 : 12);
                    long start = System.nanoTime();
                    while (java.util.Arrays.stream(res).anyMatch(r -> r == Integer.MIN_VALUE)) {
                        assertThat(System.nanoTime() - start).as("reads never completed").isLessThan(GIVE_UP_NANOS);
                        ring.submitAndWait();
                        ring.reap();
                    }
                    for (int i = 0; i < 16; i++) {
                        assertThat(res[i]).isEqualTo(4096);
                        byte[] expected = java.util.Arrays.copyOfRange(data, i * 4096, (i + 1) * 4096);
                        assertThat(bufs[i].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).as("block " + i).isEqualTo(expected);
                    }
                }
            } finally {
                ring.unregisterFile(fd);
                PosixFile.close(fd);
            }
        }
    }

    @Test
    void writesAreNeverMarkedAsync() throws Exception {
        try (IoUring ring = IoUring.open(16); Arena arena = Arena.ofConfined()) {
            ring.asyncReadsAbove(1);
            int fd = PosixFile.open(dir.resolve("w.bin"), PosixFile.O_RDWR | PosixFile.O_CREAT, 0644);
            try {
                int[] done = {0};
                for (int i = 0; i < 6; i++) {
                    ring.prepWrite(fd, i * 512L, arena.allocate(512), r -> done[0]++);
                }
                assertThat(ring.asyncReads()).isZero();
                while (done[0] < 6) {
                    ring.submitAndWait();
                    ring.reap();
                }
            } finally {
                PosixFile.close(fd);
            }
        }
    }
}
