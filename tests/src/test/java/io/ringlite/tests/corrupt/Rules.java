package io.ringlite.tests.corrupt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ringlite.tests.corrupt.Hostile.Result;
import java.util.List;

/** The rules every run on hostile bytes must follow, as AssertJ assertions. */
final class Rules {
    private Rules() {
    }

    /** Every statement gave rows, SQLITE_CORRUPT or SQLITE_NOTADB — nothing else. */
    static void assertOnlyRowsOrCorrupt(String what, List<Result> results) {
        for (Result r : results) {
            if (r.alien() != null) {
                AssertionError e = new AssertionError(what + ": " + r.sql() + " threw " + r.alien(), r.alien());
                throw e;
            }
            if (!r.isRows() && !r.isCorruptOrNotADb()) {
                fail(what + ": " + r.sql() + " failed with " + r.error().code() + " \"" + r.error().getMessage()
                        + "\", expected rows, CORRUPT or NOTADB", r.error());
            }
        }
    }

    /**
     * Where both the engine and real SQLite returned rows for the same statement, the rows are
     * the same: on damaged bytes that real SQLite reads without complaint, the engine must read
     * the same values (or report corruption).
     */
    static void assertSameRowsWhereBothRead(String what, List<Result> mine, List<Result> sqlite) {
        for (Result m : mine) {
            if (!m.isRows()) {
                continue;
            }
            for (Result o : sqlite) {
                if (o.sql().equals(m.sql()) && o.isRows()) {
                    assertThat(m.rows()).as("%s: rows of %s, compared with real SQLite", what, m.sql())
                            .containsExactlyElementsOf(o.rows());
                    break;
                }
            }
        }
    }

    /**
     * As {@link #assertOnlyRowsOrCorrupt}, but another typed error is also accepted where real
     * SQLite gives the same primary code for the same statement on the same bytes — a flipped
     * byte in a schema row's name makes both say {@code no such table}.
     */
    static void assertOnlyRowsOrCorruptOrAsSqlite(String what, List<Result> mine, List<Result> sqlite) {
        for (Result r : mine) {
            if (r.error() != null && !r.isCorruptOrNotADb()) {
                boolean same = sqlite.stream().anyMatch(o -> o.sql().equals(r.sql()) && o.error() != null
                        && o.error().code().primary() == r.error().code().primary());
                if (same) {
                    continue;
                }
            }
            assertOnlyRowsOrCorrupt(what, List.of(r));
        }
    }

    /**
     * Where the engine returned rows for a statement for which real SQLite also returned rows on
     * the same damaged bytes, the engine's rows are SQLite's — or exactly the rows of the intact
     * file ({@code intact}): reading around damage that SQLite trips over is correct data too
     * (for instance a seek that does not trust a damaged divider key in an interior page).
     */
    static void assertRowsAsSqliteOrIntact(String what, List<Result> mine, List<Result> sqlite, List<Result> intact) {
        for (Result m : mine) {
            if (!m.isRows()) {
                continue;
            }
            Result o = sqlite.stream().filter(x -> x.sql().equals(m.sql()) && x.isRows()).findFirst().orElse(null);
            if (o == null || o.rows().equals(m.rows())) {
                continue;
            }
            Result i = intact.stream().filter(x -> x.sql().equals(m.sql())).findFirst().orElseThrow();
            assertThat(m.rows()).as("%s: rows of %s, neither real SQLite's on the same bytes (%s rows) nor the intact file's",
                    what, m.sql(), o.rows().size()).isEqualTo(i.rows());
        }
    }

    /** {@code sql} (or the open before it) failed with SQLITE_CORRUPT / NOTADB. */
    static Result assertCorrupt(List<Result> results, String sql) {
        Result r = find(results, sql);
        assertThat(r.isCorruptOrNotADb()).as("%s must report corruption, got %s", sql, r).isTrue();
        return r;
    }

    /** {@code sql} failed with SQLITE_CORRUPT naming {@code page}. */
    static void assertCorruptNaming(List<Result> results, String sql, int page) {
        Result r = assertCorrupt(results, sql);
        assertThat(r.error().pageNumber()).as("page named by %s", r).isEqualTo(page);
        assertThat(r.error().getMessage()).contains("page " + page);
    }

    /** The result of {@code sql}, or the failed open that prevented it from running. */
    static Result find(List<Result> results, String sql) {
        for (Result r : results) {
            if (r.sql().equals(sql) || r.sql().equals("open")) {
                return r;
            }
        }
        throw new AssertionError("no result for " + sql + " in " + results);
    }
}
