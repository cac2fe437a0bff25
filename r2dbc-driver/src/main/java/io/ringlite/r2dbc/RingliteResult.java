package io.ringlite.r2dbc;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.ringlite.engine.Outcome;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The result of one statement execution (one binding set): its rows, then its update count.
 *
 * <p>Segments, in order: one {@link RowSegment} per row; for an INSERT run with
 * {@code returnGeneratedValues}, one row holding the last inserted rowid; then, for a statement
 * that can change the database, one {@link UpdateCount} (SQLite's {@code sqlite3_changes()}).
 * A query (a read-only statement with result columns) has no update count, so
 * {@link #getRowsUpdated()} completes empty for it.
 *
 * <p>Consumption: a result can be consumed once, through one of {@link #map}, {@link #flatMap} or
 * {@link #getRowsUpdated()}; subscribing a second time errors with {@link IllegalStateException}.
 * Rows stream from the engine with backpressure: {@code request(n)} lets the engine produce n rows.
 * Cancelling the subscription interrupts the statement at its next instruction; the connection stays
 * usable. Engine errors are signalled as R2DBC exceptions ({@link ExceptionFactory}) by
 * {@link #map} and {@link #getRowsUpdated()}, and arrive as a {@link Message} segment in
 * {@link #flatMap}.
 */
public final class RingliteResult implements Result {

    private final Flux<Outcome> outcomes;
    private final RingliteRowMetadata metadata;
    private final boolean countsUpdates;
    private final RingliteRowMetadata generatedKeys;
    private final String sql;
    private final AtomicBoolean consumed;
    private final Predicate<Segment> filter;
    private final boolean failed;

    private RingliteResult(Flux<Outcome> outcomes, RingliteRowMetadata metadata, boolean countsUpdates,
                           RingliteRowMetadata generatedKeys, String sql, AtomicBoolean consumed,
                           Predicate<Segment> filter, boolean failed) {
        this.failed = failed;
        this.outcomes = outcomes;
        this.metadata = metadata;
        this.countsUpdates = countsUpdates;
        this.generatedKeys = generatedKeys;
        this.sql = sql;
        this.consumed = consumed;
        this.filter = filter;
    }

    /**
     * A result over an engine execution.
     *
     * @param outcomes       the engine's signals (rows, then one Done); subscribed at most once
     * @param metadata       the result columns
     * @param countsUpdates  whether to report the Done's change count as an update count
     * @param generatedKeys  if non-null, the single column under which to report the last insert rowid
     *                       (when the statement changed rows)
     * @param sql            the statement, for error messages
     */
    static RingliteResult of(Flux<Outcome> outcomes, RingliteRowMetadata metadata, boolean countsUpdates,
                             RingliteRowMetadata generatedKeys, String sql) {
        return new RingliteResult(outcomes, metadata, countsUpdates, generatedKeys, sql, new AtomicBoolean(),
                s -> true, false);
    }

    /** The result of a statement that was run and failed: its rows so far, then {@code error}. */
    static RingliteResult failed(List<Outcome> before, Throwable error, RingliteRowMetadata metadata,
                                 boolean countsUpdates, RingliteRowMetadata generatedKeys, String sql) {
        return new RingliteResult(Flux.fromIterable(before).concatWith(Flux.error(error)), metadata, countsUpdates,
                generatedKeys, sql, new AtomicBoolean(), s -> true, true);
    }

    /** True if this is the result of a statement that was run to its end and failed. */
    boolean isFailed() {
        return failed;
    }

    /** A result of a statement that was already run to its end; {@code outcomes} ends with its Done. */
    static RingliteResult buffered(List<Outcome> outcomes, RingliteRowMetadata metadata, boolean countsUpdates,
                                   RingliteRowMetadata generatedKeys, String sql) {
        return of(Flux.fromIterable(outcomes), metadata, countsUpdates, generatedKeys, sql);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Emits the update count of a statement that can change the database (0 or more), nothing for a
     * query; rows are discarded. Errors with the statement's error as an R2DBC exception.
     */
    @Override
    public Mono<Long> getRowsUpdated() {
        return consume().<Long>handle((o, sink) -> {
            if (o instanceof Outcome.Done done && countsUpdates && filter.test(new Count(done.changes()))) {
                sink.next(done.changes());
            }
        }).onErrorResume(this::keepError).singleOrEmpty();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Emits one mapped value per row (the generated-keys row included), with backpressure; errors
     * with the statement's error as an R2DBC exception, or with the mapping function's exception.
     * The function must not return null.
     */
    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return consume().<T>handle((o, sink) -> {
            switch (o) {
                case Outcome.Row r -> {
                    RingliteRow row = new RingliteRow(metadata, r.values().clone());
                    if (filter.test(new RowSeg(row))) {
                        sink.next(Objects.requireNonNull(mappingFunction.apply(row, metadata),
                                "the mapping function returned null"));
                    }
                }
                case Outcome.Done d -> {
                    RingliteRow keys = generatedRow(d);
                    if (keys != null && filter.test(new RowSeg(keys))) {
                        sink.next(Objects.requireNonNull(mappingFunction.apply(keys, keys.getMetadata()),
                                "the mapping function returned null"));
                    }
                }
            }
        }).onErrorResume(this::keepError);
    }

    /** {@inheritDoc} As {@link #map(BiFunction)}. */
    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        return map((row, md) -> mappingFunction.apply(row));
    }

    @Override
    public RingliteResult filter(Predicate<Segment> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return new RingliteResult(outcomes, metadata, countsUpdates, generatedKeys, sql, consumed,
                filter.and(predicate), failed);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Applies {@code mappingFunction} to each segment in order (rows, generated keys row, update
     * count, or a {@link Message} for an error, after which nothing follows) and concatenates the
     * publishers it returns, in order.
     */
    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        Objects.requireNonNull(mappingFunction, "mappingFunction");
        Flux<Segment> segments = consume().concatMapIterable(o -> switch (o) {
            case Outcome.Row r -> List.<Segment>of(new RowSeg(new RingliteRow(metadata, r.values().clone())));
            case Outcome.Done d -> {
                RingliteRow keys = generatedRow(d);
                if (keys != null) {
                    yield countsUpdates ? List.of(new RowSeg(keys), new Count(d.changes())) : List.of(new RowSeg(keys));
                }
                yield countsUpdates ? List.<Segment>of(new Count(d.changes())) : List.<Segment>of();
            }
        }, 1).onErrorResume(R2dbcException.class, e -> Mono.just(new Error(e)));
        return segments.filter(filter).concatMap(mappingFunction, 0);
    }

    private RingliteRow generatedRow(Outcome.Done d) {
        if (generatedKeys == null || d.changes() <= 0) {
            return null;
        }
        return new RingliteRow(generatedKeys, new Object[] {d.lastInsertRowid()});
    }

    private <T> Mono<T> keepError(Throwable e) {
        if (e instanceof R2dbcException r && !filter.test(new Error(r))) {
            return Mono.empty();
        }
        return Mono.error(e);
    }

    private Flux<Outcome> consume() {
        return Flux.defer(() -> {
            if (!consumed.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("Result already consumed: a Result can be consumed only once"));
            }
            return outcomes.onErrorMap(e -> ExceptionFactory.map(e, sql));
        });
    }

    record RowSeg(RingliteRow row) implements RowSegment {
    }

    record Count(long value) implements UpdateCount {
    }

    record Error(R2dbcException exception) implements Message {
        @Override
        public int errorCode() {
            return exception.getErrorCode();
        }

        @Override
        public String sqlState() {
            return exception.getSqlState();
        }

        @Override
        public String message() {
            return exception.getMessage();
        }
    }
}
