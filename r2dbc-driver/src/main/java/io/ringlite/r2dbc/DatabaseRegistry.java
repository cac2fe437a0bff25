package io.ringlite.r2dbc;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Engine databases shared by key (a file's absolute path, or an in-memory database's name) and
 * reference-counted by {@link Lease}s.
 *
 * <p>Why share: the engine holds an exclusive lock on a database file while it is open, so two
 * engine databases over one file in one process would lock each other out; and one database per
 * file means one page cache and one event loop, as the design asks.
 *
 * <p>Invariants (guarded by {@code this}):
 * <ol>
 *   <li>An entry exists for a key iff its reference count is positive.</li>
 *   <li>The first lease opens the database (lazily, on subscription); the last release closes it.</li>
 *   <li>A key whose database is closing reopens only after that close completed (the file lock is
 *       released before it is taken again).</li>
 *   <li>A failed open removes its entry once its leases are gone, so a later acquire retries.</li>
 * </ol>
 */
final class DatabaseRegistry {

    /** The registry all connection factories share, opening through the engine runtime. */
    static final DatabaseRegistry SHARED = new DatabaseRegistry(EngineAccess::open);

    private final Function<DatabaseConfig, Mono<Database>> opener;
    private final Map<Object, Entry> entries = new HashMap<>();
    private final Map<Object, Mono<Void>> closing = new HashMap<>();

    DatabaseRegistry(Function<DatabaseConfig, Mono<Database>> opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** A held reference to a shared database; {@link #release()} exactly once (later calls do nothing). */
    final class Lease {
        private final Object key;
        private final Entry entry;
        private final Database database;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Object key, Entry entry, Database database) {
            this.key = key;
            this.entry = entry;
            this.database = database;
        }

        Database database() {
            return database;
        }

        /** Drops this reference; completes when the database is closed if it was the last one. */
        Mono<Void> release() {
            if (!released.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return DatabaseRegistry.this.release(key, entry);
        }
    }

    private static final class Entry {
        final Mono<Database> database;
        int references;

        Entry(Mono<Database> database) {
            this.database = database;
        }
    }

    /**
     * Emits a lease on the database for {@code key}, opening it with {@code config} if no lease is
     * held. Errors with the engine's open error (the reference is dropped again). Cancelling before
     * the lease is emitted drops the reference.
     */
    Mono<Lease> acquire(Object key, DatabaseConfig config) {
        return Mono.defer(() -> {
            Entry entry;
            synchronized (this) {
                entry = entries.get(key);
                if (entry == null) {
                    Mono<Void> previous = closing.getOrDefault(key, Mono.empty());
                    entry = new Entry(previous.onErrorResume(e -> Mono.empty())
                            .then(Mono.defer(() -> opener.apply(config)))
                            .cache());
                    entries.put(key, entry);
                }
                entry.references++;
            }
            Entry held = entry;
            AtomicBoolean handedOut = new AtomicBoolean();
            return held.database
                    .map(db -> {
                        handedOut.set(true);
                        return new Lease(key, held, db);
                    })
                    .onErrorResume(e -> release(key, held).onErrorResume(x -> Mono.empty()).then(Mono.error(e)))
                    .doOnCancel(() -> {
                        if (!handedOut.get()) {
                            release(key, held).subscribe(null, e -> { });
                        }
                    });
        });
    }

    @SuppressWarnings("unchecked")
    private Mono<Void> release(Object key, Entry entry) {
        Mono<Void> close;
        synchronized (this) {
            if (entry.references <= 0) {
                throw new IllegalStateException("invariant: released a database reference that was not held");
            }
            if (--entry.references > 0) {
                return Mono.empty();
            }
            if (entries.get(key) == entry) {
                entries.remove(key);
            }
            Mono<Void>[] self = new Mono[1];
            close = entry.database
                    .onErrorResume(e -> Mono.empty())
                    .flatMap(Database::close)
                    .doFinally(s -> forgetClosing(key, self[0]))
                    .cache();
            self[0] = close;
            closing.put(key, close);
        }
        return close;
    }

    private synchronized void forgetClosing(Object key, Mono<Void> close) {
        closing.remove(key, close);
    }
}
