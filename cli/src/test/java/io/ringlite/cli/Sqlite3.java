package io.ringlite.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the real sqlite3 CLI (the oracle) and {@link Main#run} the same way, capturing everything. */
final class Sqlite3 {
    static final Path BINARY = Path.of("/usr/bin/sqlite3");

    /** What a shell run produced. */
    record Result(byte[] out, String err, int exitCode) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private Sqlite3() {
    }

    static void assumePresent() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY),
                "sqlite3 CLI not found at " + BINARY + ": oracle comparison skipped");
    }

    /** Runs sqlite3 with {@code args}, feeding {@code stdin}. */
    static Result run(List<String> args, String stdin) {
        assumePresent();
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException notReading) {
                // sqlite3 with SQL arguments never reads stdin and may have exited already
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("sqlite3 did not finish: " + cmd);
            }
            return new Result(out.join(), new String(err.join(), StandardCharsets.UTF_8), p.exitValue());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs our shell in-process with the given engine, stdin not a terminal. */
    static Result ringlite(List<String> args, String stdin, Main.Engine engine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args.toArray(String[]::new),
                new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, err, false, engine);
        return new Result(out.toByteArray(), err.toString(StandardCharsets.UTF_8), rc);
    }

    /** Our shell over real SQLite (sqlite-jdbc) instead of the engine. */
    static Result ringliteOverSqlite(List<String> args, String stdin) {
        return ringlite(args, stdin, (file, readOnly, io) -> new JdbcConnection(file));
    }
}
