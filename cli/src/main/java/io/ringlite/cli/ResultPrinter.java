package io.ringlite.cli;

import java.util.List;

/**
 * Prints the rows of one statement in one output mode, byte for byte as sqlite3 3.40 does.
 *
 * <p>Lifecycle per statement: {@link #start} before the first row (never for a statement without
 * rows: sqlite3 prints no header then), {@link #row} per row, {@link #end} after the last row
 * (only if started). Values are null, Long, Double, String or byte[].
 */
sealed interface ResultPrinter
        permits ListPrinter, LinePrinter, JsonPrinter, QuotePrinter, BoxPrinter, ExplainPrinter {

    void start(List<String> columns);

    void row(Object[] values);

    void end();

    static ResultPrinter create(Settings settings, Out out) {
        return switch (settings.mode) {
            case LIST, TABS -> new ListPrinter(out, settings, false);
            case CSV -> new ListPrinter(out, settings, true);
            case LINE -> new LinePrinter(out, settings.nullValue);
            case JSON -> new JsonPrinter(out);
            case QUOTE -> new QuotePrinter(out, settings.headers);
            case BOX -> new BoxPrinter(out, settings.nullValue, settings.wrap);
        };
    }
}
