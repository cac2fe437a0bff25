package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link AsyncFile} / {@link IoBackend} contract, run against every backend by a subclass.
 * Each test uses only the public contract, so a backend that passes can replace another.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang is a failure, not a slow test
abstract class AsyncFileContract {
    protected IoBackend backend;
    protected Arena arena;
    private final List<AsyncFile> opened = new ArrayList<>();

    /** A fresh backend of the kind under test. */
    protected abstract IoBackend newBackend();

    /** A path for a new file named {@code name}, not existing yet. */
    protected abstract Path path(String name);

    @BeforeEach
    void setUpBackend() {
        backend = newBackend();
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDownBackend() {
        for (AsyncFile f : opened) {
            f.close();
        }
        drain();
        backend.close();
        arena.close();
    }

    private void drain() {
        while (backend.hasInFlight()) {
            backend.poll(true);
        }
    }

    protected AsyncFile open(String name) {
        AsyncFile f = backend.open(path(name), true, false);
        opened.add(f);
        return f;
    }

    /** Drives the backend until {@code c} is done, as an event loop would. */
    protected Completion await(Completion c) {
        while (!c.isDone()) {
            assertThat(backend.hasInFlight()).as("a pending completion needs an operation in flight").isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("interrupted (timed out?)").isFalse();
            backend.poll(true);
        }
        return c;
    }

    protected long awaitResult(Completion c) {
        await(c);
        if (c.isFailed()) {
            throw new AssertionError("operation failed", c.failure());
        }
        return c.result();
    }

    protected MemorySegment pattern(int size, int seed) {
        MemorySegment s = arena.allocate(size);
        for (int i = 0; i < size; i++) {
            s.set(JAVA_BYTE, i, (byte) (seed * 17 + i * 13));
        }
        return s;
    }

    @Test
    void writeThenReadReturnsTheSameBytes() {
        AsyncFile f = open("rw.db");
        MemorySegment out = pattern(4096, 1);
        assertThat(awaitResult(f.write(4096, out))).isEqualTo(4096);
        MemorySegment in = arena.allocate(4096);
        assertThat(awaitResult(f.read(4096, in))).isEqualTo(4096);
        assertThat(in.toArray(JAVA_BYTE)).isEqualTo(out.toArray(JAVA_BYTE));
        assertThat(f.size()).isEqualTo(8192);
    }

    @Test
    void theHoleBeforeAWriteReadsAsZeros() {
        AsyncFile f = open("hole.db");
        awaitResult(f.write(1024, pattern(100, 2)));
        MemorySegment in = pattern(1024, 3);
        assertThat(awaitResult(f.read(0, in))).isEqualTo(1024);
        assertThat(in.toArray(JAVA_BYTE)).containsOnly((byte) 0);
    }

    @Test
    void readPastTheEndIsShortAndLeavesTheRestOfTheBufferAlone() {
        AsyncFile f = open("short.db");
        awaitResult(f.write(0, pattern(1000, 4)));
        MemorySegment in = arena.allocate(4096);
        in.fill((byte) 0x5A);
        assertThat(awaitResult(f.read(512, in))).isEqualTo(488);
        assertThat(in.asSlice(0, 488).toArray(JAVA_BYTE)).isEqualTo(pattern(1000, 4).asSlice(512).toArray(JAVA_BYTE));
        assertThat(in.asSlice(488).toArray(JAVA_BYTE)).containsOnly((byte) 0x5A);
        assertThat(awaitResult(f.read(5000, in))).isZero();
    }

    @Test
    void operationsCompleteInsidePollNeverInsideTheCallThatStartedThem() {
        AsyncFile f = open("inline.db");
        List<String> events = new ArrayList<>();
        Completion w = f.write(0, pattern(512, 5));
        assertThat(w.isDone()).isFalse();
        w.whenDone(() -> events.add("write done"));
        Completion s = f.sync(false);
        assertThat(s.isDone()).isFalse();
        Completion t = f.truncate(256);
        assertThat(t.isDone()).isFalse();
        assertThat(backend.hasInFlight()).isTrue();
        assertThat(events).isEmpty();
        await(w);
        assertThat(events).containsExactly("write done");
        await(s);
        await(t);
    }

    @Test
    void callbacksRunOnThePollingThread() throws Exception {
        AsyncFile f = open("thread.db");
        Thread[] ran = new Thread[1];
        Completion c = f.write(0, pattern(64, 6));
        c.whenDone(() -> ran[0] = Thread.currentThread());
        await(c);
        assertThat(ran[0]).isSameAs(Thread.currentThread());
    }

    @Test
    void syncAndDataSyncSucceedAfterWrites() {
        AsyncFile f = open("sync.db");
        awaitResult(f.write(0, pattern(8192, 7)));
        assertThat(awaitResult(f.sync(true))).isZero();
        assertThat(awaitResult(f.sync(false))).isZero();
    }

    @Test
    void truncateShrinksAndGrowsTheFile() {
        AsyncFile f = open("trunc.db");
        awaitResult(f.write(0, pattern(8192, 8)));
        awaitResult(f.truncate(1000));
        assertThat(f.size()).isEqualTo(1000);
        awaitResult(f.truncate(3000));
        assertThat(f.size()).isEqualTo(3000);
        MemorySegment in = arena.allocate(2000);
        assertThat(awaitResult(f.read(1000, in))).isEqualTo(2000);
        assertThat(in.toArray(JAVA_BYTE)).as("bytes past a shrink come back as zeros").containsOnly((byte) 0);
    }

    @Test
    void heapSegmentsCanBeReadAndWritten() {
        AsyncFile f = open("heap.db");
        byte[] out = new byte[3000];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (i * 7);
        }
        awaitResult(f.write(100, MemorySegment.ofArray(out)));
        byte[] in = new byte[3000];
        assertThat(awaitResult(f.read(100, MemorySegment.ofArray(in)))).isEqualTo(3000);
        assertThat(in).isEqualTo(out);
    }

