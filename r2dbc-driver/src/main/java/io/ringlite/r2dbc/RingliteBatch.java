package io.ringlite.r2dbc;

import io.r2dbc.spi.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * SQL statements without parameters, run in the order added. Each statement (or each statement of a
 * script added as one string) emits its own result, as {@link RingliteStatement#execute()} does.
 */
public final class RingliteBatch implements Batch {

    private final RingliteConnection connection;
    private final List<String> statements = new ArrayList<>();

    RingliteBatch(RingliteConnection connection) {
        this.connection = connection;
    }

    @Override
    public RingliteBatch add(String sql) {
        statements.add(Objects.requireNonNull(sql, "sql"));
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Lazy. Emits the results of the statements in order; a statement runs only after the previous
     * one's write (if any) finished. After a statement that failed (its result carries the error),
     * no further statement runs. Errors as {@link RingliteStatement#execute()}.
     */
    @Override
    public Flux<RingliteResult> execute() {
        List<String> sqls = List.copyOf(statements);
        return Flux.fromIterable(sqls)
                .concatMap(sql -> connection.createStatement(sql).execute(), 0)
                .takeUntil(RingliteResult::isFailed);
    }
}
