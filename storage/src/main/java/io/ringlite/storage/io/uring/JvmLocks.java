package io.ringlite.storage.io.uring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte-range locks that {@link UringFile}s of this JVM hold, per file.
 *
 * <p>Why: {@code fcntl} locks belong to the process, so two handles of one JVM never conflict at
 * the OS level, and closing either drops both handles' locks. SQLite solves this with its
 * per-inode lock bookkeeping; this is the same idea. Each handle is an owner here: a request
 * conflicts with another owner's overlapping lock unless both are shared, exactly as between
 * processes. The OS lock is only taken after this table allowed it, and after a handle releases
 * (or closes), the other handles' remaining locks on that file are re-asserted with fcntl through
 * their own descriptors.
 *
 * <p>Files are identified by their real path (symlinks resolved), falling back to the absolute
 * normalized path when the file cannot be resolved.
 *
 * <p>Thread safety: all methods synchronize on the class's single instance; several event loops
 * may open files concurrently.
 */
final class JvmLocks {
    static final JvmLocks INSTANCE = new JvmLocks();

    record Range(UringFile owner, long start, long end, boolean shared) {
    }

    private final Map<String, List<Range>> byFile = new HashMap<>();

    private JvmLocks() {
    }

    static String identity(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return path.toAbsolutePath().normalize().toString();
        }
    }

    /** True if no other handle of this JVM holds a conflicting lock. */
    synchronized boolean allowed(String file, UringFile owner, long start, long end, boolean shared) {
        for (Range r : byFile.getOrDefault(file, List.of())) {
            if (r.owner() != owner && r.start() < end && start < r.end() && (!shared || !r.shared())) {
                return false;
            }
        }
        return true;
    }

    /** Records that {@code owner} now holds the range (replacing what it held there). */
    synchronized void record(String file, UringFile owner, long start, long end, boolean shared) {
        List<Range> list = byFile.computeIfAbsent(file, k -> new ArrayList<>());
        remove(list, owner, start, end);
        list.add(new Range(owner, start, end, shared));
    }

    /**
     * Forgets {@code owner}'s locks in the range and returns the other owners' locks on the file
     * that overlap it (the caller re-asserts them after its fcntl unlock).
     */
    synchronized List<Range> release(String file, UringFile owner, long start, long end) {
        List<Range> list = byFile.get(file);
        if (list == null) {
            return List.of();
        }
        remove(list, owner, start, end);
        List<Range> others = new ArrayList<>();
        for (Range r : list) {
            if (r.start() < end && start < r.end()) {
                others.add(r);
            }
        }
        if (list.isEmpty()) {
            byFile.remove(file);
        }
        return others;
    }

    private static void remove(List<Range> list, UringFile owner, long start, long end) {
        List<Range> keep = new ArrayList<>();
        list.removeIf(r -> {
            if (r.owner() != owner || r.end() <= start || end <= r.start()) {
                return false;
            }
            if (r.start() < start) {
                keep.add(new Range(owner, r.start(), start, r.shared()));
            }
            if (end < r.end()) {
                keep.add(new Range(owner, end, r.end(), r.shared()));
            }
            return true;
        });
        list.addAll(keep);
    }
}