    @Test
    void manyConcurrentWritesAllLandAndCountAsCompletions() {
        AsyncFile f = open("many.db");
        int n = 600; // more than a ring's default capacity, to exercise queueing
        List<Completion> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(f.write(i * 512L, pattern(512, i)));
        }
        int completions = 0;
        while (backend.hasInFlight()) {
            completions += backend.poll(true);
        }
        assertThat(completions).isEqualTo(n);
        assertThat(writes).allSatisfy(c -> assertThat(c.result()).isEqualTo(512));
        MemorySegment in = arena.allocate(512L * n);
        assertThat(awaitResult(f.read(0, in))).isEqualTo(512L * n);
        for (int i = 0; i < n; i++) {
            assertThat(in.asSlice(i * 512L, 512).mismatch(pattern(512, i))).as("block %d", i).isEqualTo(-1);
        }
    }

    @Test
    void completionAllAggregatesWrites() {
        AsyncFile f = open("all.db");
        Completion all = Completion.all(List.of(f.write(0, pattern(100, 1)), f.write(100, pattern(200, 2))));
        assertThat(awaitResult(all)).isEqualTo(300);
    }

    @Test
    void pollWithoutWaitReturnsWhenNothingIsInFlight() {
        assertThat(backend.hasInFlight()).isFalse();
        assertThat(backend.poll(false)).isZero();
    }

    @Test
    void wakeupFromAnotherThreadUnblocksAWaitingPoll() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread waker = Thread.ofPlatform().start(() -> {
            try {
                started.await();
                Thread.sleep(20); // let the poll below reach its wait (either order must work)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            backend.wakeup();
        });
        started.countDown();
        assertThat(backend.poll(true)).isZero(); // nothing in flight: only the wakeup ends it
        waker.join();
    }

    @Test
    void aWakeupBeforeThePollIsNotLost() {
        backend.wakeup();
        assertThat(backend.poll(true)).isZero();
    }

    @Test
    void exclusiveLockCanBeTakenUpgradedAndReleased() {
        AsyncFile f = open("lock.db");
        assertThat(f.tryLock(0x40000002L, 510, true)).isTrue();
        assertThat(f.tryLock(0x40000002L, 510, false)).as("upgrade").isTrue();
        f.unlock(0x40000002L, 510);
        assertThat(f.tryLock(0x40000000L, 1, false)).isTrue();
        f.unlock(0x40000000L, 1);
    }

    @Test
    void twoBackendsOfOneJvmSeeEachOthersLocks() {
        AsyncFile a = open("shared-lock.db");
        try (IoBackend other = newBackend()) {
            AsyncFile b = other.open(a.path(), false, false);
            try {
                assertThat(a.tryLock(0x40000002L, 510, false)).isTrue();
                assertThat(b.tryLock(0x40000002L, 510, true)).as("exclusive held by the other handle").isFalse();
                assertThat(b.tryLock(0x40000000L, 1, false)).as("a different byte is free").isTrue();
                a.unlock(0x40000002L, 510);
                assertThat(b.tryLock(0x40000002L, 510, false)).isTrue();
            } finally {
                b.close();
            }
            assertThat(a.tryLock(0x40000002L, 510, false)).as("closing released the other handle's locks").isTrue();
        }
    }

    @Test
    void openingAMissingFileWithoutCreateFailsWithCantopen() {
        Path missing = path("missing.db");
        assertThat(backend.exists(missing)).isFalse();
        assertThatThrownBy(() -> backend.open(missing, false, false))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.CANTOPEN);
                    assertThat(e.getMessage()).contains("ENOENT");
                });
    }

    @Test
    void existsAndDeleteSeeTheFile() {
        AsyncFile f = open("del.db");
        awaitResult(f.write(0, pattern(10, 1)));
        assertThat(backend.exists(f.path())).isTrue();
        backend.delete(f.path());
        assertThat(backend.exists(f.path())).isFalse();
        backend.delete(f.path()); // deleting a missing file is not an error
    }

    @Test
    void writesToAReadOnlyFileFailWithReadonly() {
        AsyncFile w = open("ro.db");
        awaitResult(w.write(0, pattern(10, 1)));
        AsyncFile ro = backend.open(w.path(), false, true);
        opened.add(ro);
        MemorySegment in = arena.allocate(10);
        assertThat(awaitResult(ro.read(0, in))).isEqualTo(10);
        Completion c = await(ro.write(0, pattern(10, 2)));
        assertThat(c.isFailed()).isTrue();
        assertThat(((DatabaseException) c.failure()).code().primary()).isEqualTo(ResultCode.READONLY);
    }

    @Test
    void anExclusiveLockOnAReadOnlyFileIsRefused() {
        AsyncFile w = open("ro-lock.db");
        awaitResult(w.write(0, pattern(10, 1)));
        w.close();
        AsyncFile ro = backend.open(w.path(), false, true);
        opened.add(ro);
        assertThat(ro.tryLock(100, 1, true)).isTrue();
        assertThatThrownBy(() -> ro.tryLock(200, 1, false))
                .isInstanceOfSatisfying(DatabaseException.class,
                        e -> assertThat(e.code()).isEqualTo(ResultCode.READONLY_CANTLOCK));
    }

    @Test
    void readAfterCloseFailsWithAnIoError() {
        AsyncFile f = backend.open(path("closed.db"), true, false);
        f.close();
        Completion c = await(f.read(0, arena.allocate(16)));
        assertThat(c.isFailed()).isTrue();
        assertThat(c.failure()).isInstanceOfSatisfying(DatabaseException.class,
                e -> assertThat(e.code().primary()).isEqualTo(ResultCode.IOERR));
    }
}
