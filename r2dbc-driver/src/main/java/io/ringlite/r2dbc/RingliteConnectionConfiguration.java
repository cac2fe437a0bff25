package io.ringlite.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link RingliteConnectionFactory} connects to, decoded from {@link ConnectionFactoryOptions}.
 *
 * <h2>Mapping of the standard options</h2>
 * The R2DBC URL parser ({@link ConnectionFactoryOptions#parse}) requires {@code ://} and strips the
 * slash that separates the authority from the path, so an absolute file arrives as
 * {@code DATABASE = "abs/path.db"}. The rules below undo that, and are documented here because
 * programmatic users set {@code DATABASE} directly.
 * <table>
 *   <caption>URL / options to database</caption>
 *   <tr><th>URL</th><th>PROTOCOL</th><th>HOST</th><th>DATABASE</th><th>database</th></tr>
 *   <tr><td>{@code r2dbc:ringlite:file:///abs/path.db}</td><td>file</td><td></td><td>abs/path.db</td><td>file {@code /abs/path.db}</td></tr>
 *   <tr><td>{@code r2dbc:ringlite:///abs/path.db}</td><td>(none)</td><td></td><td>abs/path.db</td><td>file {@code /abs/path.db}</td></tr>
 *   <tr><td>{@code r2dbc:ringlite:file:///./rel/x.db}</td><td>file</td><td></td><td>./rel/x.db</td><td>file {@code rel/x.db} relative to the working directory</td></tr>
 *   <tr><td>{@code r2dbc:ringlite:file://rel/x.db}</td><td>file</td><td>rel</td><td>x.db</td><td>file {@code rel/x.db} relative to the working directory</td></tr>
 *   <tr><td>{@code r2dbc:ringlite:mem:///name}</td><td>mem</td><td></td><td>name</td><td>the in-memory database {@code name}</td></tr>
 *   <tr><td>{@code r2dbc:ringlite:mem:///}</td><td>mem</td><td></td><td></td><td>a private in-memory database</td></tr>
 * </table>
 * A {@code DATABASE} of {@code :memory:} also means a private in-memory database. For the file
 * protocol a {@code DATABASE} is relative only if it starts with {@code ./} or {@code ../} (or a
 * host is given); otherwise it is absolute, with or without its leading slash. The short forms the
 * standard parser rejects ({@code r2dbc:ringlite:mem:}, {@code r2dbc:ringlite:mem:name},
 * {@code r2dbc:ringlite:file:relative.db}, {@code r2dbc:ringlite:file:/abs.db}) are accepted by
 * {@link RingliteConnectionFactoryProvider#parseUrl(String)}.
 *
 * <h2>Driver options</h2>
 * {@code io=uring|portable|simulated} (default uring, which falls back to portable where io_uring is
 * unavailable; in-memory databases always use the simulated backend), {@code readOnly=true|false},
 * {@code seed=<long>} (simulated backend), the standard {@code STATEMENT_TIMEOUT}, and the standard
 * {@code LOCK_WAIT_TIMEOUT} ({@code lockWaitTimeout=PT10S} in a URL): how long a writer waits,
 * asynchronously, for another connection's write lock before failing with
 * {@link io.r2dbc.spi.R2dbcTransientResourceException} ("database is locked"), SQLite's
 * {@code busy_timeout}; the engine's default (5 s) when absent. It applies to the whole database,
 * so the connection that opens it decides. {@code inline=true|false}: whether a statement
 * subscribed while the database is idle runs on the subscribing thread until it needs I/O (the
 * engine's caller-runs design, on by default) or always hops onto the database's event loop
 * ({@code DatabaseConfig.inline}); also decided by the connection that opens the database.
 *
 * @param path              the database file, or null for an in-memory database
 * @param memoryName        name of a shared in-memory database, or null (private, or a file)
 * @param io                the I/O backend
 * @param readOnly          open without write access
 * @param seed              seed for the simulated backend
 * @param statementTimeout  default statement timeout of new connections, or null for none
 * @param lockWaitTimeout   the database's busy timeout, or null for the engine's default
 * @param inline            inline (caller-runs) execution on or off, or null for the engine's default
 */
public record RingliteConnectionConfiguration(Path path, String memoryName, IoKind io, boolean readOnly, long seed,
                                              Duration statementTimeout, Duration lockWaitTimeout, Boolean inline) {

    public static final Option<String> IO = Option.valueOf("io");
    public static final Option<Object> READ_ONLY = Option.valueOf("readOnly");
    public static final Option<Object> SEED = Option.valueOf("seed");
    public static final Option<Object> INLINE = Option.valueOf("inline");

    public RingliteConnectionConfiguration {
        Objects.requireNonNull(io, "io");
        if (path != null && memoryName != null) {
            throw new IllegalArgumentException("a database is either a file or in memory, not both");
        }
        if (lockWaitTimeout != null && lockWaitTimeout.isNegative()) {
            throw new IllegalArgumentException("lockWaitTimeout must not be negative: " + lockWaitTimeout);
        }
    }

    /** A configuration with the engine's default inline setting. */
    public RingliteConnectionConfiguration(Path path, String memoryName, IoKind io, boolean readOnly, long seed,
                                           Duration statementTimeout, Duration lockWaitTimeout) {
        this(path, memoryName, io, readOnly, seed, statementTimeout, lockWaitTimeout, null);
    }

    /** A private in-memory database. */
    public static RingliteConnectionConfiguration memory() {
        return new RingliteConnectionConfiguration(null, null, IoKind.SIMULATED, false, 0, null, null);
    }

    /** A database file with the io_uring backend (falling back to the portable one). */
    public static RingliteConnectionConfiguration file(Path path) {
        return new RingliteConnectionConfiguration(Objects.requireNonNull(path, "path"), null, IoKind.URING, false, 0, null,
                null);
    }

    public boolean inMemory() {
        return path == null;
    }

    public RingliteConnectionConfiguration withIo(IoKind kind) {
        return new RingliteConnectionConfiguration(path, memoryName, kind, readOnly, seed, statementTimeout,
                lockWaitTimeout, inline);
    }

    public RingliteConnectionConfiguration withReadOnly(boolean ro) {
        return new RingliteConnectionConfiguration(path, memoryName, io, ro, seed, statementTimeout, lockWaitTimeout,
                inline);
    }

    public RingliteConnectionConfiguration withInline(boolean on) {
        return new RingliteConnectionConfiguration(path, memoryName, io, readOnly, seed, statementTimeout,
                lockWaitTimeout, on);
    }

    /** The engine's view of this configuration. */
    public DatabaseConfig toDatabaseConfig() {
        DatabaseConfig config = new DatabaseConfig(path, inMemory() ? IoKind.SIMULATED : io, readOnly, seed);
        if (inline != null) {
            config = config.withInline(inline);
        }
        return lockWaitTimeout == null ? config : config.withBusyTimeout(lockWaitTimeout);
    }

    /**
     * Decodes options (see the class comment for the rules).
     *
     * @throws IllegalArgumentException for a missing database, an unknown protocol or a bad option value
     */
    public static RingliteConnectionConfiguration from(ConnectionFactoryOptions options) {
        Objects.requireNonNull(options, "options");
        String protocol = stringOption(options, ConnectionFactoryOptions.PROTOCOL);
        String host = stringOption(options, ConnectionFactoryOptions.HOST);
        String database = stringOption(options, ConnectionFactoryOptions.DATABASE);
        IoKind io = ioOption(stringOption(options, IO));
        boolean readOnly = booleanOption(options.getValue(READ_ONLY), "readOnly");
        Object inlineValue = options.getValue(INLINE);
        Boolean inline = inlineValue == null ? null : booleanOption(inlineValue, "inline");
        long seed = longOption(options.getValue(SEED));
        Duration timeout = durationOption(options.getValue(ConnectionFactoryOptions.STATEMENT_TIMEOUT), "statementTimeout");
        Duration lockWait = durationOption(options.getValue(ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT), "lockWaitTimeout");

        String proto = protocol == null || protocol.isEmpty() ? "file" : protocol.toLowerCase(Locale.ROOT);
        switch (proto) {
            case "mem", "memory" -> {
                String name = (host == null ? "" : host) + (database == null ? "" : database);
                name = stripSlashes(name);
                return new RingliteConnectionConfiguration(null, name.isEmpty() ? null : name, IoKind.SIMULATED,
                        readOnly, seed, timeout, lockWait, inline);
            }
            case "file" -> {
                if (host == null && database != null && database.equals(":memory:")) {
                    return new RingliteConnectionConfiguration(null, null, IoKind.SIMULATED, readOnly, seed, timeout,
                            lockWait, inline);
                }
                Path path = filePath(host, database);
                return new RingliteConnectionConfiguration(path, null, io == null ? IoKind.URING : io, readOnly, seed,
                        timeout, lockWait, inline);
            }
            default -> throw new IllegalArgumentException(
                    "unknown Ringlite protocol '" + protocol + "' (expected file or mem)");
        }
    }

    private static Path filePath(String host, String database) {
        boolean noDatabase = database == null || database.isEmpty();
        if (host != null && !host.isEmpty()) {
            // file://rel/x.db: the URL parser takes the first relative segment as the host.
            return noDatabase ? Path.of(host) : Path.of(host, database);
        }
        if (noDatabase) {
            throw new IllegalArgumentException("no database file given (e.g. r2dbc:ringlite:file:///abs/path.db)");
        }
        if (database.startsWith("./") || database.startsWith("../") || database.startsWith("/")
                || looksLikeWindowsDrive(database)) {
            return Path.of(database);
        }
        return Path.of("/" + database);
    }

    private static boolean looksLikeWindowsDrive(String s) {
        return s.length() >= 3 && Character.isLetter(s.charAt(0)) && s.charAt(1) == ':'
                && (s.charAt(2) == '/' || s.charAt(2) == '\\');
    }

    private static String stripSlashes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '/') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '/') {
            e--;
        }
        return s.substring(b, e);
    }

    private static String stringOption(ConnectionFactoryOptions options, Option<?> option) {
        Object v = options.getValue(option);
        return v == null ? null : v.toString();
    }

    private static IoKind ioOption(String v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "uring", "io_uring" -> IoKind.URING;
            case "portable" -> IoKind.PORTABLE;
            case "simulated" -> IoKind.SIMULATED;
            default -> throw new IllegalArgumentException("unknown io '" + v + "' (expected uring, portable or simulated)");
        };
    }

    private static boolean booleanOption(Object v, String name) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'");
        };
    }

    private static long longOption(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be an integer, not '" + v + "'", e);
        }
    }

    private static Duration durationOption(Object v, String name) {
        if (v == null) {
            return null;
        }
        if (v instanceof Duration d) {
            return d;
        }
        try {
            return Duration.parse(v.toString().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT5S, not '" + v + "'", e);
        }
    }
}
