package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * list and csv modes: one line per row, values separated by the column separator.
 *
 * <p>Values print as C strings (up to the first NUL, so a BLOB prints its raw bytes up to a zero
 * byte). In csv mode a value is double-quoted, with inner quotes doubled, when it is empty or
 * holds a byte sqlite3 considers special: a control character or space, {@code "}, {@code '},
 * {@code ,}, DEL or any byte of a multi-byte UTF-8 character, or the separator. NULL prints as the
 * null value, never quoted. Headers are quoted by the same rule.
 */
final class ListPrinter implements ResultPrinter {
    private final Out out;
    private final byte[] separator;
    private final byte[] rowSeparator;
    private final boolean headers;
    private final byte[] nullValue;
    private final boolean csv;

    ListPrinter(Out out, Settings settings, boolean csv) {
        this.out = out;
        this.separator = settings.separator.getBytes(StandardCharsets.UTF_8);
        this.rowSeparator = settings.rowSeparator.getBytes(StandardCharsets.UTF_8);
        this.headers = settings.headers;
        this.nullValue = settings.nullValue.getBytes(StandardCharsets.UTF_8);
        this.csv = csv;
    }

    @Override
    public void start(List<String> columns) {
        if (!headers) {
            return;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                out.bytes(separator);
            }
            field(columns.get(i).getBytes(StandardCharsets.UTF_8));
        }
        out.bytes(rowSeparator);
    }

    @Override
    public void row(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.bytes(separator);
            }
            byte[] text = Values.text(values[i]);
            if (text == null) {
                out.bytes(nullValue);
            } else {
                field(text);
            }
        }
        out.bytes(rowSeparator);
    }

    @Override
    public void end() {
    }

    private void field(byte[] text) {
        int len = Values.cLength(text);
        if (!csv) {
            out.bytes(text, 0, len);
            return;
        }
        if (!needsQuote(text, len)) {
            out.bytes(text, 0, len);
            return;
        }
        out.ch('"');
        int from = 0;
        for (int i = 0; i < len; i++) {
            if (text[i] == '"') {
                out.bytes(text, from, i + 1 - from).ch('"');
                from = i + 1;
            }
        }
        out.bytes(text, from, len - from).ch('"');
    }

    private boolean needsQuote(byte[] text, int len) {
        if (len == 0) {
            return true;
        }
        for (int i = 0; i < len; i++) {
            int c = text[i] & 0xff;
            if (c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == ',') {
                return true;
            }
            if (startsWith(text, i, len, separator)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] text, int at, int len, byte[] sep) {
        if (sep.length == 0 || at + sep.length > len) {
            return false;
        }
        for (int j = 0; j < sep.length; j++) {
            if (text[at + j] != sep[j]) {
                return false;
            }
        }
        return true;
    }
}
