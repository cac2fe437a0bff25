package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * line mode: one {@code name = value} line per column, rows separated by an empty line. Names are
 * right-aligned to the longest name in bytes, at least 5 (sqlite3 pads with printf {@code %*s},
 * which counts bytes, so a name with multi-byte characters looks shifted exactly as in sqlite3).
 */
final class LinePrinter implements ResultPrinter {
    private static final int MIN_WIDTH = 5;
    private final Out out;
    private final byte[] nullValue;
    private byte[][] names;
    private int width;
    private boolean first = true;

    LinePrinter(Out out, String nullValue) {
        this.out = out;
        this.nullValue = nullValue.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void start(List<String> columns) {
        names = new byte[columns.size()][];
        width = MIN_WIDTH;
        for (int i = 0; i < names.length; i++) {
            names[i] = columns.get(i).getBytes(StandardCharsets.UTF_8);
            width = Math.max(width, Values.cLength(names[i]));
        }
    }

    @Override
    public void row(Object[] values) {
        if (!first) {
            out.ch('\n');
        }
        first = false;
        for (int i = 0; i < values.length; i++) {
            int len = Values.cLength(names[i]);
            out.spaces(width - len).bytes(names[i], 0, len).text(" = ");
            byte[] text = Values.text(values[i]);
            out.cstring(text == null ? nullValue : text).ch('\n');
        }
    }

    @Override
    public void end() {
    }
}
