package io.ringlite.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.SimulatedFileSystem;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The loop drives every real backend: I/O started by a task completes later, on the loop. */
class EventLoopBackendsTest {
    @TempDir
    Path tmp;

    private static IoBackend backend(IoKind kind) {
        if (kind == IoKind.URING) {
            String why = IoBackends.uringUnavailableReason();
            Assumptions.assumeTrue(why == null, "io_uring unavailable: " + why);
        }
        return kind == IoKind.SIMULATED ? IoBackends.simulated(new SimulatedFileSystem(3)) : IoBackends.create(kind);
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void writeSyncReadStartedByATaskCompleteOnTheLoopInOrder(IoKind kind) throws Exception {
        IoBackend backend = backend(kind);
        EventLoop loop = EventLoop.start("backend-" + kind, backend);
        Path file = kind == IoKind.SIMULATED ? Path.of("/sim/loop.bin") : tmp.resolve("loop.bin");
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> readBack = new CompletableFuture<>();
        Arena arena = Arena.ofShared();
        try {
            loop.execute(() -> {
                AsyncFile f = loop.backend().open(file, true, false);
                MemorySegment out = arena.allocate(4096);
                out.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 0x1122334455667788L);
                Completion w = f.write(0, out);
                events.add("write started, done=" + w.isDone());
                w.whenDone(() -> {
                    events.add("write done on " + Thread.currentThread().getName());
                    Completion s = f.sync(false);
                    s.whenDone(() -> {
                        events.add("sync done");
                        MemorySegment in = arena.allocate(4096);
                        Completion r = f.read(0, in);
                        r.whenDone(() -> {
                            f.close();
                            if (r.isFailed()) {
                                readBack.completeExceptionally(r.failure());
                            } else {
                                readBack.complete(in.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
                            }
                        });
                    });
                });
            });
            assertThat(readBack.get(30, TimeUnit.SECONDS)).isEqualTo(0x1122334455667788L);
            assertThat(events).containsExactly("write started, done=false",
                    "write done on ringlite-loop-backend-" + kind, "sync done");
        } finally {
            loop.shutdown().get(30, TimeUnit.SECONDS);
            arena.close();
        }
    }

    @ParameterizedTest
    @EnumSource(IoKind.class)
    void anIdleLoopOnARealBackendWakesForNewTasks(IoKind kind) throws Exception {
        EventLoop loop = EventLoop.start("idle-" + kind, backend(kind));
        try {
            for (int i = 0; i < 50; i++) {
                CompletableFuture<Thread> ran = new CompletableFuture<>();
                loop.execute(() -> ran.complete(Thread.currentThread()));
                assertThat(ran.get(30, TimeUnit.SECONDS).getName()).isEqualTo("ringlite-loop-idle-" + kind);
            }
        } finally {
            loop.shutdown().get(30, TimeUnit.SECONDS);
        }
    }
}
