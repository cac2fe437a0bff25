package io.ringlite.engine.compile;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.IoStatus;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test double: table B-trees as TreeMaps of rowid to record bytes, every call READY. Page 1 is
 * sqlite_schema; createTable hands out 2, 3, ...
 */
final class MemoryBTrees implements BTreeStore {
    final Map<Integer, TreeMap<Long, byte[]>> trees = new HashMap<>();
    private int nextRoot = 2;

    MemoryBTrees() {
        trees.put(1, new TreeMap<>());
    }

    TreeMap<Long, byte[]> tree(int root) {
        TreeMap<Long, byte[]> t = trees.get(root);
        if (t == null) {
            throw new IllegalStateException("invariant: no tree at root " + root);
        }
        return t;
    }

    /** A deep copy, for statement rollback. */
    Map<Integer, TreeMap<Long, byte[]>> snapshot() {
        Map<Integer, TreeMap<Long, byte[]>> copy = new HashMap<>();
        trees.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
        return copy;
    }

    void restore(Map<Integer, TreeMap<Long, byte[]>> snapshot) {
        trees.clear();
        trees.putAll(snapshot);
    }

    @Override
    public BTreeCursor openTable(int rootPage, boolean writable) {
        return new Cursor(rootPage);
    }

    @Override
    public IoStatus createTable(int[] rootOut) {
        rootOut[0] = nextRoot;
        trees.put(nextRoot++, new TreeMap<>());
        return IoStatus.READY;
    }

    private final class Cursor implements BTreeCursor {
        private final int root;
        private Long key;
        private boolean found;

        Cursor(int root) {
            this.root = root;
        }

        private TreeMap<Long, byte[]> t() {
            return tree(root);
        }

        @Override public int rootPage() { return root; }
        @Override public IoStatus first() { key = t().isEmpty() ? null : t().firstKey(); return IoStatus.READY; }
        @Override public IoStatus last() { key = t().isEmpty() ? null : t().lastKey(); return IoStatus.READY; }
        @Override public IoStatus next() { key = key == null ? null : t().higherKey(key); return IoStatus.READY; }
        @Override public IoStatus previous() { key = key == null ? null : t().lowerKey(key); return IoStatus.READY; }

        @Override
        public IoStatus seekRowid(long rowid) {
            found = t().containsKey(rowid);
            if (found) {
                key = rowid;
            } else {
                Long k = t().ceilingKey(rowid);
                key = k != null ? k : (t().isEmpty() ? null : t().lastKey());
            }
            return IoStatus.READY;
        }

        @Override public boolean eof() { return key == null; }
        @Override public boolean found() { return found; }
        @Override public long rowid() { return key; }
        @Override public long payloadSize() { return t().get(key).length; }
        @Override public IoStatus loadPayload() { return IoStatus.READY; }
        @Override public MemorySegment payload() { return MemorySegment.ofArray(t().get(key).clone()); }

        @Override
        public IoStatus insert(long rowid, MemorySegment record) {
            t().put(rowid, record.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            key = rowid;
            return IoStatus.READY;
        }

        @Override
        public IoStatus delete() {
            t().remove(key);
            key = t().higherKey(key);
            return IoStatus.READY;
        }

        @Override public void close() { }
    }
}
