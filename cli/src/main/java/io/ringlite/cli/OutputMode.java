package io.ringlite.cli;

import java.util.Locale;

/**
 * The output modes of the shell. Names are sqlite3's; {@link #parse} rejects the modes sqlite3 has
 * and Ringlite does not have yet with a message that names them.
 */
enum OutputMode {
    LIST, CSV, JSON, BOX, LINE, QUOTE, TABS;

    /** sqlite3's full list, as its error message prints it. */
    static final String SQLITE_MODES =
            "ascii box column csv html insert json line list markdown qbox quote table tabs tcl";

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code name}, or null if it is none of ours. */
    static OutputMode parse(String name) {
        for (OutputMode m : values()) {
            if (m.label().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** True if sqlite3 knows this mode name (whether or not Ringlite supports it). */
    static boolean isSqliteMode(String name) {
        for (String m : SQLITE_MODES.split(" ")) {
            if (m.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
