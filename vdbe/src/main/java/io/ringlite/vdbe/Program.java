package io.ringlite.vdbe;

import io.ringlite.vdbe.op.Insn;
import io.ringlite.vdbe.op.Slots;
import io.ringlite.vdbe.value.FloatFormat;
import io.ringlite.vdbe.value.SqlText;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable, resolved VDBE program (built by {@link ProgramBuilder}). Reusable: each
 * {@link Vdbe} executes its own copy of the registers and cursors.
 *
 * <p>Invariants: every jump target is in {@code [0, size())}; every register an instruction
 * names is below {@link #registers()}; every cursor below {@link #cursors()}.
 */
public final class Program {
    /** EXPLAIN's column names, SQLite's layout. */
    public static final List<String> EXPLAIN_COLUMNS =
            List.of("addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment");

    private final Insn[] code;
    private final int registers;
    private final int cursors;
    private final List<String> columnNames;
    private final int parameters;

    Program(Insn[] code, int registers, int cursors, List<String> columnNames, int parameters) {
        this.code = code;
        this.registers = registers;
        this.cursors = cursors;
        this.columnNames = List.copyOf(columnNames);
        this.parameters = parameters;
    }

    public int size() {
        return code.length;
    }

    public Insn at(int addr) {
        return code[addr];
    }

    /** A copy of the instructions. */
    public List<Insn> instructions() {
        return List.of(code);
    }

    Insn[] code() {
        return code;
    }

    /** Number of registers (register numbers are {@code 0 .. registers()-1}). */
    public int registers() {
        return registers;
    }

    public int cursors() {
        return cursors;
    }

    /** Names of the result columns (empty for statements without rows). */
    public List<String> columnNames() {
        return columnNames;
    }

    /** Highest parameter index the program reads (Variable). */
    public int parameterCount() {
        return parameters;
    }

    /**
     * The program as EXPLAIN prints it: one row per instruction, {@code addr} (Long),
     * {@code opcode} (String), {@code p1..p3} (Long), {@code p4} (String or null), {@code p5}
     * (Long), {@code comment} (String or null).
     */
    public List<Object[]> explain() {
        List<Object[]> rows = new ArrayList<>(code.length);
        for (int addr = 0; addr < code.length; addr++) {
            Insn insn = code[addr];
            Slots s = insn.slots();
            rows.add(new Object[] {(long) addr, insn.name(), (long) s.p1(), (long) s.p2(), (long) s.p3(),
                    p4Text(s.p4()), (long) s.p5(), insn.comment()});
        }
        return rows;
    }

    private static String p4Text(Object p4) {
        return switch (p4) {
            case null -> null;
            case Double d -> realP4(d);
            case byte[] b -> SqlText.hex(b);
            default -> p4.toString();
        };
    }

    /**
     * A REAL operand as SQLite's EXPLAIN prints it: its printf's {@code %.16g} ("2", "1e+20",
     * "Inf"), with SQLite's x87 digits.
     */
    static String realP4(double d) {
        return FloatFormat.format(d, 'g', 16, false, false, (char) 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Object[] row : explain()) {
            sb.append(String.format("%4d %-14s %4d %4d %4d %-16s %2d %s%n",
                    row[0], row[1], row[2], row[3], row[4], row[5] == null ? "" : row[5], row[6],
                    row[7] == null ? "" : row[7]));
        }
        return sb.toString();
    }
}
