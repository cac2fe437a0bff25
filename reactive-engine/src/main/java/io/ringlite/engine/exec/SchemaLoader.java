package io.ringlite.engine.exec;

import io.ringlite.engine.schema.SchemaEntry;
import io.ringlite.storage.btree.BTreeCursor;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import io.ringlite.storage.record.RecordDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every row of {@code sqlite_schema} (the table B-tree rooted at page 1) into
 * {@link SchemaEntry}s, yielding on cache misses.
 *
 * <p>Row layout of sqlite_schema (SQLite file format, section 2.6):
 * <pre>
 *   COLUMN | NAME      | TYPE
 *   0      | type      | TEXT ('table', 'index', 'view', 'trigger')
 *   1      | name      | TEXT
 *   2      | tbl_name  | TEXT
 *   3      | rootpage  | INTEGER (0 for views and triggers)
 *   4      | sql       | TEXT (NULL for automatic indexes)
 * </pre>
 *
 * <p>{@link #step()} is re-runnable: every cursor call that returned Pending changed nothing,
 * and the loader's own state advances only after READY. States:
 * {@code BEGIN_READ -> FIRST -> (LOAD -> NEXT)* -> DONE}.
 */
final class SchemaLoader {
    private enum State { BEGIN_READ, FIRST, LOAD, NEXT, DONE }

    private final Pager pager;
    private final BTreeStore btrees;
    private final List<SchemaEntry> entries = new ArrayList<>();
    private State state = State.BEGIN_READ;
    private BTreeCursor cursor;
    private boolean reading;

    SchemaLoader(Pager pager, BTreeStore btrees) {
        this.pager = pager;
        this.btrees = btrees;
    }

    /** Advances as far as the cache allows; READY when every row was read. */
    IoStatus step() {
        while (true) {
            switch (state) {
                case BEGIN_READ -> {
                    IoStatus s = pager.beginRead();
                    if (!s.isReady()) {
                        return s;
                    }
                    reading = true;
                    cursor = btrees.openTable(1, false);
                    state = State.FIRST;
                }
                case FIRST -> {
                    IoStatus s = cursor.first();
                    if (!s.isReady()) {
                        return s;
                    }
                    state = cursor.eof() ? State.DONE : State.LOAD;
                }
                case LOAD -> {
                    IoStatus s = cursor.loadPayload();
                    if (!s.isReady()) {
                        return s;
                    }
                    entries.add(decode(RecordDecoder.of(cursor.payload())));
                    state = State.NEXT;
                }
                case NEXT -> {
                    IoStatus s = cursor.next();
                    if (!s.isReady()) {
                        return s;
                    }
                    state = cursor.eof() ? State.DONE : State.LOAD;
                }
                case DONE -> {
                    close();
                    return IoStatus.READY;
                }
            }
        }
    }

    List<SchemaEntry> entries() {
        if (state != State.DONE) {
            throw new IllegalStateException("invariant: schema read unfinished");
        }
        return entries;
    }

    /** Releases the cursor and the read transaction. Idempotent. */
    void close() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        if (reading) {
            reading = false;
            pager.endRead();
        }
    }

    private SchemaEntry decode(RecordDecoder r) {
        if (r.columnCount() < 5) {
            throw DatabaseException.corrupt(1, "sqlite_schema row has " + r.columnCount() + " columns");
        }
        Object root = r.column(3);
        int rootPage = root instanceof Long l ? (int) (long) l : 0;
        return new SchemaEntry(text(r.column(0)), text(r.column(1)), text(r.column(2)), rootPage, text(r.column(4)));
    }

    private static String text(Object v) {
        return v == null ? null : v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }
}
