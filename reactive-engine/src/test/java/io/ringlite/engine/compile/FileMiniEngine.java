package io.ringlite.engine.compile;

import io.ringlite.engine.schema.Schema;
import io.ringlite.engine.schema.SchemaEntry;
import io.ringlite.storage.Storage;
import io.ringlite.storage.StorageOptions;
import io.ringlite.storage.btree.BTreeStore;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoBackends;
import io.ringlite.storage.io.IoKind;
import io.ringlite.storage.io.IoStatus;
import io.ringlite.storage.pager.Pager;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;
import io.ringlite.vdbe.VdbeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test harness: the compiler and the VM over the real storage layer (pager, WAL, B-trees) of a
 * file, without the engine runtime. Every statement runs in its own transaction (auto-commit),
 * committed after DONE or rolled back on error; pending I/O is awaited on the test thread, which
 * owns the storage.
 */
final class FileMiniEngine implements VdbeContext, AutoCloseable {
    private final IoBackend io = IoBackends.create(IoKind.PORTABLE);
    private final Storage storage;
    private final Pager pager;
    private Schema schema = Schema.empty();
    private boolean reading;
    private boolean schemaDirty = true;
    private long lastRowid;

    FileMiniEngine(Path file) {
        storage = Storage.open(io, file, StorageOptions.defaults());
        await(storage.start());
        pager = storage.pager();
    }

    private void await(Completion c) {
        while (!c.isDone()) {
            io.poll(true);
        }
        if (c.isFailed()) {
            throw new IllegalStateException("I/O failed", c.failure());
        }
    }

    /** Runs every statement of {@code sql}; returns the rows of the last one. */
    List<List<Object>> run(String sql) {
        List<List<Object>> rows = List.of();
        String rest = sql;
        while (rest != null && !rest.isBlank()) {
            if (schemaDirty) {
                reloadSchema();
            }
            CompiledStatement c = Compiler.compile(rest, schema);
            if (c == null) {
                break;
            }
            rows = execute(c);
            rest = c.tail();
        }
        return rows;
    }

    private List<List<Object>> execute(CompiledStatement c) {
        List<List<Object>> rows = new ArrayList<>();
        boolean ok = false;
        try (Vdbe vm = new Vdbe(c.program(), this)) {
            while (true) {
                StepResult r = vm.step();
                if (r == StepResult.ROW) {
                    rows.add(Arrays.asList(vm.row().clone()));
                } else if (r == StepResult.DONE) {
                    break;
                } else if (r == StepResult.IO) {
                    await(vm.pendingIo());
                } else {
                    throw new IllegalStateException("invariant: unexpected " + r);
                }
            }
            ok = true;
        } finally {
            endTransaction(ok);
        }
        return rows;
    }

    private void endTransaction(boolean commit) {
        if (pager.inWriteTransaction()) {
            if (commit) {
                await(pager.commit());
            } else {
                pager.rollback();
                schemaDirty = true;
            }
        }
        if (reading) {
            pager.endRead();
            reading = false;
        }
    }

    private void reloadSchema() {
        schemaDirty = false;
        List<SchemaEntry> entries = new ArrayList<>();
        for (List<Object> r : execute(Compiler.compile(
                "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema", Schema.build(List.of())))) {
            entries.add(new SchemaEntry((String) r.get(0), (String) r.get(1), (String) r.get(2),
                    ((Long) r.get(3)).intValue(), (String) r.get(4)));
        }
        IoStatus s;
        while (!(s = pager.beginRead()).isReady()) {
            await(((IoStatus.Pending) s).completion());
        }
        int cookie = pager.headerInt(40);
        pager.endRead();
        schema = Schema.build(entries, cookie);
    }

    @Override public BTreeStore btrees() { return storage.btrees(); }

    @Override
    public IoStatus beginTransaction(boolean write) {
        if (!reading) {
            IoStatus s = pager.beginRead();
            if (!s.isReady()) {
                return s;
            }
            reading = true;
        }
        if (write && !pager.inWriteTransaction()) {
            return pager.beginWrite();
        }
        return IoStatus.READY;
    }

    @Override
    public void autoCommit(boolean enable, boolean rollback) {
        throw new IllegalStateException("not in this harness");
    }

    @Override public boolean isAutoCommit() { return true; }
    @Override public int readCookie(int headerOffset) { return pager.headerInt(headerOffset); }
    @Override public void setCookie(int headerOffset, int value) { pager.setHeaderInt(headerOffset, value); }
    @Override public void schemaChanged() { schemaDirty = true; }
    @Override public long lastInsertRowid() { return lastRowid; }
    @Override public void setLastInsertRowid(long rowid) { lastRowid = rowid; }
    @Override public void beginStatement() { pager.beginStatement(); }
    @Override public void commitStatement() { pager.commitStatement(); }
    @Override public void rollbackStatement() { pager.rollbackStatement(); }

    @Override
    public void close() {
        await(storage.close());
        io.close();
    }
}
