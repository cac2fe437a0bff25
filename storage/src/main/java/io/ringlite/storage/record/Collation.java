package io.ringlite.storage.record;

/**
 * The three built-in collating sequences (SQLite "Datatypes In SQLite", section 7.1). They only
 * order TEXT values; text is compared as its UTF-8 bytes (the database encoding here).
 * <ul>
 *   <li>BINARY: memcmp of the bytes.</li>
 *   <li>NOCASE: as BINARY after folding the 26 ASCII upper-case letters to lower case (SQLite
 *       folds ASCII only).</li>
 *   <li>RTRIM: as BINARY, ignoring trailing spaces (0x20).</li>
 * </ul>
 */
public enum Collation {
    BINARY, NOCASE, RTRIM;

    /** The collation named {@code name} (case-insensitive), or null if there is none. */
    public static Collation named(String name) {
        for (Collation c : values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }
}
