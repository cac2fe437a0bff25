package io.ringlite.r2dbc;

import io.r2dbc.spi.Parameter;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Statement;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A SQL statement with its binding sets.
 *
 * <h2>Parameters</h2>
 * SQLite's placeholders: {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}.
 * {@link #bind(int, Object)} is 0-based: index i is SQLite's parameter i+1 (so {@code ?1} is index 0).
 * {@link #bind(String, Object)} takes a name with its prefix ({@code ":id"}) or without ({@code "id"},
 * tried as {@code :id}, {@code @id}, {@code $id}); a bare number {@code "3"} means {@code ?3}. Values
 * are converted as {@link Codecs} describes; {@link Parameter}s ({@code Parameters.in(...)}) are
 * unwrapped. A statement whose placeholders are all {@code ?} or named must have every parameter
 * bound (use {@code bindNull} for NULL); with {@code ?NNN} placeholders an unbound number is NULL,
 * as in SQLite. Binding an index or name the SQL text does not have throws at once
 * ({@link IndexOutOfBoundsException}, {@link java.util.NoSuchElementException}).
 *
 * <h2>Execution</h2>
 * {@link #execute()} is lazy: nothing is compiled or run until it is subscribed. It then takes the
 * compiled statement from the connection's cache (the last 64 texts; compiling it on a miss or
 * after a schema change) and runs it once per binding set ({@link #add()}), emitting one
 * {@link RingliteResult} per binding set in order. A SQL text holding several statements (a
 * script, without bindings) emits one result per statement.
 * <ul>
 *   <li>A query (read-only, with result columns) is run when its result is consumed, streaming
 *       rows with backpressure.</li>
 *   <li>Any other statement (DML, DDL, BEGIN/COMMIT, PRAGMA) runs to its end before its result is
 *       emitted, so the next binding set runs after it even if the result is never consumed; rows it
 *       returns are buffered in the result. If it fails, its result carries the error and no further
 *       binding set runs.</li>
 * </ul>
 */
public final class RingliteStatement implements Statement {

    /** Marks a parameter bound to NULL (map values cannot be null). */
    private static final Object NULL = new Object();

    private final RingliteConnection connection;
    private final String sql;
    private final SqlParameters parameters;
    private final List<Bindings> bindingSets = new ArrayList<>();
    private Bindings current = new Bindings();
    private String[] generatedColumns;

    RingliteStatement(RingliteConnection connection, String sql) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.sql = Objects.requireNonNull(sql, "sql");
        this.parameters = SqlParameters.scan(sql);
    }

    private static final class Bindings {
        final Map<Integer, Object> byIndex = new HashMap<>();
        final Map<String, Object> byName = new LinkedHashMap<>();

        boolean isEmpty() {
            return byIndex.isEmpty() && byName.isEmpty();
        }
    }

    @Override
    public RingliteStatement add() {
        bindingSets.add(current);
        current = new Bindings();
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the value is null (use {@link #bindNull}) or cannot be bound
     * @throws IndexOutOfBoundsException if the statement has no parameter {@code index + 1}
     */
    @Override
    public RingliteStatement bind(int index, Object value) {
        checkIndex(index);
        current.byIndex.put(index, encodeNonNull(value));
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the value is null (use {@link #bindNull}) or cannot be bound
     * @throws java.util.NoSuchElementException if the statement has no parameter of that name
     */
    @Override
    public RingliteStatement bind(String name, Object value) {
        checkName(name);
        current.byName.put(name, encodeNonNull(value));
        return this;
    }

    @Override
    public RingliteStatement bindNull(int index, Class<?> type) {
        checkIndex(index);
        Objects.requireNonNull(type, "type");
        current.byIndex.put(index, NULL);
        return this;
    }

    @Override
    public RingliteStatement bindNull(String name, Class<?> type) {
        checkName(name);
        Objects.requireNonNull(type, "type");
        current.byName.put(name, NULL);
        return this;
    }

    /**
     * For an INSERT or REPLACE, makes each result also emit one row holding the last inserted rowid
     * (SQLite's {@code last_insert_rowid()}) when the statement inserted rows. The row's single column
     * is named after {@code columns[0]} (the table's INTEGER PRIMARY KEY, which is the rowid), or
     * {@code last_insert_rowid()} if no column is named. For a multi-row INSERT it is the rowid of the
     * last row. Other statements emit no generated values.
     *
     * @throws IllegalArgumentException if more than one column is named: only the rowid can be returned
     */
    @Override
    public RingliteStatement returnGeneratedValues(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length > 1) {
            throw new IllegalArgumentException("Ringlite can return only the generated rowid (one column), not "
                    + columns.length + " columns");
        }
        generatedColumns = columns.clone();
        return this;
    }

    /**
     * Accepted and ignored: rows are already produced on demand (each {@code request(n)} lets the
     * engine produce n rows), which is what a fetch size tunes in network drivers.
     */
    @Override
    public RingliteStatement fetchSize(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("fetch size must be >= 0, not " + rows);
        }
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Emits one result per binding set (per statement of a script), in order, then completes.
     * Errors: compile errors as {@link io.r2dbc.spi.R2dbcBadGrammarException}; a failed write
     * statement's error is carried by its result. Cancelling stops the statement that is running
     * (interrupted at its next instruction) and runs no further binding sets.
     */
    @Override
    public Flux<RingliteResult> execute() {
        List<Bindings> sets = new ArrayList<>(bindingSets);
        if (!current.isEmpty() || sets.isEmpty()) {
            sets.add(current);
        }
        String[] keys = generatedColumns;
        return Flux.defer(() -> connection.beforeStatement().thenMany(runScript(sql, sets, keys)))
                .onErrorMap(e -> ExceptionFactory.map(e, sql));
    }

    private Flux<RingliteResult> runScript(String text, List<Bindings> sets, String[] keys) {
        Session session = connection.session();
        return connection.prepare(text).flatMapMany(ps -> {
            boolean more = ps.tail() != null && !ps.tail().isBlank();
            if (more && sets.stream().anyMatch(b -> !b.isEmpty())) {
                return Flux.error(new IllegalArgumentException(
                        "Parameters can be bound only to a single SQL statement, but the text holds several"));
            }
            AtomicBoolean failed = new AtomicBoolean();
            Flux<RingliteResult> results = Flux.fromIterable(sets)
                    .concatMap(b -> failed.get() ? Mono.<RingliteResult>empty() : runOnce(session, ps, b, keys, failed), 0);
            if (more) {
                results = results.concatWith(Flux.defer(() -> failed.get() ? Flux.empty()
                        : runScript(ps.tail(), List.of(new Bindings()), keys)));
            }
            return results;
        });
    }

    private Mono<RingliteResult> runOnce(Session session, PreparedStatement ps, Bindings b, String[] keys,
                                         AtomicBoolean failed) {
        return arguments(ps, b).flatMap(args -> {
            RingliteRowMetadata md = RingliteRowMetadata.of(ps.columnNames(), ps.declaredTypes());
            Flux<Outcome> run = withTimeout(session.execute(ps, args), connection.statementTimeout());
            boolean query = ps.isReadOnly() && !ps.columnNames().isEmpty();
            if (query) {
                return Mono.just(RingliteResult.of(run, md, false, null, ps.sql()));
            }
            RingliteRowMetadata keyMd = keys != null && isInsert(ps.sql())
                    ? RingliteRowMetadata.of(List.of(keys.length == 0 ? "last_insert_rowid()" : keys[0]),
                            List.of("INTEGER"))
                    : null;
            List<Outcome> seen = new ArrayList<>();
            return run.doOnNext(seen::add)
                    .then(Mono.fromSupplier(() -> RingliteResult.buffered(seen, md, true, keyMd, ps.sql())))
                    .onErrorResume(e -> {
                        failed.set(true);
                        return Mono.just(RingliteResult.failed(seen, e, md, true, keyMd, ps.sql()));
                    });
        });
    }

    /** The engine arguments for one binding set: one value per parameter, Blob/Clob contents read. */
    private Mono<List<Object>> arguments(PreparedStatement ps, Bindings b) {
        int count = ps.parameterCount();
        Object[] args = new Object[count];
        boolean[] bound = new boolean[count];
        for (Map.Entry<Integer, Object> e : b.byIndex.entrySet()) {
            int i = e.getKey();
            if (i >= count) {
                return Mono.error(new DatabaseException(ResultCode.RANGE, "column index out of range: cannot bind index "
                        + i + ", the statement has " + count + " parameters"));
            }
            args[i] = e.getValue();
            bound[i] = true;
        }
        for (Map.Entry<String, Object> e : b.byName.entrySet()) {
            int p = parameterIndex(ps, e.getKey());
            if (p <= 0) {
                return Mono.error(new DatabaseException(ResultCode.RANGE, "no such parameter: " + e.getKey()));
            }
            args[p - 1] = e.getValue();
            bound[p - 1] = true;
        }
        boolean numbered = false;
        for (int i = 1; i <= count; i++) {
            String n = ps.parameterName(i);
            if (n != null && n.startsWith("?")) {
                numbered = true;
                break;
            }
        }
        if (!numbered) {
            for (int i = 0; i < count; i++) {
                if (!bound[i]) {
                    String n = ps.parameterName(i + 1);
                    return Mono.error(new IllegalStateException("Parameter " + (n == null ? "at index " + i : n)
                            + " is not bound (use bindNull for NULL)"));
                }
            }
        }
        List<Mono<?>> pending = new ArrayList<>();
        List<Integer> pendingAt = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (args[i] == NULL) {
                args[i] = null;
            } else if (args[i] instanceof Mono<?> lob) {
                pending.add(lob);
                pendingAt.add(i);
            }
        }
        if (pending.isEmpty()) {
            return Mono.just(java.util.Arrays.asList(args));
        }
        return Flux.fromIterable(pending).concatMap(m -> m, 0).collectList().map(values -> {
            for (int k = 0; k < values.size(); k++) {
                args[pendingAt.get(k)] = values.get(k);
            }
            return java.util.Arrays.asList(args);
        });
    }

    private static int parameterIndex(PreparedStatement ps, String name) {
        char c = name.charAt(0);
        if (c == ':' || c == '@' || c == '$' || c == '?') {
            return ps.parameterIndex(name);
        }
        if (name.chars().allMatch(Character::isDigit)) {
            int p = ps.parameterIndex("?" + name);
            if (p > 0) {
                return p;
            }
        }
        for (String prefix : new String[] {":", "@", "$"}) {
            int p = ps.parameterIndex(prefix + name);
            if (p > 0) {
                return p;
            }
        }
        return 0;
    }

    /** Ends the statement (interrupting it) with a timeout error if it has not finished within {@code timeout}. */
    static Flux<Outcome> withTimeout(Flux<Outcome> run, Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return run;
        }
        return Flux.defer(() -> {
            AtomicBoolean done = new AtomicBoolean();
            return run.doOnNext(o -> {
                        if (o instanceof Outcome.Done) {
                            done.set(true);
                        }
                    })
                    .takeUntilOther(Mono.delay(timeout))
                    .concatWith(Mono.defer(() -> done.get() ? Mono.empty()
                            : Mono.error(new R2dbcTimeoutException("statement timed out after " + timeout, null,
                                    ResultCode.INTERRUPT.code()))));
        });
    }

    static boolean isInsert(String sql) {
        String s = stripLeadingComments(sql).toUpperCase(Locale.ROOT);
        return s.startsWith("INSERT") || s.startsWith("REPLACE");
    }

    private static String stripLeadingComments(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        return sql.substring(i);
    }

    private static Object encodeNonNull(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null: use bindNull to bind NULL");
        }
        Object encoded = Codecs.encode(value);
        return encoded == null ? NULL : encoded;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= parameters.count()) {
            throw new IndexOutOfBoundsException("Binding index " + index + " is out of range: the statement has "
                    + parameters.count() + " parameters (indexes 0.." + (parameters.count() - 1) + ")");
        }
    }

    private void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("parameter name must not be null");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("parameter name must not be empty");
        }
        if (parameters.indexOf(name) == 0) {
            throw new java.util.NoSuchElementException("No parameter named '" + name + "' in the statement (parameters: "
                    + parameters.names().keySet() + ")");
        }
    }

    @Override
    public String toString() {
        return "RingliteStatement{" + sql + "}";
    }
}
