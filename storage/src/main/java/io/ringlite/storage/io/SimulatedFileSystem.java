package io.ringlite.storage.io;

import io.ringlite.uring.Errno;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * An in-memory file system for deterministic simulation: files, durability, crashes, faults
 * and POSIX-style locks, all driven by one seed.
 *
 * <h2>Model</h2>
 * Each file has its <em>current</em> bytes (what reads see) and its <em>durable</em> bytes
 * (what survives a crash), plus the ordered list of writes and truncates made since its last
 * successful sync. A sync makes current = durable. {@link #crash()} rebuilds every file from its
 * durable bytes and replays each unsynced change as the seed decides: applied, lost, or, for a
 * write, torn (only a prefix of whole 512-byte sectors, or of bytes for a short write, reaches
 * the disk). Creating and deleting files is durable at once (the model has no directory sync).
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li>Same seed, same sequence of calls: same completion order, same faults, same crash
 *       outcome. The only randomness is {@link #random}, seeded from the constructor.</li>
 *   <li>A file's durable bytes change only in {@link #sync}, {@link #crash} and
 *       {@link #putFile}.</li>
 *   <li>After {@link #crash()} every handle opened before it fails all operations (the process
 *       died); its locks are gone.</li>
 *   <li>Operations are counted when they execute (in a backend's poll), reads, writes, syncs and
 *       truncates alike; fault rules are checked against that count.</li>
 * </ol>
 *
 * <p>Thread safety: methods are synchronized, so backends of several simulated loops (or a test
 * thread inspecting files) may share one instance; determinism then needs a deterministic
 * schedule of those threads.
 */
public final class SimulatedFileSystem {
    /** What happens to unsynced changes at {@link #crash(CrashMode)}. */
    public enum CrashMode {
        /** Each unsynced change is applied, lost or torn, as the seed decides. */
        SEEDED,
        /** Every unsynced change is lost. */
        LOSE_ALL,
        /** Every unsynced change reached the disk (a clean power cut after the cache drained). */
        KEEP_ALL
    }

    /** The kinds of operation a fault rule can target. */
    public enum Operation { READ, WRITE, SYNC, TRUNCATE }

    /** A one-shot rule: the next {@code op} on {@code path} (any path when null) fails. */
    private record NextFault(Operation op, String path, Errno errno) {
    }

    static final int SECTOR = 512;

    private final long seed;
    private final Random random;
    private final Map<String, FileData> files = new HashMap<>();
    private final Map<String, List<LockRange>> locks = new HashMap<>();
    private final TreeSet<Long> failAt = new TreeSet<>();
    private final Map<Long, Errno> failAtErrno = new HashMap<>();
    private final List<NextFault> nextFaults = new ArrayList<>();
    private double failProbability;
    private Errno failProbabilityErrno = Errno.EIO;
    private long operations;
    private OperationObserver observer;
    private int generation;
    private int crashes;

    public SimulatedFileSystem(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public long seed() {
        return seed;
    }

    /** The backend's own seed, drawn from this one (deterministic in creation order). */
    synchronized long nextBackendSeed() {
        return random.nextLong();
    }

    synchronized int generation() {
        return generation;
    }

    // ---------------------------------------------------------------- faults

    /** The {@code nth} operation from now (1 = the next one) fails with {@code errno}. */
    public synchronized void failOperation(long nth, Errno errno) {
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be >= 1: " + nth);
        }
        failAt.add(operations + nth);
        failAtErrno.put(operations + nth, errno);
    }

    /** From now on each operation fails with {@code errno} with probability {@code p} (seeded). */
    public synchronized void failRandomly(double p, Errno errno) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
        }
        failProbability = p;
        failProbabilityErrno = errno;
    }

    /**
     * The next {@code op} on {@code path} ({@code null}: on any file) fails with {@code errno};
     * e.g. {@code failNext(SYNC, wal, EIO)} makes the next WAL fsync fail. One-shot; several
     * rules are matched in the order they were added.
     */
    public synchronized void failNext(Operation op, Path path, Errno errno) {
        nextFaults.add(new NextFault(op, path == null ? null : key(path), errno));
    }

    public synchronized void clearFaults() {
        nextFaults.clear();
        failAt.clear();
        failAtErrno.clear();
        failProbability = 0;
    }

    /** Operations executed so far. */
    public synchronized long operationCount() {
        return operations;
    }

    /**
     * Sees every counted operation and the fault it fails with (null: none); for tests that
     * fingerprint a run's I/O or count the faults that hit. Called with this file system's
     * monitor held, on the thread that executes the operation. It may arm further faults
     * ({@link #failOperation}, {@link #failNext}: they count from the next operation on), e.g.
     * to turn "the next WAL truncate fails" into "the machine dies at the next WAL truncate".
     */
    @FunctionalInterface
    public interface OperationObserver {
        void operation(long n, Operation op, Path path, Errno fault);
    }

    /** Installs the one observer ({@code null} removes it). */
    public synchronized void observe(OperationObserver o) {
        observer = o;
    }

    /** Counts one operation and returns the fault it must fail with, or null. */
    synchronized Errno nextOperationFault(Operation op, Path path) {
        long n = ++operations;
        Errno fault = faultFor(n, op, path);
        if (observer != null) {
            observer.operation(n, op, path, fault);
        }
        return fault;
    }

    private Errno faultFor(long n, Operation op, Path path) {
        if (failAt.remove(n)) {
            return failAtErrno.remove(n);
        }
        for (int i = 0; i < nextFaults.size(); i++) {
            NextFault f = nextFaults.get(i);
            if (f.op() == op && (f.path() == null || f.path().equals(key(path)))) {
                nextFaults.remove(i);
                return f.errno();
            }
        }
        if (failProbability > 0 && random.nextDouble() < failProbability) {
            return failProbabilityErrno;
        }
        return null;
    }

    // ---------------------------------------------------------------- files

    private static String key(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    public synchronized boolean exists(Path path) {
        return files.containsKey(key(path));
    }

    public synchronized void delete(Path path) {
        files.remove(key(path));
    }

    /** Creates the file (empty) if missing; returns false if missing and {@code create} is false. */
    synchronized boolean openFile(Path path, boolean create) {
        String k = key(path);
        if (files.containsKey(k)) {
            return true;
        }
        if (!create) {
            return false;
        }
        files.put(k, new FileData());
        return true;
    }

    /** Installs a file with durable content (e.g. a fixture made by real sqlite3). */
    public synchronized void putFile(Path path, byte[] content) {
        FileData f = new FileData();
        f.current = content.clone();
        f.size = content.length;
        f.durable = content.clone();
        files.put(key(path), f);
    }

    /** What a read sees now (completed writes, synced or not). */
    public synchronized byte[] content(Path path) {
        FileData f = file(path);
        return Arrays.copyOf(f.current, f.size);
    }

    /** What would survive a crash that loses every unsynced change. */
    public synchronized byte[] durableContent(Path path) {
        return file(path).durable.clone();
    }

    /** Number of unsynced writes and truncates of the file. */
    public synchronized int unsyncedChanges(Path path) {
        return file(path).unsynced.size();
    }

    public synchronized long size(Path path) {
        return file(path).size;
    }

    /** How many times {@link #crash} ran. */
    public synchronized int crashes() {
        return crashes;
    }

    private FileData file(Path path) {
        FileData f = files.get(key(path));
        if (f == null) {
            throw new IllegalArgumentException("no such simulated file: " + path);
        }
        return f;
    }

    /** Copies up to {@code dst.length} bytes at {@code offset}; returns the count (short at EOF). */
    synchronized int read(Path path, long offset, byte[] dst) {
        FileData f = file(path);
        if (offset >= f.size) {
            return 0;
        }
        int n = (int) Math.min(dst.length, f.size - offset);
        System.arraycopy(f.current, (int) offset, dst, 0, n);
        return n;
    }

    /**
     * Simulated files hold at most {@link #MAX_FILE_SIZE} bytes (they live in one Java array). A
     * write or truncate past that fails as a real file system fails past its maximum file size,
     * with EFBIG, before changing anything; a negative size is EINVAL.
     */
    static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 8;

    private static void checkSize(IoErrors.Op op, Path path, long offset, long end) {
        if (offset < 0 || end < 0) {
            throw IoErrors.of(op, path, offset, Errno.EINVAL.number());
        }
        if (end > MAX_FILE_SIZE) {
            throw IoErrors.of(op, path, offset, Errno.EFBIG.number());
        }
    }

    synchronized void write(Path path, long offset, byte[] src) {
        FileData f = file(path);
        checkSize(IoErrors.Op.WRITE, path, offset, offset + src.length);
        f.applyWrite(offset, src, src.length);
        f.unsynced.add(new Change(offset, src, -1));
    }

    synchronized void truncate(Path path, long size) {
        FileData f = file(path);
        checkSize(IoErrors.Op.TRUNCATE, path, size, size);
        f.applyTruncate(size);
        f.unsynced.add(new Change(0, null, size));
    }

    synchronized void sync(Path path) {
        FileData f = file(path);
        f.durable = Arrays.copyOf(f.current, f.size);
        f.unsynced.clear();
    }

    // ---------------------------------------------------------------- crash

    /** The machine loses power: see the class comment; decisions are seeded. */
    public void crash() {
        crash(CrashMode.SEEDED);
    }

    public synchronized void crash(CrashMode mode) {
        List<String> names = new ArrayList<>(files.keySet());
        names.sort(null); // HashMap order must not leak into the seeded decisions
        for (String name : names) {
            FileData f = files.get(name);
            FileData rebuilt = new FileData();
            rebuilt.current = f.durable.clone();
            rebuilt.size = f.durable.length;
            for (Change c : f.unsynced) {
                int fate = switch (mode) {
                    case KEEP_ALL -> 0;
                    case LOSE_ALL -> 1;
                    case SEEDED -> random.nextInt(3);
                };
                if (c.isTruncate()) {
                    if (fate != 1) {
                        rebuilt.applyTruncate(c.truncateTo);
                    }
                } else if (fate == 0) {
                    rebuilt.applyWrite(c.offset, c.bytes, c.bytes.length);
                } else if (fate == 2) {
                    rebuilt.applyWrite(c.offset, c.bytes, tornLength(c.bytes.length));
                }
            }
            rebuilt.durable = Arrays.copyOf(rebuilt.current, rebuilt.size);
            files.put(name, rebuilt);
        }
        locks.clear();
        generation++;
        crashes++;
    }

    private int tornLength(int len) {
        if (len > SECTOR) {
            int sectors = (len + SECTOR - 1) / SECTOR;
            return Math.min(len, random.nextInt(sectors) * SECTOR);
        }
        return random.nextInt(len);
    }

    // ---------------------------------------------------------------- locks

    /**
     * POSIX record-lock semantics per {@code owner} (a backend stands for a process): locks of
     * one owner never conflict with each other and re-locking a range replaces it; locks of
     * different owners conflict unless both are shared. {@code length == 0} means "to infinity".
     */
    synchronized boolean tryLock(Object owner, Path path, long position, long length, boolean shared) {
        long end = length == 0 ? Long.MAX_VALUE : position + length;
        List<LockRange> list = locks.computeIfAbsent(key(path), k -> new ArrayList<>());
        for (LockRange l : list) {
            if (l.owner != owner && l.start < end && position < l.end && (!shared || !l.shared)) {
                return false;
            }
        }
        removeRange(list, owner, position, end);
        list.add(new LockRange(owner, position, end, shared));
        return true;
    }

    synchronized void unlock(Object owner, Path path, long position, long length) {
        List<LockRange> list = locks.get(key(path));
        if (list != null) {
            removeRange(list, owner, position, length == 0 ? Long.MAX_VALUE : position + length);
        }
    }

    /** POSIX: closing any descriptor drops all of the process's locks on the file. */
    synchronized void unlockAll(Object owner, Path path) {
        List<LockRange> list = locks.get(key(path));
        if (list != null) {
            list.removeIf(l -> l.owner == owner);
        }
    }

    private static void removeRange(List<LockRange> list, Object owner, long start, long end) {
        List<LockRange> keep = new ArrayList<>();
        for (Iterator<LockRange> it = list.iterator(); it.hasNext(); ) {
            LockRange l = it.next();
            if (l.owner == owner && l.start < end && start < l.end) {
                it.remove();
                if (l.start < start) {
                    keep.add(new LockRange(owner, l.start, start, l.shared));
                }
                if (end < l.end) {
                    keep.add(new LockRange(owner, end, l.end, l.shared));
                }
            }
        }
        list.addAll(keep);
    }

    private record LockRange(Object owner, long start, long end, boolean shared) {
    }

    /** An unsynced change: a write ({@code bytes}) or a truncate ({@code truncateTo >= 0}). */
    private record Change(long offset, byte[] bytes, long truncateTo) {
        boolean isTruncate() {
            return truncateTo >= 0;
        }
    }

    private static final class FileData {
        byte[] current = new byte[0];
        int size;
        byte[] durable = new byte[0];
        final List<Change> unsynced = new ArrayList<>();

        void applyWrite(long offset, byte[] src, int len) {
            long end = offset + len;
            if (end > MAX_FILE_SIZE) {
                throw new IllegalStateException("invariant: write past the simulated size limit was not refused");
            }
            if (end > current.length) {
                current = Arrays.copyOf(current, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8, current.length * 2L)));
            }
            System.arraycopy(src, 0, current, (int) offset, len);
            // Bytes between the old end and the write's offset are a hole: zeros (copyOf made them).
            if (end > size) {
                if (offset > size) {
                    Arrays.fill(current, size, (int) offset, (byte) 0);
                }
                size = (int) end;
            }
        }

        void applyTruncate(long newSize) {
            if (newSize < 0 || newSize > MAX_FILE_SIZE) {
                throw new IllegalStateException("invariant: truncate to " + newSize + " was not refused");
            }
            if (newSize < size) {
                Arrays.fill(current, (int) newSize, size, (byte) 0);
            } else if (newSize > current.length) {
                current = Arrays.copyOf(current, (int) newSize);
            }
            size = (int) newSize;
        }
    }
}
