package io.ringlite.cli;

import io.ringlite.vdbe.value.SqlText;

/**
 * The text the sqlite3 shell prints for a REAL value. The digits come from the engine's one
 * implementation of SQLite's printf ({@link SqlText}); this class only adds what differs by
 * output mode, which is observable in sqlite3 3.40:
 * <ul>
 *   <li>{@link #display(double)}: the value's text as SQLite converts a REAL to TEXT (list, csv, box,
 *       line modes): {@code %!.15g}, e.g. {@code 1.0}, {@code 0.1}, {@code 1.0e+20},
 *       {@code 1.0e-05}; infinities print as {@code Inf} and {@code -Inf}.</li>
 *   <li>{@link #literal(double)}: what quote and json modes print, a literal meant to read back:
 *       {@code %!.20g} ({@code 0.10000000000000000555}, {@code 1000000000000000.0},
 *       {@code 1.0e+20}); infinities as {@code 1e999} / {@code -1e999}.</li>
 * </ul>
 */
final class RealText {
    private RealText() {
    }

    /** The value as SQLite's REAL-to-TEXT conversion spells it. */
    static String display(double v) {
        return SqlText.formatReal(v);
    }

    /** The value as sqlite3's quote and json modes spell it. */
    static String literal(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "1e999" : "-1e999";
        }
        return SqlText.formatReal(v, 20);
    }
}
