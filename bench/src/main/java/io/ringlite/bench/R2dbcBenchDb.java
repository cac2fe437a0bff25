package io.ringlite.bench;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Any R2DBC driver (Ringlite, r2dbc-h2) through the plain SPI. The benchmark thread waits for
 * each query's result, as a request handler awaiting its response would.
 */
final class R2dbcBenchDb implements BenchDb {
    private final Connection connection;
    private final String p1;
    private final String p2;
    private final String p3;

    /** {@code style} "?" for positional {@code ?} markers, "$" for {@code $1}. */
    R2dbcBenchDb(ConnectionFactory factory, String style) {
        connection = Mono.from(factory.create()).block();
        boolean dollar = style.equals("$");
        p1 = dollar ? "$1" : "?";
        p2 = dollar ? "$2" : "?";
        p3 = dollar ? "$3" : "?";
        exec("CREATE TABLE IF NOT EXISTS kv(id INTEGER PRIMARY KEY, name TEXT, score REAL)");
    }

    private void exec(String sql) {
        Flux.from(connection.createStatement(sql).execute()).flatMap(r -> r.getRowsUpdated()).blockLast();
    }

    @Override
    public void load(int rows) {
        insertBatch(1, rows);
    }

    @Override
    public String pointSelect(long id) {
        return Flux.from(connection.createStatement("SELECT name FROM kv WHERE id = " + p1).bind(0, id).execute())
                .flatMap(r -> r.map((row, meta) -> row.get(0, String.class)))
                .blockLast();
    }

    @Override
    public void insertBatch(long firstId, int n) {
        Statement st = connection.createStatement("INSERT INTO kv VALUES (" + p1 + ", " + p2 + ", " + p3 + ")");
        for (long id = firstId; id < firstId + n; id++) {
            st.bind(0, id).bind(1, "name-" + id).bind(2, id * 0.5);
            if (id + 1 < firstId + n) {
                st.add();
            }
        }
        Mono.from(connection.beginTransaction())
                .thenMany(Flux.from(st.execute()).concatMap(r -> r.getRowsUpdated()))
                .then(Mono.from(connection.commitTransaction()))
                .block();
    }

    @Override
    public long scan() {
        Long sum = Flux.from(connection.createStatement("SELECT id, name, score FROM kv").execute())
                .flatMap(r -> r.map((row, meta) -> ((Number) row.get(0)).longValue()))
                .reduce(0L, Long::sum)
                .block();
        return sum == null ? 0 : sum;
    }

    @Override
    public void close() {
        Mono.from(connection.close()).block();
    }
}
