package io.ringlite.r2dbc;

import io.r2dbc.spi.Closeable;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.ringlite.engine.Session;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Creates {@link RingliteConnection}s to one database.
 *
 * <h2>Sharing and lifetime</h2>
 * <ul>
 *   <li>A database file is opened once per process, lazily by the first connection, and shared by
 *       every connection to it (from this factory or any other factory naming the same absolute
 *       path); the last connection to close closes it. The options of the opener apply (io,
 *       readOnly).</li>
 *   <li>An in-memory database lives as long as the factory: it is opened by the first connection and
 *       closed by {@link #close()} once its connections are closed too, so data survives a connection
 *       being closed and reopened (as a pool or Spring Data does). A named one
 *       ({@code r2dbc:ringlite:mem:///name}) is shared by every factory using that name; an unnamed
 *       one belongs to this factory alone.</li>
 * </ul>
 */
public final class RingliteConnectionFactory implements ConnectionFactory, Closeable {

    private final RingliteConnectionConfiguration configuration;
    private final DatabaseRegistry registry;
    private final Object key;
    private final AtomicReference<Mono<DatabaseRegistry.Lease>> memoryPin = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public RingliteConnectionFactory(RingliteConnectionConfiguration configuration) {
        this(configuration, DatabaseRegistry.SHARED);
    }

    RingliteConnectionFactory(RingliteConnectionConfiguration configuration, DatabaseRegistry registry) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.registry = Objects.requireNonNull(registry, "registry");
        if (configuration.path() != null) {
            this.key = configuration.path().toAbsolutePath().normalize();
        } else if (configuration.memoryName() != null) {
            this.key = "mem:" + configuration.memoryName();
        } else {
            this.key = new Object();
        }
    }

    /** A factory for a URL, short forms included (see {@link RingliteConnectionFactoryProvider#parseUrl}). */
    public static RingliteConnectionFactory from(String url) {
        return from(RingliteConnectionFactoryProvider.parseUrl(url));
    }

    /** A factory for options with DRIVER {@code ringlite}. */
    public static RingliteConnectionFactory from(ConnectionFactoryOptions options) {
        return new RingliteConnectionFactory(RingliteConnectionConfiguration.from(options));
    }

    public RingliteConnectionConfiguration configuration() {
        return configuration;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lazy. Emits one new connection, opening the database first if no connection holds it.
     * Errors with an R2DBC exception if the database cannot be opened (e.g.
     * {@link io.r2dbc.spi.R2dbcNonTransientResourceException} for CANTOPEN/NOTADB), or with
     * {@link IllegalStateException} after {@link #close()}.
     */
    @Override
    public Mono<RingliteConnection> create() {
        return Mono.defer(() -> {
            if (closed.get()) {
                return Mono.error(new IllegalStateException("ConnectionFactory is closed"));
            }
            Mono<?> pin = configuration.inMemory() ? memoryPin() : Mono.empty();
            return pin.then(registry.acquire(key, configuration.toDatabaseConfig()))
                    .map(lease -> {
                        Session session;
                        try {
                            session = lease.database().connect();
                        } catch (RuntimeException e) {
                            lease.release().subscribe(null, x -> { });
                            throw e;
                        }
                        return new RingliteConnection(session, lease, configuration.statementTimeout());
                    });
        }).onErrorMap(ExceptionFactory::map);
    }

    private Mono<DatabaseRegistry.Lease> memoryPin() {
        Mono<DatabaseRegistry.Lease> pin = memoryPin.get();
        if (pin == null) {
            Mono<DatabaseRegistry.Lease> mine = registry.acquire(key, configuration.toDatabaseConfig()).cache();
            pin = memoryPin.compareAndExchange(null, mine);
            if (pin == null) {
                pin = mine;
            }
        }
        Mono<DatabaseRegistry.Lease> held = pin;
        // A failed open must not stay cached: the next create() retries.
        return held.doOnError(e -> memoryPin.compareAndSet(held, null));
    }

    @Override
    public RingliteConnectionFactoryMetadata getMetadata() {
        return RingliteConnectionFactoryMetadata.INSTANCE;
    }

    /**
     * Releases the factory's hold on an in-memory database (it closes once its connections are
     * closed too); new connections are refused. Does nothing for a file database, whose lifetime
     * follows its connections. Completes when released; closing again completes at once.
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (!closed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            Mono<DatabaseRegistry.Lease> pin = memoryPin.getAndSet(null);
            return pin == null ? Mono.empty() : pin.onErrorResume(e -> Mono.empty()).flatMap(DatabaseRegistry.Lease::release);
        });
    }

    @Override
    public String toString() {
        return "RingliteConnectionFactory{" + (configuration.inMemory()
                ? "mem:" + (configuration.memoryName() == null ? "" : configuration.memoryName())
                : configuration.path()) + "}";
    }
}
