package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The layout sqlite3 uses for the result of {@code EXPLAIN} in every output mode: fixed-width
 * columns {@code addr opcode p1 p2 p3 p4 p5 comment} under a dashed rule, and the opcode indented
 * two spaces per loop it sits in, so the program's structure shows.
 *
 * <p>Indentation, as sqlite3 3.40 draws it: an instruction that jumps back to the start of a loop
 * body (Next, Prev, VNext, VPrev, SorterNext, and Return) indents every instruction from its
 * jump target up to itself, exclusive; so does a Goto jumping back when its target is a Yield,
 * SeekLT, SeekGT, RowSetRead or Rewind or when its p1 is non-zero. The indent goes before the
 * padded opcode, so it shifts the columns after it. The header's last column is padded, a row's
 * last column is not.
 */
final class ExplainPrinter implements ResultPrinter {
    private static final int[] WIDTHS = {4, 13, 4, 4, 4, 13, 2, 13};
    private static final Set<String> LOOP_ENDS = Set.of("Next", "Prev", "VPrev", "VNext", "SorterNext", "Return");
    private static final Set<String> LOOP_STARTS = Set.of("Yield", "SeekLT", "SeekGT", "RowSetRead", "Rewind");

    private final Out out;
    private List<String> columns;
    private final List<String[]> rows = new ArrayList<>();

    ExplainPrinter(Out out) {
        this.out = out;
    }

    /** True if {@code sql} is an EXPLAIN statement (not EXPLAIN QUERY PLAN). */
    static boolean isExplain(String sql) {
        String[] words = stripComments(sql).strip().split("\\s+", 3);
        return words.length >= 1 && words[0].equalsIgnoreCase("explain")
                && !(words.length >= 2 && words[1].equalsIgnoreCase("query"));
    }

    private static String stripComments(String sql) {
        String s = sql.stripLeading();
        while (true) {
            if (s.startsWith("--")) {
                int nl = s.indexOf('\n');
                s = nl < 0 ? "" : s.substring(nl + 1).stripLeading();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).stripLeading();
            } else {
                return s;
            }
        }
    }

    @Override
    public void start(List<String> columnNames) {
        this.columns = columnNames;
    }

    @Override
    public void row(Object[] values) {
        String[] cells = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            byte[] text = Values.text(values[i]);
            cells[i] = text == null ? "" : new String(text, 0, Values.cLength(text), StandardCharsets.UTF_8);
        }
        rows.add(cells);
    }

    @Override
    public void end() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            pad(sb, columns.get(i), width(i));
        }
        sb.append('\n');
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append("  ");
            }
            sb.append("-".repeat(width(i)));
        }
        sb.append('\n');
        int[] indent = indentation();
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = rows.get(r);
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                if (i == 1) {
                    sb.append(" ".repeat(indent[r]));
                }
                if (i == cells.length - 1) {
                    sb.append(cells[i]);
                } else {
                    pad(sb, cells[i], width(i));
                }
            }
            sb.append('\n');
        }
        out.text(sb.toString());
    }

    private int[] indentation() {
        int n = rows.size();
        int[] indent = new int[n];
        boolean[] loopStart = new boolean[n];
        for (int i = 0; i < n; i++) {
            loopStart[i] = LOOP_STARTS.contains(opcode(i));
        }
        for (int i = 0; i < n; i++) {
            String op = opcode(i);
            int target = intCell(i, 3);
            int p1 = intCell(i, 2);
            boolean backJump = target >= 0 && target < i;
            if (backJump && target > 0 && LOOP_ENDS.contains(op)
                    || backJump && op.equals("Goto") && (loopStart[target] || p1 != 0)) {
                for (int j = target; j < i; j++) {
                    indent[j] += 2;
                }
            }
        }
        return indent;
    }

    private String opcode(int row) {
        String[] cells = rows.get(row);
        return cells.length > 1 ? cells[1] : "";
    }

    private int intCell(int row, int column) {
        String[] cells = rows.get(row);
        if (column >= cells.length) {
            return -1;
        }
        try {
            return Integer.parseInt(cells[column]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int width(int column) {
        return column < WIDTHS.length ? WIDTHS[column] : 0;
    }

    private static void pad(StringBuilder sb, String text, int width) {
        sb.append(text);
        int w = BoxPrinter.width(text.getBytes(StandardCharsets.UTF_8));
        if (w < width) {
            sb.append(" ".repeat(width - w));
        }
    }
}
