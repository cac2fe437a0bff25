package io.ringlite.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc entry points the ring needs, as FFM downcalls.
 *
 * <p>Design:
 * <ol>
 *   <li>Every call that can fail captures {@code errno} with {@link Linker.Option#captureCallState}
 *       into a caller-provided segment: errno read after the call returns could already have been
 *       overwritten by the JVM itself (GC, safepoints), so it must be captured inside the
 *       downcall.</li>
 *   <li>The capture segment is per caller (the ring keeps one, confined to its loop; one-shot calls
 *       allocate one in a confined arena), so concurrent threads never share it.</li>
 *   <li>{@code syscall(2)} is variadic; the handle passes six {@code long} arguments after the
 *       number. The kernel ignores argument registers a call does not use, so one handle serves
 *       io_uring_setup, io_uring_enter and io_uring_register.</li>
 *   <li>Linking happens lazily in {@link #get()}: on a platform without these symbols only the
 *       availability probe touches this class, and it reports the failure as a reason.</li>
 * </ol>
 */
final class LibC {
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static volatile LibC instance;

    final MethodHandle syscall;
    final MethodHandle mmap;
    final MethodHandle munmap;
    final MethodHandle close;
    final MethodHandle eventfd;
    final MethodHandle write;
    final MethodHandle open;
    final MethodHandle lseek;
    final MethodHandle ftruncate;
    final MethodHandle fcntl;

    private LibC() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        syscall = linker.downcallHandle(find(libc, "syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(1), errno);
        mmap = linker.downcallHandle(find(libc, "mmap"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        munmap = linker.downcallHandle(find(libc, "munmap"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), errno);
        close = linker.downcallHandle(find(libc, "close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        eventfd = linker.downcallHandle(find(libc, "eventfd"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
        write = linker.downcallHandle(find(libc, "write"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), errno);
        open = linker.downcallHandle(find(libc, "open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2), errno);
        lseek = linker.downcallHandle(find(libc, "lseek"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), errno);
        ftruncate = linker.downcallHandle(find(libc, "ftruncate"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), errno);
        fcntl = linker.downcallHandle(find(libc, "fcntl"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
                Linker.Option.firstVariadicArg(2), errno);
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsupportedOperationException("libc symbol not found: " + name));
    }

    static LibC get() {
        LibC l = instance;
        if (l == null) {
            synchronized (LibC.class) {
                l = instance;
                if (l == null) {
                    l = new LibC();
                    instance = l;
                }
            }
        }
        return l;
    }

    static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Wraps a Throwable thrown by invokeExact (never expected: downcalls do not throw). */
    static IllegalStateException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("invariant: downcall threw " + t, t);
    }

    // Convenience wrappers for the one-shot calls (they allocate a confined capture segment).

    static long syscall(MemorySegment capture, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) get().syscall.invokeExact(capture, nr, a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = newCapture(arena);
            int r = (int) get().close.invokeExact(cap, fd);
            return r < 0 ? -errno(cap) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

}
