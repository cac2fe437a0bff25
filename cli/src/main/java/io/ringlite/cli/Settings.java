package io.ringlite.cli;

/**
 * The shell's display settings, changed by options and dot-commands. Mutable on purpose: it is
 * the state {@code .mode}, {@code .headers}, {@code .nullvalue} and {@code .bail} act on, owned by
 * the one shell thread.
 */
final class Settings {
    OutputMode mode = OutputMode.LIST;
    /** Headers on/off; box mode always shows them, as in sqlite3. */
    boolean headers;
    String nullValue = "";
    boolean bail;
    /** {@code .echo on} / {@code -echo}: print each command of a script before running it. */
    boolean echo;
    /** The column separator of list and csv modes. */
    String separator = "|";
    /** The row separator of list and csv modes. */
    String rowSeparator = "\n";
    /** Box mode wraps cells at this many characters; 0 = never. */
    int wrap;

    /**
     * Switches mode as the command-line options do: {@code -csv} sets the comma, {@code -list}
     * the bar, {@code -tabs} the tab; nothing else changes.
     */
    void setMode(OutputMode m) {
        mode = m == OutputMode.TABS ? OutputMode.LIST : m;
        switch (m) {
            case CSV -> separator = ",";
            case TABS -> separator = "\t";
            case LIST -> separator = "|";
            default -> {
            }
        }
    }

    /**
     * Switches mode as {@code .mode} does, which differs from the options in sqlite3:
     * {@code .mode csv} also ends rows with CR LF, {@code .mode list} resets both separators, and
     * {@code .mode box} wraps cells at 60 characters.
     */
    void dotMode(OutputMode m) {
        setMode(m);
        switch (m) {
            case CSV -> rowSeparator = "\r\n";
            case LIST, TABS -> rowSeparator = "\n";
            case BOX -> wrap = 60;
            default -> {
            }
        }
    }

    /** What {@code .mode} without arguments prints after "current output mode: ". */
    String modeLabel() {
        if (mode == OutputMode.BOX) {
            return "box --wrap " + wrap + " --wordwrap off --noquote";
        }
        return mode.label();
    }
}
