package io.ringlite.cli;

import java.util.List;

/**
 * The shell's view of a database connection: just what running scripts needs, so the shell can be
 * driven by the real engine ({@link EngineConnection}) or by a fake in tests.
 *
 * <p>All methods but {@link #interrupt} are called on the one shell thread. Errors are
 * {@link io.ringlite.storage.error.DatabaseException}s; {@link #prepare} failures are what sqlite3
 * calls parse errors, {@link #execute} failures runtime errors.
 */
interface SqlConnection extends AutoCloseable {

    /** One compiled statement. */
    interface Statement {
        /** The text of this statement. */
        String sql();

        /** Result column names, as {@code sqlite3_column_name} gives them. */
        List<String> columnNames();

        /** The text after this statement; may be blank. */
        String tail();
    }

    /** Receives the rows of a statement, on the shell thread, in order. */
    interface RowSink {
        void row(Object[] values);
    }

    /** Compiles the first statement of {@code sql}; null when it holds only blanks and comments. */
    Statement prepare(String sql);

    /**
     * Runs {@code statement} to its end, handing each row to {@code sink} before this returns.
     * Throws a DatabaseException with code INTERRUPT if {@link #interrupt} stopped it.
     */
    void execute(Statement statement, RowSink sink);

    /** Stops the statement running now, if any (any thread; the connection stays usable). */
    void interrupt();

    @Override
    void close();
}
