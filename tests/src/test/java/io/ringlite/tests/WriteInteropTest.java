package io.ringlite.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringlite.engine.DatabaseConfig;
import io.ringlite.engine.PreparedStatement;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written by Ringlite — several tables, more than 100k rows, text and blobs larger than
 * a page — passes {@code PRAGMA integrity_check} in real SQLite and reads back row for row.
 */
class WriteInteropTest {
    private static final int ROWS = 100_000;
    private static final long SEED = 20261121L;

    @TempDir
    Path tmp;

    @Test
    void fileWrittenByRingliteIsValidAndIdenticalInSqlite() throws Exception {
        Path file = tmp.resolve("written.db");
        List<Object[]> small = new ArrayList<>();
        List<Object[]> big = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(SEED);
        try (Db db = Db.open(DatabaseConfig.file(file).withIo(IoKind.URING))) {
            db.script("""
                    CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, score REAL);
                    CREATE TABLE docs(id INTEGER PRIMARY KEY, body TEXT, data BLOB);
                    CREATE TABLE loose(a, b, c);
                    """);
            db.script("BEGIN");
            PreparedStatement ins = db.prepare("INSERT INTO people(id, name, age, score) VALUES (?, ?, ?, ?)");
            for (int i = 1; i <= ROWS; i++) {
                Object[] row = {(long) i, "person-" + i, (long) rnd.nextInt(100), rnd.nextDouble() * 1000};
                small.add(row);
                db.run(ins, Arrays.asList(row));
            }
            db.script("COMMIT");
            PreparedStatement doc = db.prepare("INSERT INTO docs VALUES (?1, ?2, ?3)");
            for (int i = 1; i <= 60; i++) {
                int n = 100 + rnd.nextInt(70_000);
                byte[] blob = new byte[n];
                rnd.nextBytes(blob);
                Object[] row = {(long) i, "x".repeat(n / 3) + i, blob};
                big.add(row);
                db.run(doc, Arrays.asList(row));
            }
            db.script("INSERT INTO loose VALUES (1, 'one', x'01'), (2.5, NULL, 'two'), (NULL, -7, 3.25)");
        }

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("SELECT id, name, age, score FROM people ORDER BY id")) {
                int i = 0;
                while (rs.next()) {
                    Object[] want = small.get(i++);
                    assertThat(rs.getLong(1)).isEqualTo(want[0]);
                    assertThat(rs.getString(2)).isEqualTo(want[1]);
                    assertThat(rs.getLong(3)).isEqualTo(want[2]);
                    assertThat(rs.getDouble(4)).isEqualTo(want[3]);
                }
                assertThat(i).isEqualTo(ROWS);
            }
            try (ResultSet rs = s.executeQuery("SELECT id, body, data FROM docs ORDER BY id")) {
                int i = 0;
                while (rs.next()) {
                    Object[] want = big.get(i++);
                    assertThat(rs.getLong(1)).isEqualTo(want[0]);
                    assertThat(rs.getString(2)).isEqualTo(want[1]);
                    assertThat(rs.getBytes(3)).isEqualTo((byte[]) want[2]);
                }
                assertThat(i).isEqualTo(big.size());
            }
            try (ResultSet rs = s.executeQuery("SELECT quote(a), quote(b), quote(c) FROM loose ORDER BY rowid")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                }
                assertThat(rows).containsExactly("1|'one'|X'01'", "2.5|NULL|'two'", "NULL|-7|3.25");
            }
        }
    }
}
