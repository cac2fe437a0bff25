package io.ringlite.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * box mode: a table drawn with Unicode box characters, always with a header row.
 *
 * <p>All rows are buffered, because a column is as wide as its widest cell. Widths count
 * characters the way sqlite3 3.40 does: every byte that is not a UTF-8 continuation byte counts
 * one (so a CJK character is one, not two). Before measuring, a cell is split into display lines:
 * a tab advances to the next multiple of 8, any other control character ends the line (CR LF
 * together end it once), a trailing line end adds no empty line, and with a wrap width
 * ({@code .mode box} sets 60, the {@code -box} option none) a line breaks after that many
 * characters. A header shows only its
 * first line and is centred; values are left-aligned. If any row needs more than one line, a
 * rule is drawn between all rows.
 */
final class BoxPrinter implements ResultPrinter {
    private final Out out;
    private final byte[] nullValue;
    private final int wrap;
    private List<byte[]> header;
    private final List<List<List<byte[]>>> rows = new ArrayList<>();
    private int[] widths;
    private boolean multiLine;

    BoxPrinter(Out out, String nullValue, int wrap) {
        this.out = out;
        this.nullValue = nullValue.getBytes(StandardCharsets.UTF_8);
        this.wrap = wrap;
    }

    @Override
    public void start(List<String> columns) {
        header = new ArrayList<>(columns.size());
        widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            List<byte[]> lines = lines(columns.get(i).getBytes(StandardCharsets.UTF_8), wrap);
            byte[] first = lines.isEmpty() ? new byte[0] : lines.getFirst();
            header.add(first);
            widths[i] = width(first);
        }
    }

    @Override
    public void row(Object[] values) {
        List<List<byte[]>> cells = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            byte[] text = Values.text(values[i]);
            List<byte[]> lines = lines(text == null ? nullValue : text, wrap);
            if (lines.size() > 1) {
                multiLine = true;
            }
            for (byte[] line : lines) {
                widths[i] = Math.max(widths[i], width(line));
            }
            cells.add(lines);
        }
        rows.add(cells);
    }

    @Override
    public void end() {
        rule("┌", "┬", "┐");
        out.text("│");
        for (int i = 0; i < widths.length; i++) {
            int pad = widths[i] - width(header.get(i));
            int left = pad / 2;
            out.spaces(left + 1).bytes(header.get(i)).spaces(pad - left + 1).text("│");
        }
        out.ch('\n');
        rule("├", "┼", "┤");
        for (int r = 0; r < rows.size(); r++) {
            if (r > 0 && multiLine) {
                rule("├", "┼", "┤");
            }
            List<List<byte[]>> cells = rows.get(r);
            int height = 1;
            for (List<byte[]> c : cells) {
                height = Math.max(height, c.size());
            }
            for (int line = 0; line < height; line++) {
                out.text("│");
                for (int i = 0; i < cells.size(); i++) {
                    List<byte[]> c = cells.get(i);
                    byte[] text = line < c.size() ? c.get(line) : new byte[0];
                    out.ch(' ').bytes(text).spaces(widths[i] - width(text) + 1).text("│");
                }
                out.ch('\n');
            }
        }
        rule("└", "┴", "┘");
    }

    private void rule(String left, String mid, String right) {
        StringBuilder sb = new StringBuilder(left);
        for (int i = 0; i < widths.length; i++) {
            if (i > 0) {
                sb.append(mid);
            }
            sb.append("─".repeat(widths[i] + 2));
        }
        sb.append(right).append('\n');
        out.text(sb.toString());
    }

    /** Display width: bytes that start a character. */
    static int width(byte[] b) {
        int w = 0;
        for (byte x : b) {
            if ((x & 0xc0) != 0x80) {
                w++;
            }
        }
        return w;
    }

    /** Splits a C string into display lines (see the class comment). */
    static List<byte[]> lines(byte[] text, int wrap) {
        int len = Values.cLength(text);
        List<byte[]> result = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int col = 0;
        int i = 0;
        while (i < len) {
            int c = text[i] & 0xff;
            if (c == '\t') {
                do {
                    line.write(' ');
                    col++;
                } while (col % 8 != 0);
                i++;
            } else if (c < 0x20) {
                result.add(line.toByteArray());
                line.reset();
                col = 0;
                i += (c == '\r' && i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
                if (i >= len) {
                    return result;
                }
            } else {
                boolean starts = (c & 0xc0) != 0x80;
                if (starts && wrap > 0 && col >= wrap) {
                    result.add(line.toByteArray());
                    line.reset();
                    col = 0;
                }
                line.write(c);
                if (starts) {
                    col++;
                }
                i++;
            }
        }
        result.add(line.toByteArray());
        return result;
    }
}
