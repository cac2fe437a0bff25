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
 *       {@link #submit()} / {@link #submitAndWait()} hands the kernel everything prepared since
 *       (and waits in that same call). With nothing to submit and nothing to wait for, no
 *       system call is made. (When the SQ ring is full a prep submits early rather than fail.)</li>
 *   <li>All methods except {@link #wakeup()} are called by one thread at a time (the owning
 *       loop); {@link #wakeup()} is safe from any thread.</li>
 * </ol>
 *
 * <h2>Wake-up</h2>
 * An {@code eventfd} with a READ SQE posted on it (user_data {@link #WAKE_TAG}). {@link #wakeup()}
 * writes 1 to the eventfd from any thread; the read completes, its CQE ends a blocking
 * {@code io_uring_enter}. The read is (re-)armed by the next enter after its CQE was reaped, so
 * it is always submitted by the thread that polls (the kernel runs a request's completion work
 * on its submitter's behalf) and never by the thread that merely created the ring. A wake-up
 * whose write was not yet consumed by the read makes later wake-ups free (no second write).
 * Chosen over {@code IORING_OP_MSG_RING} because it needs no second ring per waking thread and
 * works on every kernel with io_uring READ (5.6+).
 *
 * <h2>Setup flags and registered files</h2>
 * {@link #open(int)} asks for SUBMIT_ALL, COOP_TASKRUN and TASKRUN_FLAG and falls back to none
 * on EINVAL; with TASKRUN_FLAG a non-waiting {@link #submit()} enters the kernel when the SQ
 * ring's flags say completion work is queued. SINGLE_ISSUER / DEFER_TASKRUN are available
 * through {@link #open(int, int)} only: the storage layer hands a backend from the opening
 * thread to its loop, which a single-issuer ring refuses (EEXIST). Files may be put in a
 * registered table ({@link #registerFile}); their SQEs then carry IOSQE_FIXED_FILE and the slot.
 * Reads prepared while many operations are in flight may be sent to the kernel's io-wq threads
 * ({@link #asyncReadsAbove}), so their copies leave the loop thread.
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
 *   1     1   flags (IOSQE_*: FIXED_FILE = 1 when fd is a registered-table slot, ASYNC = 16
 *             for a read sent to io-wq, see {@link #asyncReadsAbove})
 *   2     2   ioprio
 *   4     4   fd
 *   8     8   off (file offset; the new length for FTRUNCATE)
 *  16     8   addr (buffer address)
 *  24     4   len (bytes)
 *  28     4   op flags (fsync_flags: IORING_FSYNC_DATASYNC = 1)
 *  32     8   user_data (echoed in the CQE)
 *  40    24   buf_index, personality, splice_fd_in, addr3, pad: zero (zeroed once at setup)
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
    /** sq_ring flags word: the kernel has task work (completions) waiting for an enter. */
    static final int IORING_SQ_TASKRUN = 1 << 2;

    /** IORING_SETUP_SUBMIT_ALL (5.18): an SQE that fails at submission does not stop the batch. */
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /**
     * IORING_SETUP_COOP_TASKRUN (5.19): completions are not pushed to the loop thread with an
     * inter-processor interrupt while it runs; it picks them up at its next enter.
     */
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    /** IORING_SETUP_TASKRUN_FLAG (5.19): the kernel flags pending completion work in the SQ ring. */
    public static final int SETUP_TASKRUN_FLAG = 1 << 9;
    /**
     * IORING_SETUP_SINGLE_ISSUER (6.0): only the thread that created the ring may enter it; any
     * other thread's submit or wait fails with EEXIST.
     */
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /**
     * IORING_SETUP_DEFER_TASKRUN (6.1, needs SINGLE_ISSUER): completion work runs only when the
     * issuer waits or submits, never behind its back.
     */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;
    /**
     * What {@link #open(int)} asks for: every flag that is a pure gain for a ring driven by one
     * loop at a time (ownership may move between threads, so not SINGLE_ISSUER / DEFER_TASKRUN).
     */
    public static final int PREFERRED_SETUP = SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG;
    private static final int KNOWN_SETUP = PREFERRED_SETUP | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN;

    /** IORING_FEAT_NODROP (5.5): a full CQ ring never drops completions (they wait in the kernel). */
    public static final int FEAT_NODROP = 1 << 1;
    static final int IORING_FSYNC_DATASYNC = 1;

    static final byte OP_NOP = 0;
    static final byte OP_FSYNC = 3;
    static final byte OP_READ = 22;
    static final byte OP_WRITE = 23;
    /** IORING_OP_FTRUNCATE (kernel 6.9+); used only when {@link #supportsFtruncate()}. */
    static final byte OP_FTRUNCATE = 55;

    static final int IORING_REGISTER_PROBE = 8;
    static final int IORING_REGISTER_FILES = 2;
    static final int IORING_REGISTER_FILES_UPDATE = 6;
    static final int IOSQE_FIXED_FILE = 1;
    static final int IOSQE_ASYNC = 1 << 4;
    /** Registered file table size: a database, its WAL and journal, with room to spare. */
    static final int FILE_SLOTS = 64;
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
    private final int setupFlags;
    private final long sqFlagsOff;
    private final MemorySegment wakeBuf;
    private final InFlightTable inFlight;
    /** Registered file table: slots available (0 if the kernel refused the table). */
    private final int fileSlots;
    private final int[] freeSlots;
    private int freeSlotCount;
    /** descriptor -> slot + 1 (0: not registered). Touched by the owning thread only. */
    private int[] slotByFd = new int[16];
    private final MemorySegment fileUpdate;
    private final boolean[] supportedOps;

    /** Local SQ tail: slots up to here are written; published to the kernel in submit. */
    private int sqeTail;
    /** 0: off; else reads prepared while at least this many other operations are in flight go async. */
    private int asyncReadsAbove;
    private long asyncReads;
    private int cqHead;
    private long enterCalls;
    private boolean wakeArmed;
    private boolean arming;
    private boolean woken;
    private boolean closing;
    private volatile boolean closed;
    /** Guards {@link #eventFdOpen}: a wakeup must never write to a descriptor number reused after close. */
    private final Object wakeLock = new Object();
    private boolean eventFdOpen = true; // guarded by wakeLock

    private IoUring(int entries, int flags) {
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("io_uring through FFM is implemented for little-endian x86_64 and aarch64 only");
        }
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
            params.set(JAVA_INT, 8, flags);
            long r = LibC.syscall(capture, SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
            if (r < 0) {
                throw new UringException("io_uring_setup", LibC.errno(capture));
            }
            fd = (int) r;
            this.ringFd = fd;
            this.sqEntries = params.get(JAVA_INT, 0);
            this.cqEntries = params.get(JAVA_INT, 4);
            this.features = params.get(JAVA_INT, 20);
            this.setupFlags = flags;
            int sqOff = 40;
            int cqOff = 80;
            this.sqHeadOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff));
            this.sqTailOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 4));
            long sqMaskOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 8));
            this.sqFlagsOff = Integer.toUnsignedLong(params.get(JAVA_INT, sqOff + 16));
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
            // Bytes 40..63 of an SQE (buf_index, personality, splice_fd_in, addr3) are never used
            // here: zeroed once, so writeSqe stores only the first 40 bytes.
            sqes.fill((byte) 0);
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
            this.fileUpdate = arena.allocate(24, 8);
            this.fileSlots = registerFileTable();
            this.freeSlots = new int[fileSlots];
            for (int i = 0; i < fileSlots; i++) {
                freeSlots[i] = fileSlots - 1 - i;
            }
            this.freeSlotCount = fileSlots;
            // The wake-up read is armed by the first enter, not here: the kernel runs a request's
            // completion work on the thread that submitted it, and the thread creating the ring
            // is often not the loop that will wait on it. A wakeup() before then is not lost:
            // the eventfd counter keeps it, and the read completes as soon as it is submitted.
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
     * two; the CQ ring is twice that), asking for {@link #PREFERRED_SETUP}; a kernel that refuses
     * those flags (EINVAL: older than 5.19) gets a ring without them. {@link #setupFlags()} tells
     * which.
     *
     * @throws UringException with ENOSYS (no io_uring), EPERM (io_uring_disabled, seccomp),
     *                        ENOMEM (locked-memory limit) and so on
     */
    public static IoUring open(int entries) {
        checkEntries(entries);
        try {
            return new IoUring(entries, PREFERRED_SETUP);
        } catch (UringException e) {
            if (e.errno() != Errno.EINVAL.number()) {
                throw e;
            }
            return new IoUring(entries, 0);
        }
    }

    /**
     * Creates a ring with exactly the IORING_SETUP_* bits in {@code setupFlags} (the
     * {@code SETUP_*} constants of this class), with no fallback.
     *
     * @throws UringException "io_uring_setup failed: EINVAL (...)" when the kernel does not know a
     *                        flag or refuses the combination (DEFER_TASKRUN without
     *                        SINGLE_ISSUER), plus every failure {@link #open(int)} can report
     */
    public static IoUring open(int entries, int setupFlags) {
        checkEntries(entries);
        if ((setupFlags & ~KNOWN_SETUP) != 0) {
            throw new IllegalArgumentException("unsupported setup flags 0x" + Integer.toHexString(setupFlags & ~KNOWN_SETUP));
        }
        return new IoUring(entries, setupFlags);
    }

    private static void checkEntries(int entries) {
        if (entries < 1 || entries > 32768) {
            throw new IllegalArgumentException("entries must be in 1..32768: " + entries);
        }
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

    /** The IORING_SETUP_* bits this ring was created with ({@code SETUP_*} constants). */
    public int setupFlags() {
        return setupFlags;
    }

    /** How many times {@link #wakeup()} wrote the eventfd (wake-ups already pending are not written again). */
    public long wakeupWrites() {
        return (long) WAKE_WRITES.getVolatile(this);
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
        writeSqe(base, OP_FSYNC, fixedOr(fd), 0, 0, 0, dataSync ? IORING_FSYNC_DATASYNC : 0, userData);
        return userData;
    }

    /**
     * Marks a read IOSQE_ASYNC when it is prepared while at least {@code others} other
     * operations are in flight (0, the default, never does). A read of a page in the OS cache is
     * otherwise copied inside the submitting {@code io_uring_enter}, on the calling thread; an
     * async read is handed to the kernel's io-wq worker threads, so with many reads outstanding
     * the copies run on other cores while the caller goes on. A single read keeps the cheaper
     * inline path. Writes, fsyncs and the wake-up read are never marked.
     */
    public void asyncReadsAbove(int others) {
        if (others < 0) {
            throw new IllegalArgumentException("negative threshold " + others);
        }
        this.asyncReadsAbove = others;
    }

    /** Reads prepared with IOSQE_ASYNC so far (see {@link #asyncReadsAbove}). */
    public long asyncReads() {
        return asyncReads;
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
        writeSqe(nextSqe(), OP_FTRUNCATE, fixedOr(fd), length, 0, 0, 0, userData);
        return userData;
    }

    /** Prepares a NOP: completes with res 0 (used to test the round trip). */
    public long prepNop(CqeHandler handler) {
        ensureOpen();
        long userData = inFlight.add(null, handler);
        writeSqe(nextSqe(), OP_NOP, plain(-1), 0, 0, 0, 0, userData);
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
        long file = fixedOr(fd);
        // size() counts this read too: "> n" means at least n others.
        if (op == OP_READ && asyncReadsAbove > 0 && inFlight.size() > asyncReadsAbove) {
            file |= (long) IOSQE_ASYNC << 8;
            asyncReads++;
        }
        writeSqe(nextSqe(), op, file, offset, buf.address(), (int) buf.byteSize(), 0, userData);
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

    /**
     * Writes bytes 0..39 of an SQE as five 8-byte stores (bytes 40..63 stay zero from setup).
     * The packing of (opcode, flags, ioprio, fd) and (len, op flags) into one word each relies
     * on little-endian byte order, which the constructor checks.
     */
    private void writeSqe(long base, byte op, long file, long off, long addr, int len, int opFlags, long userData) {
        sqes.set(JAVA_LONG, base, Byte.toUnsignedLong(op) | file);
        sqes.set(JAVA_LONG, base + 8, off);
        sqes.set(JAVA_LONG, base + 16, addr);
        sqes.set(JAVA_LONG, base + 24, Integer.toUnsignedLong(len) | (Integer.toUnsignedLong(opFlags) << 32));
        sqes.set(JAVA_LONG, base + 32, userData);
    }

    /** The SQE's flags and fd bits for descriptor {@code fd} as is. */
    private static long plain(int fd) {
        return Integer.toUnsignedLong(fd) << 32;
    }

    /**
     * The SQE's flags and fd bits for {@code fd}: its slot in the registered file table with
     * IOSQE_FIXED_FILE when {@link #registerFile registered}, else the descriptor itself.
     */
    private long fixedOr(int fd) {
        int[] slots = slotByFd;
        int slot = fd >= 0 && fd < slots.length ? slots[fd] - 1 : -1;
        if (slot < 0) {
            return plain(fd);
        }
        return ((long) IOSQE_FIXED_FILE << 8) | plain(slot);
    }

    // ---- registered files ----

    /**
     * Puts {@code fd} into the ring's registered file table (IORING_REGISTER_FILES_UPDATE), so
     * its operations name a table slot (IOSQE_FIXED_FILE) and the kernel skips looking the
     * descriptor up and reference-counting its file on every operation. Returns false, and
     * operations keep using the plain descriptor, when the table is full or the kernel refused
     * the table at setup. Call {@link #unregisterFile} before closing the descriptor: the table
     * holds its own reference to the open file.
     *
     * @throws UringException when the kernel refuses the update (EBADF for a closed descriptor)
     */
    public boolean registerFile(int fd) {
        ensureOpen();
        if (fd < 0) {
            throw new IllegalArgumentException("negative descriptor " + fd);
        }
        if (isRegistered(fd)) {
            return true;
        }
        if (fileSlots == 0 || freeSlotCount == 0) {
            return false;
        }
        int slot = freeSlots[freeSlotCount - 1];
        updateSlot(slot, fd);
        freeSlotCount--;
        if (fd >= slotByFd.length) {
            slotByFd = java.util.Arrays.copyOf(slotByFd, Math.max(fd + 1, slotByFd.length * 2));
        }
        slotByFd[fd] = slot + 1;
        return true;
    }

    /** True if {@code fd} is in the registered file table. */
    public boolean isRegistered(int fd) {
        return fd >= 0 && fd < slotByFd.length && slotByFd[fd] != 0;
    }

    /**
     * Removes {@code fd} from the registered file table (a no-op if it is not there). Operations
     * already submitted keep the file until they complete; later ones use the plain descriptor.
     */
    public void unregisterFile(int fd) {
        if (closed || !isRegistered(fd)) {
            // A closed ring took its table with it.
            return;
        }
        int slot = slotByFd[fd] - 1;
        slotByFd[fd] = 0;
        freeSlots[freeSlotCount++] = slot;
        updateSlot(slot, -1);
    }

    /** How many descriptors the registered file table holds at most (0: the kernel refused it). */
    public int registeredFileSlots() {
        return fileSlots;
    }

    /**
     * <pre>
     * struct io_uring_files_update (16 bytes)
     * OFFSET SIZE DESCRIPTION
     *   0     4   offset   first table slot to update
     *   4     4   resv
     *   8     8   fds      address of nr_args s32 descriptors (-1 clears a slot)
     * </pre>
     */
    private void updateSlot(int slot, int fd) {
        fileUpdate.set(JAVA_INT, 0, slot);
        fileUpdate.set(JAVA_INT, 4, 0);
        fileUpdate.set(JAVA_LONG, 8, fileUpdate.address() + 16);
        fileUpdate.set(JAVA_INT, 16, fd);
        long r = LibC.syscall(capture, SYS_IO_URING_REGISTER, ringFd, IORING_REGISTER_FILES_UPDATE,
                fileUpdate.address(), 1, 0, 0);
        if (r < 0) {
            throw new UringException("io_uring_register(FILES_UPDATE)", LibC.errno(capture));
        }
    }

    /**
     * Registers a table of {@link #FILE_SLOTS} empty (-1) slots (IORING_REGISTER_FILES); returns
     * its size, or 0 where the kernel refuses (operations then always use plain descriptors).
     */
    private int registerFileTable() {
        MemorySegment fds = arena.allocate(JAVA_INT, FILE_SLOTS);
        fds.fill((byte) 0xff);
        long r = LibC.syscall(capture, SYS_IO_URING_REGISTER, ringFd, IORING_REGISTER_FILES,
                fds.address(), FILE_SLOTS, 0, 0);
        return r < 0 ? 0 : FILE_SLOTS;
    }

    private void armWake() {
        assert !wakeArmed : "invariant: wake-up read armed twice";
        writeSqe(nextSqe(), OP_READ, plain(eventFd), 0, wakeBuf.address(), (int) wakeBuf.byteSize(), 0, WAKE_TAG);
        wakeArmed = true;
    }

    /**
     * Hands every prepared SQE to the kernel with one io_uring_enter; does not wait. Returns the
     * number of operations submitted (the wake-up read not counted). With
     * {@link #SETUP_TASKRUN_FLAG}, also enters (to let the kernel post finished completions) when
     * nothing is to be submitted but the kernel flagged completion work; otherwise, with nothing
     * to submit, makes no system call.
     */
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
        boolean armedNow = false;
        if (!wakeArmed && !closing && !arming) {
            // arming: armWake may itself enter (to make room in a full SQ ring); that inner enter
            // must not try to arm again.
            arming = true;
            try {
                armWake();
            } finally {
                arming = false;
            }
            armedNow = true;
        }
        int head = (int) INT.getAcquire(sqRing, sqHeadOff);
        int toSubmit = sqeTail - head;
        if (toSubmit > 0) {
            INT.setRelease(sqRing, sqTailOff, sqeTail);
        }
        boolean flush = false;
        if (wait && cqReady()) {
            wait = false;
        }
        if (!wait) {
            // Completion work the kernel has queued for this thread (COOP/DEFER_TASKRUN) is only
            // turned into CQEs by an enter with GETEVENTS; TASKRUN_FLAG says when that is needed.
            flush = (setupFlags & SETUP_TASKRUN_FLAG) != 0
                    && ((int) INT.getAcquire(sqRing, sqFlagsOff) & IORING_SQ_TASKRUN) != 0;
            if (toSubmit == 0 && !flush) {
                return 0;
            }
        }
        enterCalls++;
        long r = LibC.syscall(capture, SYS_IO_URING_ENTER, ringFd, toSubmit, wait ? 1 : 0,
                wait || flush ? IORING_ENTER_GETEVENTS : 0, 0, 0);
        if (r < 0) {
            int errno = LibC.errno(capture);
            // EINTR: a signal; EAGAIN/EBUSY: the kernel is short of resources or the CQ is
            // backed up. In every case the unconsumed SQEs stay queued for the next enter.
            if (errno == Errno.EINTR.number() || errno == Errno.EAGAIN.number() || errno == Errno.EBUSY.number()) {
                return 0;
            }
            throw new UringException("io_uring_enter", errno);
        }
        // The wake-up read is the oldest unsubmitted SQE when armed here, so it went in first.
        return armedNow && r > 0 ? (int) r - 1 : (int) r;
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
                // The read consumed the eventfd counter: from here a wakeup() must write again.
                // Re-armed by the next enter.
                WAKE_PENDING.setVolatile(this, false);
                wakeArmed = false;
                woken = true;
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
        // A write already made and not yet consumed by the wake-up read wakes the loop for this
        // caller too: the loop clears the flag only after reaping that read, and returns from
        // its wait after that.
        if ((boolean) WAKE_PENDING.getAndSet(this, true)) {
            return;
        }
        synchronized (wakeLock) {
            if (!eventFdOpen) {
                return;
            }
            try {
                MemorySegment cap = CAPTURE.get();
                long r = (long) LibC.get().write.invokeExact(cap, eventFd, ONE, 8L);
                WAKE_WRITES.getAndAdd(this, 1L);
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

    @SuppressWarnings("unused") // accessed through WAKE_PENDING
    private volatile boolean wakePending;
    @SuppressWarnings("unused") // accessed through WAKE_WRITES
    private volatile long wakeWrites;
    private static final VarHandle WAKE_PENDING;
    private static final VarHandle WAKE_WRITES;

    static {
        try {
            var lookup = java.lang.invoke.MethodHandles.lookup();
            WAKE_PENDING = lookup.findVarHandle(IoUring.class, "wakePending", boolean.class);
            WAKE_WRITES = lookup.findVarHandle(IoUring.class, "wakeWrites", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
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
                    // Forced: the pending flag may be set by a wake-up whose read is reaped below.
                    WAKE_PENDING.setVolatile(this, false);
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
