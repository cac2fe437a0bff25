package io.ringlite.bench;

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
            case "ringlite" -> new R2dbcBenchDb("r2dbc:ringlite:file://" + dir.resolve("ringlite.db").toAbsolutePath(), "?");
            case "ringlite-portable" -> new R2dbcBenchDb(
                    "r2dbc:ringlite:file://" + dir.resolve("ringlite-p.db").toAbsolutePath() + "?io=portable", "?");
            case "sqlite-jdbc" -> new JdbcBenchDb("jdbc:sqlite:" + dir.resolve("sqlite.db").toAbsolutePath(), true);
            case "r2dbc-h2" -> new R2dbcBenchDb("r2dbc:h2:file///" + dir.resolve("h2").toAbsolutePath() + "?DB_CLOSE_DELAY=-1", "$");
            default -> throw new IllegalArgumentException("unknown engine " + engine);
        };
    }
}
