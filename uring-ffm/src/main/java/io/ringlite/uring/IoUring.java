package io.ringlite.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One io_uring instance driven through {@code java.lang.foreign}: no JNI, no liburing.
 *
 * <h2>Design</h2>
 * The kernel and this class share three mappings, created from the offsets the kernel returns in
 * {@code struct io_uring_params} (never from assumed struct layouts):
 * <ul>
 *   <li>the SQ ring ({@code IORING_OFF_SQ_RING}): head, tail, mask, flags, dropped, and the index
 *       array; this class only produces (tail), the kernel consumes (head);</li>
 *   <li>the SQE array ({@code IORING_OFF_SQES}): 64-byte submission entries;</li>
 *   <li>the CQ ring ({@code IORING_OFF_CQ_RING}): head, tail, mask and the 16-byte CQEs; the
 *       kernel produces (tail), this class consumes (head).</li>
 * </ul>
 * The SQ index array is filled once with the identity map, so SQE slot {@code i} is always
 * published as index {@code i}.
 *
 * <h2>Memory ordering</h2>
 * <ol>
 *   <li>An SQE is written with plain stores, then the SQ tail is stored with release semantics:
 *       the kernel, which reads the tail with acquire, sees the complete SQE.</li>
 *   <li>The CQ tail is loaded with acquire before any CQE below it is read; the CQ head is stored
 *       with release after the CQE has been copied out, so the kernel never overwrites a CQE
 *       that is still being read.</li>
 *   <li>The SQ head (kernel-written) is loaded with acquire to learn which slots are free.</li>
 * </ol>
 * Acquire/release are {@link VarHandle} access modes on the mapped {@link MemorySegment}s.
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Every SQE this class prepares (except the wake-up read) has an {@link InFlightTable}
 *       entry holding its buffer and handler from before the SQE is written until its CQE is
 *       reaped. The caller may drop every other reference to the buffer.</li>
 *   <li>Submission is batched: {@code prep*} only writes SQEs; one {@code io_uring_enter} in
 *       {@link #submit()} / {@link #submitAndWait()} hands the kernel everything prepared since.
 *       (When the SQ ring is full a prep submits early rather than fail.)</li>
 *   <li>All methods except {@link #wakeup()} are called by one thread at a time (the owning
 *       loop); {@link #wakeup()} is safe from any thread.</li>
 * </ol>
 *
 * <h2>Wake-up</h2>
 * An {@code eventfd} with a READ SQE permanently posted on it (user_data {@link #WAKE_TAG}).
 * {@link #wakeup()} writes 1 to the eventfd from any thread; the read completes, its CQE ends a
 * blocking {@code io_uring_enter}, and reaping re-arms the read. Chosen over
 * {@code IORING_OP_MSG_RING} because it needs no second ring per waking thread and works on
 * every kernel with io_uring READ (5.6+).
 *
 * <h2>io_uring_params (120 bytes)</h2>
 * <pre>
 * OFFSET SIZE DESCRIPTION
 *   0     4   sq_entries      (out) SQ ring size
 *   4     4   cq_entries      (out) CQ ring size
 *   8     4   flags           (in)  IORING_SETUP_*
 *  12     4   sq_thread_cpu
 *  16     4   sq_thread_idle
 *  20     4   features        (out) IORING_FEAT_*
 *  24     4   wq_fd
 *  28    12   resv[3]
 *  40    40   sq_off: head, tail, ring_mask, ring_entries, flags, dropped, array, resv1 (u32 each), user_addr (u64)
 *  80    40   cq_off: head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1 (u32 each), user_addr (u64)
 * </pre>
 *
 * <h2>SQE (64 bytes) as used here</h2>
 * <pre>
 * OFFSET SIZE DESCRIPTION
 *   0     1   opcode (READ 22, WRITE 23, FSYNC 3, FTRUNCATE 55, NOP 0)
 *   1     1   flags (IOSQE_*)
 *   2     2   ioprio
 *   4     4   fd
 *   8     8   off (file offset; the new length for FTRUNCATE)
 *  16     8   addr (buffer address)
 *  24     4   len (bytes)
 *  28     4   op flags (fsync_flags: IORING_FSYNC_DATASYNC = 1)
 *  32     8   user_data (echoed in the CQE)
 *  40    24   buf_index, personality, splice_fd_in, addr3, pad: zero
 * </pre>
 *
 * <h2>CQE (16 bytes)</h2>
 * <pre>
 * OFFSET SIZE DESCRIPTION
 *   0     8   user_data
 *   8     4   res (bytes, or -errno)
 *  12     4   flags
 * </pre>
 */
public final class IoUring implements AutoCloseable {
    /** Syscall numbers; the same on x86_64 and aarch64 (the unified table from 5.1 on). */
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int IORING_FSYNC_DATASYNC = 1;

    static final byte OP_NOP = 0;
    static final byte OP_FSYNC = 3;
    static final byte OP_READ = 22;
    static final byte OP_WRITE = 23;
    /** IORING_OP_FTRUNCATE (kernel 6.9+); used only when {@link #supportsFtruncate()}. */
    static final byte OP_FTRUNCATE = 55;

    static final int IORING_REGISTER_PROBE = 8;
    private static final int PROBE_OPS = 256;
    private static final int IO_URING_OP_SUPPORTED = 1;

    /** user_data of the eventfd read; never produced by {@link InFlightTable}. */
    static final long WAKE_TAG = -1L;

    static final int PARAMS_SIZE = 120;
    static final int SQE_SIZE = 64;
    static final int CQE_SIZE = 16;

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int EFD_CLOEXEC = 0x80000;

    private static final VarHandle INT = JAVA_INT.varHandle();

    /** The value {@link #wakeup()} writes to the eventfd; read-only, shared by every thread. */
    private static final MemorySegment ONE = Arena.global().allocate(JAVA_LONG);

    static {
        ONE.set(JAVA_LONG, 0, 1L);
    }

    private final Arena arena;
    private final MemorySegment capture;
    private final int ringFd;
    private final int eventFd;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqRingLen;
    private final long cqRingLen;
    private final long sqesLen;
    private final int sqEntries;
    private final int cqEntries;
    private final int sqMask;
    private final int cqMask;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;
    private final int features;
    private final MemorySegment wakeBuf;
    private final InFlightTable inFlight;
    private final boolean[] supportedOps;

    /** Local SQ tail: slots up to here are written; published to the kernel in submit. */
    private int sqeTail;
    private int cqHead;
    private long enterCalls;
    private boolean wakeArmed;
    private boolean woken;
    private boolean closing;
    private volatile boolean closed;
    /** Guards {@link #eventFdOpen}: a wakeup must never write to a descriptor number reused after close. */
    private final Object wakeLock = new Object();
    private boolean eventFdOpen = true; // guarded by wakeLock

    private IoUring(int entries) {
        LibC libc = LibC.get();
        this.arena = Arena.ofShared();
        boolean ok = false;
        int fd = -1;
        int efd = -1;
        long sqAddr = 0;
        long cqAddr = 0;
        long sqesAddr = 0;
        long sqLen = 0;
        long cqLen = 0;
        long sqeLen = 0;
        try {
            this.capture = LibC.newCapture(arena);
            MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
            long r = LibC.syscall(capture, SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
            if (r < 0) {
                throw new UringException("io_uring_setup", LibC.errno(capture));
            }
            fd = (int) r;
            this.ringFd = fd;
            this.sqEntries = params.get(JAVA_INT, 0);
            this.cqEntries = params.get(JAVA_INT, 4);
            this.features = params.get(JAVA_INT, 20);
            int sqOff = 40;
            int cqOff = 80;
            this.sqHeadOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff));
            this.sqTailOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 4));
            long sqMaskOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 8));
            long sqArrayOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 24));
            this.cqHeadOff = Integer.toUnsignedLong(params.get(JAVA_INT, cqOff));
            this.cqTailOff = Integer.toUnsignedLong(params.get(JAVA_INT, cqOff + 4));
            long cqMaskOff = Integer.toUnsignedLong(params.get(JAVA_INT, cqOff + 8));
            this.cqesOff = Integer.toUnsignedLong(params.get(JAVA_INT, cqOff + 20));

            sqLen = sqArrayOff + (long) sqEntries * Integer.BYTES;
            cqLen = cqesOff + (long) cqEntries * CQE_SIZE;
            sqeLen = (long) sqEntries * SQE_SIZE;
            sqAddr = mmap(libc, sqLen, fd, IORING_OFF_SQ_RING);
            cqAddr = mmap(libc, cqLen, fd, IORING_OFF_CQ_RING);
            sqesAddr = mmap(libc, sqeLen, fd, IORING_OFF_SQES);
            // Bounded views: every access is checked against the mapped length, and closing the
            // arena invalidates them before the mappings go away.
            this.sqRing = MemorySegment.ofAddress(sqAddr).reinterpret(sqLen, arena, null);
            this.cqRing = MemorySegment.ofAddress(cqAddr).reinterpret(cqLen, arena, null);
            this.sqes = MemorySegment.ofAddress(sqesAddr).reinterpret(sqeLen, arena, null);
            this.sqRingLen = sqLen;
            this.cqRingLen = cqLen;
            this.sqesLen = sqeLen;
            this.sqMask = sqRing.get(JAVA_INT, sqMaskOff);
            this.cqMask = cqRing.get(JAVA_INT, cqMaskOff);
            for (int i = 0; i < sqEntries; i++) {
                sqRing.set(JAVA_INT, sqArrayOff + (long) i * Integer.BYTES, i);
            }
            this.sqeTail = (int) INT.getAcquire(sqRing, sqTailOff);
            this.cqHead = (int) INT.getAcquire(cqRing, cqHeadOff);

            int e = (int) libc.eventfd.invokeExact(capture, 0, EFD_CLOEXEC);
            if (e < 0) {
                throw new UringException("eventfd", LibC.errno(capture));
            }
            efd = e;
            this.eventFd = efd;
            this.supportedOps = probeOps();
            this.wakeBuf = arena.allocate(JAVA_LONG);
            this.inFlight = new InFlightTable(Math.max(16, sqEntries));
            armWake();
            // Submitted at once so a wakeup() before the first poll is not lost.
            enter(false);
            ok = true;
        } catch (UringException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        } finally {
            if (!ok) {
                arena.close();
                unmap(libc, sqAddr, sqLen);
                unmap(libc, cqAddr, cqLen);
                unmap(libc, sqesAddr, sqeLen);
                if (efd >= 0) {
                    LibC.close(efd);
                }
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
    }

    /**
     * Creates a ring with at least {@code entries} SQ slots (the kernel rounds up to a power of
     * two; the CQ ring is twice that).
     *
     * @throws UringException with ENOSYS (no io_uring), EPERM (io_uring_disabled, seccomp),
     *                        ENOMEM (locked-memory limit) and so on
     */
    public static IoUring open(int entries) {
        if (entries < 1 || entries > 32768) {
            throw new IllegalArgumentException("entries must be in 1..32768: " + entries);
        }
        return new IoUring(entries);
    }

    private long mmap(LibC libc, long len, int fd, long offset) throws Throwable {
        MemorySegment p = (MemorySegment) libc.mmap.invokeExact(capture, MemorySegment.NULL, len,
                PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset);
        if (p.address() == -1L) {
            throw new UringException("mmap", LibC.errno(capture));
        }
        return p.address();
    }

    /**
     * Asks the kernel which opcodes it supports (io_uring_register IORING_REGISTER_PROBE).
     *
     * <pre>
     * struct io_uring_probe (16 + 8 * ops_len bytes)
     * OFFSET SIZE DESCRIPTION
     *   0     1   last_op   highest opcode the kernel knows
     *   1     1   ops_len   entries filled in
     *   2    14   reserved
     *  16   8*n   ops[]: op (1), resv (1), flags (2; IO_URING_OP_SUPPORTED = 1), resv2 (4)
     * </pre>
     * A kernel without the probe (before 5.6) fails the call; every opcode then reads as
     * unsupported, which only matters for optional ones (FTRUNCATE), whose callers fall back to
     * the synchronous system call.
     */
    private boolean[] probeOps() {
        boolean[] ops = new boolean[PROBE_OPS];
        MemorySegment probe = arena.allocate(16 + 8L * PROBE_OPS, 8);
        long r = LibC.syscall(capture, SYS_IO_URING_REGISTER, ringFd, IORING_REGISTER_PROBE,
                probe.address(), PROBE_OPS, 0, 0);
        if (r < 0) {
            return ops;
        }
        int len = Byte.toUnsignedInt(probe.get(JAVA_BYTE, 1));
        for (int i = 0; i < len && i < PROBE_OPS; i++) {
            long base = 16 + 8L * i;
            int op = Byte.toUnsignedInt(probe.get(JAVA_BYTE, base));
            int flags = Short.toUnsignedInt(probe.get(JAVA_SHORT, base + 2));
            ops[op] = (flags & IO_URING_OP_SUPPORTED) != 0;
        }
        return ops;
    }

    private static void unmap(LibC libc, long addr, long len) {
        if (addr == 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            int r = (int) libc.munmap.invokeExact(LibC.newCapture(a), MemorySegment.ofAddress(addr), len);
            assert r == 0 : "invariant: munmap of our own mapping failed";
        } catch (Throwable t) {
            throw LibC.rethrow(t);
        }
    }

    /** SQ ring size granted by the kernel. */
    public int sqEntries() {
        return sqEntries;
    }

    /** CQ ring size granted by the kernel. */
    public int cqEntries() {
        return cqEntries;
    }

    /** IORING_FEAT_* bits the kernel reported. */
    public int features() {
        return features;
    }

    /** Operations submitted or prepared whose CQE has not been reaped (the wake-up read excluded). */
    public int inFlight() {
        return inFlight.size();
    }

    /** How many io_uring_enter calls this ring made (batching is observable, e.g. in tests). */
    public long enterCalls() {
        return enterCalls;
    }

    /** SQEs prepared and not yet handed to the kernel. */
    public int unsubmitted() {
        return sqeTail - (int) INT.getAcquire(sqRing, sqHeadOff);
    }

    /**
     * True if another operation can be prepared without overrunning the CQ ring: the caller
     * should queue work itself when this is false (and reap first).
     */
    public boolean hasCapacity() {
        // One CQ slot stays reserved for the wake-up read.
        return inFlight.size() < cqEntries - 1;
    }

    /** Prepares {@code read(fd, buf, buf.byteSize())} at {@code offset}. Returns the user_data. */
    public long prepRead(int fd, long offset, MemorySegment buf, CqeHandler handler) {
        return prepRw(OP_READ, fd, offset, buf, handler);
    }

    /** Prepares {@code write(fd, buf, buf.byteSize())} at {@code offset}. Returns the user_data. */
    public long prepWrite(int fd, long offset, MemorySegment buf, CqeHandler handler) {
        return prepRw(OP_WRITE, fd, offset, buf, handler);
    }

    /** Prepares fsync, or fdatasync when {@code dataSync} (IORING_FSYNC_DATASYNC). */
    public long prepFsync(int fd, boolean dataSync, CqeHandler handler) {
        ensureOpen();
        long userData = inFlight.add(null, handler);
        long base = nextSqe();
        writeSqe(base, OP_FSYNC, fd, 0, 0, 0, dataSync ? IORING_FSYNC_DATASYNC : 0, userData);
        return userData;
    }

    /** True if the kernel reports support for opcode {@code op} (IORING_REGISTER_PROBE). */
    public boolean supportsOp(int op) {
        return op >= 0 && op < supportedOps.length && supportedOps[op];
    }

    /** True if {@link #prepFtruncate} may be used (IORING_OP_FTRUNCATE, kernel 6.9+). */
    public boolean supportsFtruncate() {
        return supportsOp(OP_FTRUNCATE);
    }

    /** Prepares ftruncate(fd, length) through the ring; check {@link #supportsFtruncate()} first. */
    public long prepFtruncate(int fd, long length, CqeHandler handler) {
        ensureOpen();
        if (!supportsFtruncate()) {
            throw new UnsupportedOperationException("this kernel has no IORING_OP_FTRUNCATE");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        long userData = inFlight.add(null, handler);
        writeSqe(nextSqe(), OP_FTRUNCATE, fd, length, 0, 0, 0, userData);
        return userData;
    }

    /** Prepares a NOP: completes with res 0 (used to test the round trip). */
    public long prepNop(CqeHandler handler) {
        ensureOpen();
        long userData = inFlight.add(null, handler);
        writeSqe(nextSqe(), OP_NOP, -1, 0, 0, 0, 0, userData);
        return userData;
    }

    private long prepRw(byte op, int fd, long offset, MemorySegment buf, CqeHandler handler) {
        ensureOpen();
        if (!buf.isNative()) {
            throw new IllegalArgumentException("io_uring needs a native segment (a heap array may move)");
        }
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + buf.byteSize());
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        // Pin first: from here on the table keeps the buffer alive until the CQE is reaped.
        long userData = inFlight.add(buf, handler);
        writeSqe(nextSqe(), op, fd, offset, buf.address(), (int) buf.byteSize(), 0, userData);
        return userData;
    }

    private long nextSqe() {
        int head = (int) INT.getAcquire(sqRing, sqHeadOff);
        if (sqeTail - head >= sqEntries) {
            enter(false);
            head = (int) INT.getAcquire(sqRing, sqHeadOff);
            if (sqeTail - head >= sqEntries) {
                throw new IllegalStateException("invariant: SQ ring still full after submitting");
            }
        }
        long base = (long) (sqeTail & sqMask) * SQE_SIZE;
        sqeTail++;
        return base;
    }

    private void writeSqe(long base, byte op, int fd, long off, long addr, int len, int opFlags, long userData) {
        sqes.set(JAVA_BYTE, base, op);
        sqes.set(JAVA_BYTE, base + 1, (byte) 0);
        sqes.set(JAVA_SHORT, base + 2, (short) 0);
        sqes.set(JAVA_INT, base + 4, fd);
        sqes.set(JAVA_LONG, base + 8, off);
        sqes.set(JAVA_LONG, base + 16, addr);
        sqes.set(JAVA_INT, base + 24, len);
        sqes.set(JAVA_INT, base + 28, opFlags);
        sqes.set(JAVA_LONG, base + 32, userData);
        sqes.set(JAVA_LONG, base + 40, 0L);
        sqes.set(JAVA_LONG, base + 48, 0L);
        sqes.set(JAVA_LONG, base + 56, 0L);
    }

    private void armWake() {
        assert !wakeArmed : "invariant: wake-up read armed twice";
        writeSqe(nextSqe(), OP_READ, eventFd, 0, wakeBuf.address(), (int) wakeBuf.byteSize(), 0, WAKE_TAG);
        wakeArmed = true;
    }

    /** Hands every prepared SQE to the kernel with one io_uring_enter; does not wait. */
    public int submit() {
        ensureOpen();
        return enter(false);
    }

    /**
     * Hands every prepared SQE to the kernel and waits, in the kernel, until at least one CQE is
     * available (an operation's or the wake-up's). One io_uring_enter. Returns at once if a CQE
     * is already waiting to be reaped. An EINTR returns early (the caller just polls again).
     */
    public int submitAndWait() {
        ensureOpen();
        return enter(true);
    }

    private int enter(boolean wait) {
        int head = (int) INT.getAcquire(sqRing, sqHeadOff);
        int toSubmit = sqeTail - head;
        if (toSubmit > 0) {
            INT.setRelease(sqRing, sqTailOff, sqeTail);
        }
        if (toSubmit == 0 && !wait) {
            return 0;
        }
        if (wait && cqReady()) {
            wait = false;
            if (toSubmit == 0) {
                return 0;
            }
        }
        enterCalls++;
        long r = LibC.syscall(capture, SYS_IO_URING_ENTER, ringFd, toSubmit, wait ? 1 : 0,
                wait ? IORING_ENTER_GETEVENTS : 0, 0, 0);
        if (r < 0) {
            int errno = LibC.errno(capture);
            // EINTR: a signal; EAGAIN/EBUSY: the kernel is short of resources or the CQ is
            // backed up. In every case the unconsumed SQEs stay queued for the next enter.
            if (errno == Errno.EINTR.number() || errno == Errno.EAGAIN.number() || errno == Errno.EBUSY.number()) {
                return 0;
            }
            throw new UringException("io_uring_enter", errno);
        }
        return (int) r;
    }

    private boolean cqReady() {
        return (int) INT.getAcquire(cqRing, cqTailOff) != cqHead;
    }

    /**
     * Reaps every available CQE: releases its in-flight entry (the buffer becomes collectable)
     * and runs its handler on this thread. The wake-up CQE is consumed and the read re-armed.
     * Returns the number of operation handlers run (wake-ups not counted).
     */
    public int reap() {
        ensureOpen();
        return reapInternal();
    }

    private int reapInternal() {
        int n = 0;
        int tail = (int) INT.getAcquire(cqRing, cqTailOff);
        while (cqHead != tail) {
            long base = cqesOff + (long) (cqHead & cqMask) * CQE_SIZE;
            long userData = cqRing.get(JAVA_LONG, base);
            int res = cqRing.get(JAVA_INT, base + 8);
            cqHead++;
            INT.setRelease(cqRing, cqHeadOff, cqHead);
            if (userData == WAKE_TAG) {
                wakeArmed = false;
                woken = true;
                if (!closing) {
                    armWake();
                }
            } else {
                CqeHandler h = inFlight.remove(userData);
                n++;
                h.onCompletion(res);
            }
            if (cqHead == tail) {
                tail = (int) INT.getAcquire(cqRing, cqTailOff);
            }
        }
        return n;
    }

    /** True (once) if a wake-up CQE was reaped since the last call. */
    public boolean consumeWakeup() {
        boolean w = woken;
        woken = false;
        return w;
    }

    /**
     * Makes a concurrent or the next {@link #submitAndWait()} return: writes to the eventfd.
     * Safe from any thread; never blocks (the eventfd counter cannot realistically saturate).
     */
    public void wakeup() {
        synchronized (wakeLock) {
            if (!eventFdOpen) {
                return;
            }
            try {
                MemorySegment cap = CAPTURE.get();
                long r = (long) LibC.get().write.invokeExact(cap, eventFd, ONE, 8L);
                if (r < 0) {
                    int errno = LibC.errno(cap);
                    if (errno != Errno.EAGAIN.number()) {
                        throw new UringException("write(eventfd)", errno);
                    }
                }
            } catch (UringException e) {
                throw e;
            } catch (Throwable t) {
                throw LibC.rethrow(t);
            }
        }
    }

    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> LibC.newCapture(Arena.ofAuto()));

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ring is closed");
        }
    }

    /**
     * Waits for every in-flight operation and the wake-up read to complete (so the kernel never
     * writes into memory freed here), then unmaps the rings and closes the descriptors.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        try {
            while (inFlight.size() > 0 || wakeArmed) {
                if (wakeArmed) {
                    wakeup();
                }
                enter(true);
                reapInternal();
            }
        } finally {
            closed = true;
            LibC libc = LibC.get();
            long sq = sqRing.address();
            long cq = cqRing.address();
            long se = sqes.address();
            arena.close();
            unmap(libc, sq, sqRingLen);
            unmap(libc, cq, cqRingLen);
            unmap(libc, se, sqesLen);
            synchronized (wakeLock) {
                eventFdOpen = false;
                LibC.close(eventFd);
            }
            LibC.close(ringFd);
        }
    }
}
