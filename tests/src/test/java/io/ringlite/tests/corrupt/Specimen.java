package io.ringlite.tests.corrupt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * An intact database written by real SQLite (sqlite-jdbc), rollback-journal mode, small pages so
 * that trees are deep and payloads spill:
 *
 * <pre>
 * t(id INTEGER PRIMARY KEY, v TEXT)     rows 1..n, v = 'value-' || id || padding
 * docs(id INTEGER PRIMARY KEY, body BLOB) blobs of several pages each (overflow chains)
 * </pre>
 *
 * @param image     the file's bytes (callers damage copies, never this array)
 * @param rootT     root page of t
 * @param rootDocs  root page of docs
 * @param rows      number of rows in t
 */
record Specimen(byte[] image, int rootT, int rootDocs, int rows, int docs) {

    static Specimen create(Path dir, String name, int pageSize, int rows, int docs, int blobSize, long seed)
            throws IOException, SQLException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        SplittableRandom rnd = new SplittableRandom(seed);
        int rootT;
        int rootDocs;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA page_size=" + pageSize);
                s.execute("PRAGMA journal_mode=DELETE");
                s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
                s.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, body BLOB)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO t(id, v) VALUES (?, ?)")) {
                for (int i = 1; i <= rows; i++) {
                    ins.setLong(1, i);
                    ins.setString(2, "value-" + i + "-" + "x".repeat(rnd.nextInt(20)));
                    ins.executeUpdate();
                }
            }
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO docs(id, body) VALUES (?, ?)")) {
                for (int i = 1; i <= docs; i++) {
                    byte[] b = new byte[blobSize];
                    rnd.nextBytes(b);
                    ins.setLong(1, i);
                    ins.setBytes(2, b);
                    ins.executeUpdate();
                }
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, rootpage FROM sqlite_schema ORDER BY name")) {
                rs.next();
                rootDocs = rs.getInt(2);
                rs.next();
                rootT = rs.getInt(2);
            }
        }
        byte[] image = Files.readAllBytes(file);
        Files.delete(file);
        return new Specimen(image, rootT, rootDocs, rows, docs);
    }

    /** The bytes of a database made by real SQLite running {@code statements} (journal_mode=DELETE). */
    static byte[] fromScript(Path dir, String name, int pageSize, String... statements) throws IOException, SQLException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size=" + pageSize);
            s.execute("PRAGMA journal_mode=DELETE");
            for (String sql : statements) {
                s.execute(sql);
            }
        }
        byte[] image = Files.readAllBytes(file);
        Files.delete(file);
        return image;
    }

    /** A fresh copy to damage. */
    byte[] copy() {
        return image.clone();
    }
}
