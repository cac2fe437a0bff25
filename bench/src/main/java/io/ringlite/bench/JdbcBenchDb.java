package io.ringlite.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

/** sqlite-jdbc (native SQLite behind blocking JDBC), called directly from the benchmark thread. */
final class JdbcBenchDb implements BenchDb {
    private final Connection connection;
    private final PreparedStatement select;
    private final PreparedStatement insert;
    private final PreparedStatement scan;

    JdbcBenchDb(String url, boolean wal) throws Exception {
        connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            if (wal) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
            }
            s.execute("CREATE TABLE IF NOT EXISTS kv(id INTEGER PRIMARY KEY, name TEXT, score REAL)");
        }
        select = connection.prepareStatement("SELECT name FROM kv WHERE id = ?");
        insert = connection.prepareStatement("INSERT INTO kv VALUES (?, ?, ?)");
        scan = connection.prepareStatement("SELECT id, name, score FROM kv");
    }

    @Override
    public void load(int rows) throws Exception {
        insertBatch(1, rows);
    }

    @Override
    public String pointSelect(long id) throws Exception {
        select.setLong(1, id);
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public void insertBatch(long firstId, int n) throws Exception {
        connection.setAutoCommit(false);
        for (long id = firstId; id < firstId + n; id++) {
            insert.setLong(1, id);
            insert.setString(2, "name-" + id);
            insert.setDouble(3, id * 0.5);
            insert.executeUpdate();
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    @Override
    public long scan() throws Exception {
        long sum = 0;
        try (ResultSet rs = scan.executeQuery()) {
            while (rs.next()) {
                sum += rs.getLong(1);
            }
        }
        return sum;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
