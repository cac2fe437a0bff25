package io.ringlite.tests;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link CrashTest}: inserts rows one auto-commit transaction at a time and
 * prints {@code ack N} only after the engine acknowledged commit N (after its fsync). The parent
 * kills it with SIGKILL at an arbitrary moment.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        IoKind io = IoKind.valueOf(args[1]);
        try (Db db = Db.open(DatabaseConfig.file(file).withIo(io))) {
            db.script("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, payload TEXT)");
            PreparedStatement ins = db.prepare("INSERT INTO t VALUES (?, ?)");
            for (long i = 1; ; i++) {
                db.run(ins, List.of(i, "payload-" + i + "-" + "z".repeat((int) (i % 3000))));
                System.out.println("ack " + i);
                System.out.flush();
            }
        }
    }
}
