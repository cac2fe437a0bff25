package io.ringlite.uring;

import java.lang.foreign.MemorySegment;

/**
 * The operations the kernel owns: for each submitted SQE, the buffer it points into and the
 * handler for its CQE, keyed by the SQE's {@code user_data}.
 *
 * <p>Why it exists: the kernel reads (write) or fills (read) a buffer at any time between
 * submission and the CQE. A segment from {@code Arena.ofAuto()} is freed by the GC as soon as
 * nothing references it, and the caller may well drop its reference right after submitting. The
 * table is the reference that keeps it alive (DESIGN.md, asynchronous contract 5).
 *
 * <p>Invariants:
 * <ol>
 *   <li>A slot is occupied from {@link #add} (before the SQE is written) until {@link #remove}
 *       (after its CQE has been read); its buffer is strongly referenced for that whole time.</li>
 *   <li>{@code user_data} = slot index + 1, so 0 is never a valid key (a zeroed SQE cannot be
 *       mistaken for ours) and the wake-up tag ({@link IoUring#WAKE_TAG}) never collides.</li>
 *   <li>Single-threaded: only the ring's owning loop touches it.</li>
 * </ol>
 */
final class InFlightTable {
    private MemorySegment[] buffers;
    private CqeHandler[] handlers;
    private int[] freeList;
    private int freeCount;
    private int size;

    InFlightTable(int initialCapacity) {
        buffers = new MemorySegment[initialCapacity];
        handlers = new CqeHandler[initialCapacity];
        freeList = new int[initialCapacity];
        for (int i = 0; i < initialCapacity; i++) {
            freeList[i] = initialCapacity - 1 - i;
        }
        freeCount = initialCapacity;
    }

    /** Registers an operation and returns its user_data. */
    long add(MemorySegment buffer, CqeHandler handler) {
        if (freeCount == 0) {
            grow();
        }
        int slot = freeList[--freeCount];
        assert handlers[slot] == null : "invariant: free slot occupied";
        buffers[slot] = buffer;
        handlers[slot] = handler;
        size++;
        return slot + 1L;
    }

    /** Releases the slot and returns its handler; the buffer becomes unreferenced here. */
    CqeHandler remove(long userData) {
        int slot = slotOf(userData);
        CqeHandler h = handlers[slot];
        if (h == null) {
            throw new IllegalStateException("invariant: CQE for unknown user_data " + userData);
        }
        handlers[slot] = null;
        buffers[slot] = null;
        freeList[freeCount++] = slot;
        size--;
        return h;
    }

    int size() {
        return size;
    }

    private int slotOf(long userData) {
        long slot = userData - 1;
        if (slot < 0 || slot >= handlers.length) {
            throw new IllegalStateException("invariant: user_data out of range " + userData);
        }
        return (int) slot;
    }

    private void grow() {
        int old = handlers.length;
        int cap = old * 2;
        buffers = java.util.Arrays.copyOf(buffers, cap);
        handlers = java.util.Arrays.copyOf(handlers, cap);
        freeList = java.util.Arrays.copyOf(freeList, cap);
        for (int i = cap - 1; i >= old; i--) {
            freeList[freeCount++] = i;
        }
    }
}
