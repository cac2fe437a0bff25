package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * json mode: {@code [{"name":value,...},\n{...}]} and a newline. NULL is {@code null} (the null
 * value setting does not apply), INTEGER its digits, REAL the literal form of {@link RealText},
 * TEXT and BLOB a JSON string of their bytes: quote, backslash and control characters escaped
 * ({@code \b \f \n \r \t}, else a six-character {@code \\}{@code u00XX} escape), every other byte as is, which for a BLOB means raw
 * bytes, exactly as sqlite3 does.
 */
final class JsonPrinter implements ResultPrinter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Out out;
    private byte[][] names;
    private boolean first = true;

    JsonPrinter(Out out) {
        this.out = out;
    }

    @Override
    public void start(List<String> columns) {
        names = new byte[columns.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = columns.get(i).getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void row(Object[] values) {
        out.text(first ? "[{" : ",\n{");
        first = false;
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.ch(',');
            }
            string(names[i]);
            out.ch(':');
            Object v = values[i];
            if (v == null) {
                out.text("null");
            } else if (Values.isReal(v)) {
                out.text(RealText.literal(((Number) v).doubleValue()));
            } else if (Values.isInteger(v)) {
                out.bytes(Values.text(v));
            } else {
                string(Values.text(v));
            }
        }
        out.ch('}');
    }

    @Override
    public void end() {
        out.text("]\n");
    }

    private void string(byte[] b) {
        out.ch('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '"' -> out.text("\\\"");
                case '\\' -> out.text("\\\\");
                case '\b' -> out.text("\\b");
                case '\f' -> out.text("\\f");
                case '\n' -> out.text("\\n");
                case '\r' -> out.text("\\r");
                case '\t' -> out.text("\\t");
                default -> {
                    if (c < 0x20) {
                        out.text("\\u00").ch(HEX[c >> 4]).ch(HEX[c & 0xf]);
                    } else {
                        out.bytes(new byte[] {x});
                    }
                }
            }
        }
        out.ch('"');
    }
}
