package io.ringlite.vdbe;

import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.record.RecordDecoder;
import io.ringlite.vdbe.op.KeyInfo;
import io.ringlite.vdbe.value.Mem;
import io.ringlite.vdbe.value.SqlCompare;
import java.util.ArrayList;
import java.util.List;

/**
 * The VM's cursor slots: a B-tree cursor, a pseudo cursor (one record held in a register) or a
 * sorter. Package-private: only {@link Vdbe} drives them.
 */
sealed abstract class VdbeCursor permits VdbeCursor.Table, VdbeCursor.Pseudo, VdbeCursor.Sorter {
    /** Set by NullRow: Column and Rowid give NULL until the cursor moves. */
    boolean nullRow;
    /** Sequence counter (the Sequence opcode). */
    long sequence;

    abstract void close();

    /** A cursor over a table B-tree, caching the decoded header of its current row. */
    static sealed class Table extends VdbeCursor permits Index {
        final BTreeCursor btree;
        final boolean writable;
        /** Decoded current row; null when the cursor moved or any tree changed since decoding. */
        RecordDecoder row;
        long rowGeneration = -1;
        /** Resumable state of the Count opcode: -1 idle, else rows counted so far. */
        long countSoFar = -1;

        Table(BTreeCursor btree, boolean writable) {
            this.btree = btree;
            this.writable = writable;
        }

        void moved() {
            row = null;
            nullRow = false;
        }

        @Override
        void close() {
            row = null;
            btree.close();
        }
    }

    /**
     * A cursor over an index B-tree. Its "row" is the current entry's key record (key columns
     * then the rowid), so Column, Rewind, Next, ... work as on a table cursor.
     */
    static final class Index extends Table {
        final io.ringlite.storage.btree.IndexCursor index;

        Index(io.ringlite.storage.btree.IndexCursor index, boolean writable) {
            super(index, writable);
            this.index = index;
        }
    }

    /** A cursor whose one row is the record in a register (after SorterData). */
    static final class Pseudo extends VdbeCursor {
        final int contentReg;
        byte[] decodedFrom;
        RecordDecoder row;

        Pseudo(int contentReg) {
            this.contentReg = contentReg;
        }

        @Override
        void close() {
            row = null;
            decodedFrom = null;
        }
    }

    /**
     * An in-memory sorter: collects records, sorts them by the KeyInfo's leading fields. Keys are
     * decoded once, at insert time, so sorting compares registers, not bytes.
     */
    static final class Sorter extends VdbeCursor {
        record Entry(Mem[] key, byte[] record) { }

        final KeyInfo keyInfo;
        final List<Entry> entries = new ArrayList<>();
        int position = -1;

        Sorter(KeyInfo keyInfo) {
            this.keyInfo = keyInfo;
        }

        void insert(byte[] record) {
            RecordDecoder d = RecordDecoder.of(record);
            int n = keyInfo.keyFields();
            Mem[] key = new Mem[n];
            for (int i = 0; i < n; i++) {
                key[i] = Mem.of(d.column(i));
            }
            entries.add(new Entry(key, record));
        }

        void sort() {
            int n = keyInfo.keyFields();
            entries.sort((a, b) -> {
                for (int i = 0; i < n; i++) {
                    int c = SqlCompare.compare(a.key[i], b.key[i], keyInfo.collations().get(i));
                    if (c != 0) {
                        return keyInfo.descending().get(i) ? -c : c;
                    }
                }
                return 0;
            });
            position = 0;
        }

        boolean eof() {
            return position < 0 || position >= entries.size();
        }

        byte[] current() {
            return entries.get(position).record;
        }

        @Override
        void close() {
            entries.clear();
            position = -1;
        }
    }
}
