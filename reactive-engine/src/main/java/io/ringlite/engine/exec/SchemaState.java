package io.ringlite.engine.exec;

import io.ringlite.engine.schema.Schema;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.pager.Pager;

/**
 * The database's parsed schema and when to re-read it: after a statement reported a schema
 * change (CREATE/DROP, through {@code VdbeContext.schemaChanged()}), after a rollback of a
 * transaction that had changed it, or when the schema cookie (header offset 40) no longer
 * matches the one the schema was read under. Owner-confined, except {@link #generation()}.
 *
 * <p>{@link #generation()} increases whenever the schema may have changed (marked stale,
 * reloaded); a prepared statement compiled under an older generation is recompiled from its text
 * before it runs (SQLite's automatic re-prepare after SQLITE_SCHEMA), and a cached one counts as
 * expired ({@code PreparedStatement.isExpired()}) as soon as DDL marked the schema stale.
 */
public final class SchemaState {
    /** Header offset of the schema cookie (SQLite file format, section 1.3.8). */
    static final int SCHEMA_COOKIE_OFFSET = 40;

    private final Pager pager;
    private final BTreeStore btrees;
    private Schema schema = Schema.empty();
    private int cookie;
    /** Written by the owner only; read from any thread ({@link #generation()}). */
    private volatile long generation;
    private boolean stale = true;
    private Completion loading;

    public SchemaState(Pager pager, BTreeStore btrees) {
        this.pager = pager;
        this.btrees = btrees;
    }

    public Schema schema() {
        return schema;
    }

    /** Any thread. */
    public long generation() {
        return generation;
    }

    public void markStale() {
        stale = true;
        generation++;
    }

    public boolean isFresh() {
        return !stale && loading == null && pager.headerInt(SCHEMA_COOKIE_OFFSET) == cookie;
    }

    /**
     * Null when the schema is fresh; otherwise the completion of the (possibly already running)
     * reload. A failed reload leaves the schema stale, so the next call tries again.
     */
    public Completion refresh() {
        if (loading != null) {
            return loading;
        }
        if (isFresh()) {
            return null;
        }
        SchemaLoader loader = new SchemaLoader(pager, btrees);
        stale = false;
        Completion result = new Completion();
        loading = result;
        Completion read = AsyncSteps.drive(loader::step);
        read.whenDone(() -> finishLoad(loader, read, result));
        return result;
    }

    private void finishLoad(SchemaLoader loader, Completion read, Completion result) {
        loading = null;
        loader.close();
        if (read.isFailed()) {
            stale = true;
            result.fail(read.failure());
            return;
        }
        int newCookie = pager.headerInt(SCHEMA_COOKIE_OFFSET);
        try {
            schema = Schema.build(loader.entries(), newCookie);
        } catch (RuntimeException e) {
            // keep the previous schema; the error reaches whoever waited for this reload
            stale = true;
            result.fail(e);
            return;
        }
        cookie = newCookie;
        generation++;
        result.complete(generation);
    }
}
