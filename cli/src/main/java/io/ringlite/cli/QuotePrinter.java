package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * quote mode: each value as an SQL literal, separated by commas: {@code NULL}, integers as is,
 * REAL in the literal form of {@link RealText}, TEXT in single quotes with inner quotes doubled,
 * BLOB as {@code X'hex'}. Headers, when on, are quoted as TEXT. The null value setting does not
 * apply.
 */
final class QuotePrinter implements ResultPrinter {
    private final Out out;
    private final boolean headers;

    QuotePrinter(Out out, boolean headers) {
        this.out = out;
        this.headers = headers;
    }

    @Override
    public void start(List<String> columns) {
        if (!headers) {
            return;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.ch(',');
            }
            quoted(columns.get(i).getBytes(StandardCharsets.UTF_8));
        }
        out.ch('\n');
    }

    @Override
    public void row(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.ch(',');
            }
            Object v = values[i];
            if (v == null) {
                out.text("NULL");
            } else if (Values.isReal(v)) {
                out.text(RealText.literal(((Number) v).doubleValue()));
            } else if (Values.isInteger(v)) {
                out.bytes(Values.text(v));
            } else if (v instanceof byte[] b) {
                out.text("X'").text(Values.hex(b)).ch('\'');
            } else {
                quoted(Values.text(v));
            }
        }
        out.ch('\n');
    }

    @Override
    public void end() {
    }

    private void quoted(byte[] text) {
        int len = Values.cLength(text);
        out.ch('\'');
        int from = 0;
        for (int i = 0; i < len; i++) {
            if (text[i] == '\'') {
                out.bytes(text, from, i + 1 - from).ch('\'');
                from = i + 1;
            }
        }
        out.bytes(text, from, len - from).ch('\'');
    }
}
