package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.storage.io.IoKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A child JVM inserting in a loop is killed with SIGKILL; on reopen the file passes
 * integrity_check and every commit acknowledged before the kill is present.
 */
class CrashTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = IoKind.class, names = {"URING", "PORTABLE"})
    void everyAcknowledgedCommitSurvivesSigkill(IoKind io) throws Exception {
        Path file = tmp.resolve("crash.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-ea", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), file.toString(), io.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long lastAck = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            // Kill somewhere past a few hundred commits, while the child is mid-insert.
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    if (lastAck >= 400) {
                        // SIGKILL on Linux; through the handle, which (unlike Process.destroyForcibly)
                        // leaves the pipe open so the acks already in it can still be read.
                        child.toHandle().destroyForcibly();
                        break;
                    }
                }
            }
            // The child kept committing until the signal landed: acks it printed before dying may
            // still sit in the pipe. Every one of them was acknowledged before the kill.
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAck = Math.max(lastAck, Long.parseLong(line.substring(4)));
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAck).as("child acknowledged commits before dying").isGreaterThanOrEqualTo(400);

        long present;
        try (Db db = Db.open(DatabaseConfig.file(file).withIo(io))) {
            present = (Long) db.query("SELECT count(*) FROM t").get(0)[0];
            assertThat(present).isGreaterThanOrEqualTo(lastAck);
            // Each commit is one row: what survived is a prefix 1..present, at most one beyond the last ack
            // (the commit in flight when the signal landed).
            List<Object[]> top = db.query("SELECT id FROM t ORDER BY id DESC LIMIT 1");
            assertThat(top.get(0)[0]).isEqualTo(present);
            assertThat(present).isLessThanOrEqualTo(lastAck + 1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(present);
            }
        }
    }
}
