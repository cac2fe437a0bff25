package io.ringlite.bench;

import io.r2dbc.h2.H2ConnectionConfiguration;
import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.h2.H2ConnectionOption;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.ringlite.r2dbc.RingliteConnectionFactoryProvider;

/**
 * One database under test, behind the three workloads the benchmarks share. Every
 * implementation runs the same SQL on the same rows: table {@code kv(id INTEGER PRIMARY KEY,
 * name TEXT, score REAL)}.
 */
interface BenchDb extends AutoCloseable {

    /** Creates the table and loads {@code rows} rows with ids 1..rows. */
    void load(int rows) throws Exception;

    /** Returns the name of the row with this id. */
    String pointSelect(long id) throws Exception;

    /** Inserts {@code n} new rows in one transaction, ids from {@code firstId}. */
    void insertBatch(long firstId, int n) throws Exception;

    /** Reads every row; returns the sum of ids (so the work cannot be skipped). */
    long scan() throws Exception;

    @Override
    void close() throws Exception;

    static BenchDb create(String engine, java.nio.file.Path dir) throws Exception {
        return switch (engine) {
            // Ringlite's short URL form: r2dbc:ringlite:file:/absolute/path[?io=uring|portable]
            case "ringlite" -> new R2dbcBenchDb(ringlite(
                    "r2dbc:ringlite:file:" + dir.resolve("ringlite.db").toAbsolutePath() + "?io=uring"), "?");
            // the same with inline (caller-runs) execution off: every statement hops onto the loop
            case "ringlite-hop" -> new R2dbcBenchDb(ringlite(
                    "r2dbc:ringlite:file:" + dir.resolve("ringlite-h.db").toAbsolutePath() + "?io=uring&inline=false"), "?");
            case "ringlite-portable" -> new R2dbcBenchDb(ringlite(
                    "r2dbc:ringlite:file:" + dir.resolve("ringlite-p.db").toAbsolutePath() + "?io=portable"), "?");
            case "sqlite-jdbc" -> new JdbcBenchDb("jdbc:sqlite:" + dir.resolve("sqlite.db").toAbsolutePath(), true);
            // Built from options rather than a URL: r2dbc-h2's file URL form is easy to get wrong
            // (an absolute path needs "file:///" plus the path without its leading slash).
            case "r2dbc-h2" -> new R2dbcBenchDb(new H2ConnectionFactory(H2ConnectionConfiguration.builder()
                    .file(dir.resolve("h2").toAbsolutePath().toString())
                    .property(H2ConnectionOption.DB_CLOSE_DELAY, "-1")
                    .build()), "$");
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
    }

    /**
     * A Ringlite factory from a short-form URL: {@code ConnectionFactories.get(String)} only
     * knows the standard {@code r2dbc:driver:protocol://host/path} form, which has no place for
     * an absolute file path, so the driver's own parser reads the URL.
     */
    private static ConnectionFactory ringlite(String url) {
        return ConnectionFactories.get(RingliteConnectionFactoryProvider.parseUrl(url));
    }
}
