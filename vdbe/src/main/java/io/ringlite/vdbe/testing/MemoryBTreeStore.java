package io.ringlite.vdbe.testing;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A test double for {@link BTreeStore}: every table is a {@code TreeMap<rowid, record>}.
 *
 * <p>With a non-zero {@code pendingProbability}, each cursor or store call that may do I/O
 * returns {@link IoStatus.Pending} first, at random (seeded), without changing anything, exactly
 * as the storage contract allows; the test completes the outstanding completions itself
 * ({@link #completeOutstanding()}). A program must give the same results with and without this
 * schedule: that is how the VM's re-execution of yielded instructions is proven safe.
 *
 * <p>For tests only (here and in modules above): not thread-safe, no persistence.
 */
public final class MemoryBTreeStore implements BTreeStore {
    private final Map<Integer, TreeMap<Long, byte[]>> trees = new HashMap<>();
    private final Random random;
    private final double pendingProbability;
    private final List<Completion> outstanding = new ArrayList<>();
    private int nextRoot = 2;
    private int openCursors;
    private long pendingCount;
    private int forcedPending;

    /** A store that never returns Pending. */
    public MemoryBTreeStore() {
        this(0, 0.0);
    }

    public MemoryBTreeStore(long seed, double pendingProbability) {
        this.random = new Random(seed);
        this.pendingProbability = pendingProbability;
        trees.put(1, new TreeMap<>());
    }

    /** The rows of the table rooted at {@code root} (live view). */
    public TreeMap<Long, byte[]> table(int root) {
        TreeMap<Long, byte[]> t = trees.get(root);
        if (t == null) {
            throw new IllegalArgumentException("no table at root " + root);
        }
        return t;
    }

    /** Creates a table directly (no I/O simulation); returns its root page. */
    public int createTableNow() {
        int root = nextRoot++;
        trees.put(root, new TreeMap<>());
        return root;
    }

    /** Completes every completion handed out so far; returns how many. */
    public int completeOutstanding() {
        List<Completion> list = new ArrayList<>(outstanding);
        outstanding.clear();
        for (Completion c : list) {
            c.complete(0);
        }
        return list.size();
    }

    public int openCursors() {
        return openCursors;
    }

    /** Total Pending results returned so far. */
    public long pendingCount() {
        return pendingCount;
    }

    /** A deep copy of every table, for statement/transaction rollback in test contexts. */
    public Map<Integer, TreeMap<Long, byte[]>> snapshot() {
        Map<Integer, TreeMap<Long, byte[]>> copy = new HashMap<>();
        trees.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return copy;
    }

    public void restore(Map<Integer, TreeMap<Long, byte[]>> snapshot) {
        trees.clear();
        snapshot.forEach((k, v) -> trees.put(k, new TreeMap<>(v)));
    }

    /** Makes the next {@code n} calls that may do I/O return Pending (deterministic tests). */
    public void pendNext(int n) {
        forcedPending += n;
    }

    /** Maybe a Pending (changing nothing), per the seeded schedule; else null. */
    IoStatus maybePending() {
        boolean forced = forcedPending > 0;
        if (forced) {
            forcedPending--;
        }
        if (forced || (pendingProbability > 0 && random.nextDouble() < pendingProbability)) {
            Completion c = new Completion();
            outstanding.add(c);
            pendingCount++;
            return IoStatus.pending(c);
        }
        return null;
    }

    @Override
    public BTreeCursor openTable(int rootPage, boolean writable) {
        table(rootPage);
        openCursors++;
        return new Cursor(rootPage, writable);
    }

    @Override
    public IoStatus createTable(int[] rootOut) {
        IoStatus p = maybePending();
        if (p != null) {
            return p;
        }
        rootOut[0] = createTableNow();
        return IoStatus.READY;
    }

    private final class Cursor implements BTreeCursor {
        private final int root;
        private final boolean writable;
        private Long key;
        private boolean found;
        private boolean loaded;
        private boolean closed;

        Cursor(int root, boolean writable) {
            this.root = root;
            this.writable = writable;
        }

        private TreeMap<Long, byte[]> tree() {
            if (closed) {
                throw new IllegalStateException("invariant: cursor used after close");
            }
            return table(root);
        }

        @Override
        public int rootPage() {
            return root;
        }

        @Override
        public IoStatus first() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            key = tree().isEmpty() ? null : tree().firstKey();
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public IoStatus last() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            key = tree().isEmpty() ? null : tree().lastKey();
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public IoStatus next() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            key = key == null ? null : tree().higherKey(key);
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public IoStatus previous() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            key = key == null ? null : tree().lowerKey(key);
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public IoStatus seekRowid(long rowid) {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            found = tree().containsKey(rowid);
            if (found) {
                key = rowid;
            } else {
                Long k = tree().ceilingKey(rowid);
                key = k != null ? k : tree().floorKey(rowid);
            }
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public boolean eof() {
            return key == null;
        }

        @Override
        public boolean found() {
            return found;
        }

        @Override
        public long rowid() {
            if (key == null) {
                throw new IllegalStateException("invariant: rowid at eof");
            }
            return key;
        }

        @Override
        public long payloadSize() {
            return tree().get(key).length;
        }

        @Override
        public IoStatus loadPayload() {
            if (!loaded) {
                IoStatus p = maybePending();
                if (p != null) {
                    return p;
                }
            }
            loaded = true;
            return IoStatus.READY;
        }

        @Override
        public MemorySegment payload() {
            if (!loaded) {
                throw new IllegalStateException("invariant: payload() before loadPayload() returned READY");
            }
            byte[] rec = tree().get(key);
            if (rec == null) {
                throw new IllegalStateException("invariant: payload of a deleted row");
            }
            return MemorySegment.ofArray(rec.clone());
        }

        @Override
        public IoStatus insert(long rowid, MemorySegment record) {
            if (!writable) {
                throw new IllegalStateException("invariant: insert through a read cursor");
            }
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            tree().put(rowid, record.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            key = rowid;
            loaded = false;
            return IoStatus.READY;
        }

        @Override
        public IoStatus delete() {
            if (!writable) {
                throw new IllegalStateException("invariant: delete through a read cursor");
            }
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            tree().remove(key);
            loaded = false;
            // the position stays at the deleted key, so next() moves to its successor
            return IoStatus.READY;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                openCursors--;
            }
        }
    }
}
