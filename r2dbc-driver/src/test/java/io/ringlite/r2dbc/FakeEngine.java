package io.ringlite.r2dbc;

import io.ringlite.engine.Database;
import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.Outcome;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.engine.Session;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A scripted stand-in for the engine runtime, to test the driver's own behaviour (binding, result
 * shapes, transactions, cancellation, sharing) without the real engine.
 *
 * <p>Statements are registered by their SQL text with their result columns and a behaviour (args to
 * outcomes). BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE and SELECT 1 are built in and track the
 * session's auto-commit state as SQLite does. Unknown SQL fails like the compiler:
 * {@code near "x": syntax error}. A text with several statements is split at ';'.
 */
final class FakeEngine {

    record Call(String sql, List<Object> args) {
    }

    record Script(List<String> columns, List<String> declaredTypes, boolean readOnly,
                  Function<List<Object>, Flux<Outcome>> behaviour) {
    }

    final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<String> prepared = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger sessionsClosed = new AtomicInteger();

    FakeEngine query(String sql, List<String> columns, List<String> declared, Function<List<Object>, Flux<Outcome>> b) {
        scripts.put(sql, new Script(columns, declared, true, b));
        return this;
    }

    FakeEngine update(String sql, Function<List<Object>, Flux<Outcome>> b) {
        scripts.put(sql, new Script(List.of(), List.of(), false, b));
        return this;
    }

    /** Opens a fresh fake database (counting opens and closes). */
    Mono<Database> open(DatabaseConfig config) {
        return Mono.fromSupplier(() -> {
            opened.incrementAndGet();
            return new FakeDatabase(config);
        });
    }

    static Outcome.Row row(Object... values) {
        return new Outcome.Row(values);
    }

    static Outcome.Done done(long changes, long rowid) {
        return new Outcome.Done(changes, rowid);
    }

    final class FakeDatabase implements Database {
        private final DatabaseConfig config;

        FakeDatabase(DatabaseConfig config) {
            this.config = config;
        }

        @Override
        public DatabaseConfig config() {
            return config;
        }

        @Override
        public Session connect() {
            sessions.incrementAndGet();
            return new FakeSession();
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(closed::incrementAndGet);
        }
    }

    final class FakeSession implements Session {
        volatile boolean autoCommit = true;

        @Override
        public Mono<PreparedStatement> prepare(String sql) {
            return Mono.defer(() -> {
                prepared.add(sql);
                int semi = sql.indexOf(';');
                String first = (semi < 0 ? sql : sql.substring(0, semi)).strip();
                String tail = semi < 0 ? "" : sql.substring(semi + 1);
                if (first.isEmpty()) {
                    return tail.isBlank() ? Mono.empty() : prepare(tail);
                }
                Script s = scripts.get(first);
                if (s == null) {
                    s = builtIn(first);
                }
                if (s == null) {
                    String token = first.split("\\s+")[0];
                    return Mono.error(new DatabaseException(ResultCode.ERROR, "near \"" + token + "\": syntax error"));
                }
                return Mono.just(new FakeStatement(first, tail, s));
            });
        }

        private Script builtIn(String sql) {
            String u = sql.toUpperCase(Locale.ROOT);
            if (u.equals("BEGIN")) {
                return new Script(List.of(), List.of(), true, args -> Flux.defer(() -> {
                    if (!autoCommit) {
                        return Flux.error(new DatabaseException(ResultCode.ERROR, "cannot start a transaction within a transaction"));
                    }
                    autoCommit = false;
                    return Flux.just(done(0, 0));
                }));
            }
            if (u.equals("COMMIT") || u.equals("ROLLBACK")) {
                return new Script(List.of(), List.of(), true, args -> Flux.defer(() -> {
                    if (autoCommit) {
                        return Flux.error(new DatabaseException(ResultCode.ERROR,
                                "cannot " + u.toLowerCase(Locale.ROOT) + " - no transaction is active"));
                    }
                    autoCommit = true;
                    return Flux.just(done(0, 0));
                }));
            }
            if (u.startsWith("SAVEPOINT ")) {
                return new Script(List.of(), List.of(), true, args -> Flux.defer(() -> {
                    autoCommit = false;
                    return Flux.just(done(0, 0));
                }));
            }
            if (u.startsWith("RELEASE SAVEPOINT ") || u.startsWith("ROLLBACK TO SAVEPOINT ")) {
                return new Script(List.of(), List.of(), true, args -> Flux.just(done(0, 0)));
            }
            if (u.equals("SELECT 1")) {
                return new Script(List.of("1"), java.util.Collections.singletonList(null), true,
                        args -> Flux.just(row(1L), done(0, 0)));
            }
            return null;
        }

        @Override
        public Flux<Outcome> execute(PreparedStatement statement, List<Object> args) {
            FakeStatement st = (FakeStatement) statement;
            return Flux.defer(() -> {
                calls.add(new Call(st.sql, new ArrayList<>(args)));
                return st.script.behaviour().apply(args);
            });
        }

        @Override
        public boolean isAutoCommit() {
            return autoCommit;
        }

        @Override
        public Mono<Void> close() {
            return Mono.fromRunnable(() -> {
                autoCommit = true;
                sessionsClosed.incrementAndGet();
            });
        }
    }

    /** Parses SQLite placeholders well enough for tests (no quotes or comments in test SQL). */
    static final class FakeStatement implements PreparedStatement {
        final String sql;
        final String tail;
        final Script script;
        final List<String> names = new ArrayList<>();

        FakeStatement(String sql, String tail, Script script) {
            this.sql = sql;
            this.tail = tail;
            this.script = script;
            int i = 0;
            while (i < sql.length()) {
                char c = sql.charAt(i);
                if (c == '?' || c == ':' || c == '@' || c == '$') {
                    int j = i + 1;
                    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                        j++;
                    }
                    String name = sql.substring(i, j);
                    if (c == '?' && j > i + 1) {
                        int n = Integer.parseInt(name.substring(1));
                        while (names.size() < n) {
                            names.add(null);
                        }
                        names.set(n - 1, name);
                    } else if (c == '?') {
                        names.add(null);
                    } else if (!names.contains(name)) {
                        names.add(name);
                    }
                    i = j;
                } else {
                    i++;
                }
            }
        }

        @Override
        public String sql() {
            return sql;
        }

        @Override
        public String tail() {
            return tail;
        }

        @Override
        public List<String> columnNames() {
            return script.columns();
        }

        @Override
        public List<String> declaredTypes() {
            return script.declaredTypes();
        }

        @Override
        public int parameterCount() {
            return names.size();
        }

        @Override
        public String parameterName(int index) {
            return names.get(index - 1);
        }

        @Override
        public int parameterIndex(String name) {
            return names.indexOf(name) + 1;
        }

        @Override
        public boolean isReadOnly() {
            return script.readOnly();
        }

        @Override
        public List<Object[]> explain() {
            return List.of();
        }
    }
}
