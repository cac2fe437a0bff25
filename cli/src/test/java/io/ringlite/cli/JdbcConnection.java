package io.ringlite.cli;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SqlConnection} backed by real SQLite through sqlite-jdbc: the stand-in for the engine in
 * tests, so that the shell's printing and driving can be compared with the sqlite3 CLI on the same
 * values. Statements are split with {@link SqlComplete} (JDBC has no tail).
 */
final class JdbcConnection implements SqlConnection {
    private final Connection connection;
    private volatile PreparedStatement running;

    JdbcConnection(String file) {
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + (file == null ? ":memory:" : file));
        } catch (SQLException e) {
            throw error(e);
        }
    }

    private record Stmt(PreparedStatement ps, String sql, List<String> columnNames, String tail) implements Statement {
    }

    @Override
    public Statement prepare(String sql) {
        String rest = sql;
        while (true) {
            int end = statementEnd(rest);
            String text = rest.substring(0, end);
            String tail = rest.substring(end);
            if (!isEmptyStatement(text)) {
                try {
                    PreparedStatement ps = connection.prepareStatement(text);
                    return new Stmt(ps, text, columnNames(ps), tail);
                } catch (SQLException e) {
                    throw error(e);
                }
            }
            if (tail.isBlank()) {
                return null;
            }
            rest = tail;
        }
    }

    /** sqlite-jdbc fails on metadata of statements without result columns: those have none. */
    private static List<String> columnNames(PreparedStatement ps) {
        List<String> names = new ArrayList<>();
        try {
            ResultSetMetaData md = ps.getMetaData();
            for (int i = 1; md != null && i <= md.getColumnCount(); i++) {
                names.add(md.getColumnName(i));
            }
        } catch (SQLException noColumns) {
            names.clear();
        }
        return names;
    }

    private static int statementEnd(String sql) {
        for (int i = 1; i <= sql.length(); i++) {
            if (sql.charAt(i - 1) == ';' && SqlComplete.isComplete(sql.substring(0, i))) {
                return i;
            }
        }
        return sql.length();
    }

    private static boolean isEmptyStatement(String text) {
        String s = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\n]*", " ").strip();
        return s.isEmpty() || s.equals(";");
    }

    @Override
    public void execute(Statement statement, RowSink sink) {
        PreparedStatement ps = ((Stmt) statement).ps();
        running = ps;
        try {
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Object[] row = new Object[n];
                        for (int i = 0; i < n; i++) {
                            Object v = rs.getObject(i + 1);
                            row[i] = v instanceof Integer x ? Long.valueOf(x) : v;
                        }
                        sink.row(row);
                    }
                }
            }
        } catch (SQLException e) {
            throw error(e);
        } finally {
            running = null;
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing a finished statement cannot fail in a way the test cares about
            }
        }
    }

    @Override
    public void interrupt() {
        PreparedStatement ps = running;
        if (ps != null) {
            try {
                ps.cancel();
            } catch (SQLException ignored) {
                // nothing running any more
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw error(e);
        }
    }

    /** sqlite-jdbc words errors as "[SQLITE_X] description (message)"; the shell wants the message. */
    static DatabaseException error(SQLException e) {
        String msg = e.getMessage();
        int open = msg.indexOf(" (");
        if (msg.startsWith("[") && open > 0 && msg.endsWith(")")) {
            msg = msg.substring(open + 2, msg.length() - 1);
        }
        ResultCode code;
        try {
            code = ResultCode.forCode(e.getErrorCode());
        } catch (IllegalArgumentException unknown) {
            code = ResultCode.ERROR;
        }
        return new DatabaseException(code, msg, e);
    }
}
