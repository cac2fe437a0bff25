package io.ringlite.examples;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Ringlite from a plain Reactor pipeline: create a table, insert with bound parameters, query
 * with a filter. Run: {@code java -cp ... io.ringlite.examples.ReactorExample [r2dbc-url]}.
 */
public final class ReactorExample {
    private ReactorExample() {
    }

    /** Returns "name=score" for every row with score above {@code min}, best first. */
    public static Mono<List<String>> run(ConnectionFactory factory, double min) {
        return Mono.usingWhen(factory.create(), c -> setUp(c).thenMany(query(c, min)).collectList(), Connection::close);
    }

    private static Mono<Void> setUp(Connection c) {
        return Flux.from(c.createStatement("CREATE TABLE IF NOT EXISTS scores(id INTEGER PRIMARY KEY, name TEXT, score REAL)")
                        .execute())
                .flatMap(r -> r.getRowsUpdated())
                .thenMany(Flux.from(c.createStatement("INSERT INTO scores(name, score) VALUES (:name, :score)")
                        .bind("name", "ada").bind("score", 9.5).add()
                        .bind("name", "brian").bind("score", 7.0).add()
                        .bind("name", "carol").bind("score", 3.25)
                        .execute()))
                .flatMap(r -> r.getRowsUpdated())
                .then();
    }

    private static Flux<String> query(Connection c, double min) {
        return Flux.from(c.createStatement("SELECT name, score FROM scores WHERE score > ?1 ORDER BY score DESC")
                        .bind(0, min)
                        .execute())
                .flatMap(r -> r.map((row, meta) -> row.get("name", String.class) + "=" + row.get("score", Double.class)));
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "r2dbc:ringlite:mem:///";
        System.out.println(run(ConnectionFactories.get(url), 5.0).block());
    }
}
