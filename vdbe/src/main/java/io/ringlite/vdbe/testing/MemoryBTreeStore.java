package io.ringlite.vdbe.testing;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.record.KeyInfo;
import io.ringlite.storage.record.RecordCompare;
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
    /** Index trees: entries kept sorted by the KeyInfo of the cursors that write them. */
    private final Map<Integer, List<byte[]>> indexes = new HashMap<>();
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

    /** The entries of the index rooted at {@code root}, in key order (live view). */
    public List<byte[]> index(int root) {
        List<byte[]> t = indexes.get(root);
        if (t == null) {
            throw new IllegalArgumentException("no index at root " + root);
        }
        return t;
    }

    /** Creates an index directly (no I/O simulation); returns its root page. */
    public int createIndexNow() {
        int root = nextRoot++;
        indexes.put(root, new ArrayList<>());
        return root;
    }

    /** Whether a table or index is rooted at {@code root}. */
    public boolean hasTree(int root) {
        return trees.containsKey(root) || indexes.containsKey(root);
    }

    /** A deep copy of every index, for rollback in test contexts (with {@link #snapshot()}). */
    public Map<Integer, List<byte[]>> snapshotIndexes() {
        Map<Integer, List<byte[]>> copy = new HashMap<>();
        indexes.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
        return copy;
    }

    public void restoreIndexes(Map<Integer, List<byte[]>> snapshot) {
        indexes.clear();
        snapshot.forEach((k, v) -> indexes.put(k, new ArrayList<>(v)));
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

    @Override
    public io.ringlite.storage.btree.IndexCursor openIndex(int rootPage, KeyInfo keyInfo, boolean writable) {
        index(rootPage);
        openCursors++;
        return new IndexTreeCursor(rootPage, keyInfo, writable);
    }

    @Override
    public IoStatus createIndex(int[] rootOut) {
        IoStatus p = maybePending();
        if (p != null) {
            return p;
        }
        rootOut[0] = createIndexNow();
        return IoStatus.READY;
    }

    @Override
    public IoStatus clearTree(int root) {
        if (!hasTree(root)) {
            throw new IllegalArgumentException("no tree at root " + root);
        }
        IoStatus p = maybePending();
        if (p != null) {
            return p;
        }
        if (trees.containsKey(root)) {
            trees.get(root).clear();
        } else {
            indexes.get(root).clear();
        }
        return IoStatus.READY;
    }

    @Override
    public IoStatus dropTree(int root) {
        if (!hasTree(root)) {
            throw new IllegalArgumentException("no tree at root " + root);
        }
        IoStatus p = maybePending();
        if (p != null) {
            return p;
        }
        trees.remove(root);
        indexes.remove(root);
        return IoStatus.READY;
    }

    /**
     * A cursor over a sorted list of key records. Position {@code pos} is an index into the list;
     * after a delete it stays at the slot of the deleted entry, with {@code afterDelete} telling
     * next() not to advance (the successor moved into the slot).
     */
    private final class IndexTreeCursor implements io.ringlite.storage.btree.IndexCursor {
        private final int root;
        private final KeyInfo keyInfo;
        private final boolean writable;
        private int pos = -1;
        private boolean afterDelete;
        private boolean found;
        private boolean loaded;
        private boolean closed;

        IndexTreeCursor(int root, KeyInfo keyInfo, boolean writable) {
            this.root = root;
            this.keyInfo = keyInfo;
            this.writable = writable;
        }

        private List<byte[]> list() {
            if (closed) {
                throw new IllegalStateException("invariant: cursor used after close");
            }
            return index(root);
        }

        private void at(int p) {
            pos = p;
            afterDelete = false;
            loaded = false;
        }

        @Override public int rootPage() { return root; }
        @Override public KeyInfo keyInfo() { return keyInfo; }

        @Override
        public IoStatus first() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            at(list().isEmpty() ? -1 : 0);
            return IoStatus.READY;
        }

        @Override
        public IoStatus last() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            at(list().size() - 1);
            return IoStatus.READY;
        }

        @Override
        public IoStatus next() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            if (pos >= 0) {
                int n = afterDelete ? pos : pos + 1;
                at(n < list().size() ? n : -1);
            }
            return IoStatus.READY;
        }

        @Override
        public IoStatus previous() {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            if (pos >= 0) {
                at(pos - 1);
            }
            return IoStatus.READY;
        }

        @Override
        public IoStatus seekRowid(long rowid) {
            throw new IllegalStateException("invariant: seekRowid on an index");
        }

        @Override
        public IoStatus seek(Object[] key, io.ringlite.storage.btree.SeekOp op) {
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            List<byte[]> l = list();
            // first entry >= key (prefix-equal counts as equal) and first entry > key
            int ge = 0;
            while (ge < l.size() && cmp(l.get(ge), key) < 0) {
                ge++;
            }
            int gt = ge;
            while (gt < l.size() && cmp(l.get(gt), key) == 0) {
                gt++;
            }
            int target = switch (op) {
                case GE, EQ -> ge < l.size() ? ge : -1;
                case GT -> gt < l.size() ? gt : -1;
                case LE -> gt - 1;
                case LT -> ge - 1;
            };
            at(target);
            found = op == io.ringlite.storage.btree.SeekOp.EQ && target >= 0 && cmp(l.get(target), key) == 0;
            return IoStatus.READY;
        }

        @Override
        public IoStatus seek(MemorySegment keyRecord, io.ringlite.storage.btree.SeekOp op) {
            return seek(io.ringlite.storage.record.RecordDecoder.of(keyRecord).columns(), op);
        }

        private int cmp(byte[] entry, Object[] key) {
            return RecordCompare.compare(MemorySegment.ofArray(entry), key, keyInfo);
        }

        @Override
        public IoStatus insert(MemorySegment keyRecord) {
            if (!writable) {
                throw new IllegalStateException("invariant: insert through a read cursor");
            }
            IoStatus p = maybePending();
            if (p != null) {
                return p;
            }
            byte[] rec = keyRecord.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            List<byte[]> l = list();
            int i = 0;
            int c = -1;
            while (i < l.size() && (c = RecordCompare.compare(MemorySegment.ofArray(l.get(i)), keyRecord, keyInfo)) < 0) {
                i++;
            }
            if (i < l.size() && c == 0) {
                l.set(i, rec);
            } else {
                l.add(i, rec);
            }
            at(i);
            return IoStatus.READY;
        }

        @Override
        public IoStatus insert(long rowid, MemorySegment record) {
            throw new IllegalStateException("invariant: rowid insert into an index");
        }

        @Override
        public int compareCurrent(Object[] key) {
            return cmp(current(), key);
        }

        @Override
        public int compareCurrent(MemorySegment keyRecord) {
            return RecordCompare.compare(MemorySegment.ofArray(current()), keyRecord, keyInfo);
        }

        private byte[] current() {
            if (!loaded) {
                throw new IllegalStateException("invariant: entry read before loadPayload() returned READY");
            }
            if (pos < 0 || afterDelete) {
                throw new IllegalStateException("invariant: no current entry");
            }
            return list().get(pos);
        }

        @Override public boolean eof() { return pos < 0 || pos >= list().size(); }
        @Override public boolean found() { return found; }

        @Override
        public long rowid() {
            throw new IllegalStateException("invariant: rowid() of an index cursor");
        }

        @Override
        public long payloadSize() {
            return current().length;
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
            return MemorySegment.ofArray(current().clone());
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
            if (pos < 0 || afterDelete || pos >= list().size()) {
                throw new IllegalStateException("invariant: delete with no current entry");
            }
            list().remove(pos);
            loaded = false;
            afterDelete = true;
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
