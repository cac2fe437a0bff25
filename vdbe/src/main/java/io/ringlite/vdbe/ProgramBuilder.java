package io.ringlite.vdbe;

import io.ringlite.vdbe.op.Insn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles a {@link Program}: {@link #emit} appends an instruction and returns its address;
 * forward jumps use labels from {@link #newLabel()} (negative numbers) that {@link #resolve}
 * binds to the next instruction's address; {@link #build()} replaces every label with its
 * address. Registers and cursors are allocated here so the program knows how many it needs.
 *
 * <pre>{@code
 * ProgramBuilder b = new ProgramBuilder();
 * int end = b.newLabel();
 * int init = b.emit(new Insn.Init(0));          // patched below
 * int r = b.allocRegister();
 * b.emit(new Insn.Integer(42, r));
 * b.emit(new Insn.ResultRow(r, 1));
 * b.emit(Insn.Halt.OK);
 * b.set(init, new Insn.Init(b.currentAddress())); // or jump to a label
 * }</pre>
 */
public final class ProgramBuilder {
    private final List<Insn> code = new ArrayList<>();
    private int[] labels = new int[16];
    private int labelCount;
    private int registers = 1; // register 0 is reserved, as in SQLite
    private int cursors;
    private int parameters;
    private List<String> columnNames = List.of();

    public ProgramBuilder() {
        Arrays.fill(labels, -1);
    }

    /** Appends {@code insn}; returns its address. */
    public int emit(Insn insn) {
        code.add(insn);
        noteOperands(insn);
        return code.size() - 1;
    }

    /**
     * Grows the register, cursor and parameter counts to cover what {@code insn} names, so a
     * program whose compiler numbered registers by hand still gets enough of them.
     */
    private void noteOperands(Insn insn) {
        if (insn.cursor() >= 0) {
            cursors = Math.max(cursors, insn.cursor() + 1);
        }
        int top = switch (insn) {
            case Insn.Variable v -> {
                parameters = Math.max(parameters, v.index());
                yield v.dest();
            }
            case Insn.SorterData s -> {
                cursors = Math.max(cursors, s.pseudoCursor() + 1);
                yield s.dest();
            }
            case Insn.HaltIfNull h -> h.reg();
            case Insn.If i -> i.reg();
            case Insn.IfNot i -> i.reg();
            case Insn.IsNull i -> i.reg();
            case Insn.NotNull i -> i.reg();
            case Insn.IfPos i -> i.reg();
            case Insn.DecrJumpZero d -> d.reg();
            case Insn.MustBeInt m -> m.reg();
            case Insn.OffsetLimit o -> Math.max(o.limitReg(), Math.max(o.dest(), o.offsetReg()));
            case Insn.ReadCookie c -> c.dest();
            case Insn.CreateBtree c -> c.dest();
            case Insn.OpenPseudo o -> o.contentReg();
            case Insn.SeekRowid s -> s.keyReg();
            case Insn.NotExists s -> s.keyReg();
            case Insn.Rowid r -> r.dest();
            case Insn.Column c -> c.dest();
            case Insn.NewRowid n -> Math.max(n.dest(), n.maxReg());
            case Insn.Insert i -> Math.max(i.record(), i.rowidReg());
            case Insn.Count c -> c.dest();
            case Insn.Sequence s -> s.dest();
            case Insn.Integer i -> i.dest();
            case Insn.Int64 i -> i.dest();
            case Insn.Real r -> r.dest();
            case Insn.String8 s -> s.dest();
            case Insn.Blob b -> b.dest();
            case Insn.Null n -> Math.max(n.first(), n.last());
            case Insn.Copy c -> Math.max(c.src(), c.dest()) + c.extra();
            case Insn.SCopy c -> Math.max(c.src(), c.dest());
            case Insn.Move m -> Math.max(m.src(), m.dest()) + m.count() - 1;
            case Insn.ResultRow r -> r.start() + r.count() - 1;
            case Insn.MakeRecord m -> Math.max(m.start() + m.count() - 1, m.dest());
            case Insn.Affinity a -> a.start() + a.count() - 1;
            case Insn.Cast c -> c.reg();
            case Insn.RealAffinity r -> r.reg();
            case Insn.Binary b -> Math.max(b.dest(), Math.max(b.left(), b.right()));
            case Insn.BitNot b -> Math.max(b.src(), b.dest());
            case Insn.Not n -> Math.max(n.src(), n.dest());
            case Insn.IsTrue t -> Math.max(t.src(), t.dest());
            case Insn.Comparison c -> Math.max(c.left(), c.right());
            case Insn.Function f -> Math.max(f.dest(), f.firstArg() + f.argc() - 1);
            case Insn.AggStep a -> Math.max(a.accumulator(), a.firstArg() + a.argc() - 1);
            case Insn.AggFinal a -> a.accumulator();
            case Insn.SorterInsert s -> s.record();
            case Insn.IdxInsert i -> Math.max(i.record(), i.start() + i.count() - 1);
            case Insn.IdxDelete d -> d.start() + d.count() - 1;
            case Insn.IndexSeek k -> k.start() + k.count() - 1;
            case Insn.IndexCompare k -> k.start() + k.count() - 1;
            case Insn.IndexProbe k -> k.start() + k.count() - 1;
            case Insn.IdxRowid i -> i.dest();
            case Insn.Destroy d -> d.dest();
            default -> 0;
        };
        registers = Math.max(registers, top + 1);
    }

    /** Replaces the instruction at {@code addr} (to patch a jump once its target is known). */
    public void set(int addr, Insn insn) {
        code.set(addr, insn);
    }

    public Insn get(int addr) {
        return code.get(addr);
    }

    /** The address the next emitted instruction will get. */
    public int currentAddress() {
        return code.size();
    }

    /** A new unresolved label: a negative number usable as any jump target. */
    public int newLabel() {
        if (labelCount == labels.length) {
            labels = Arrays.copyOf(labels, labelCount * 2);
            Arrays.fill(labels, labelCount, labels.length, -1);
        }
        labelCount++;
        return -labelCount;
    }

    /** Binds {@code label} to the address of the next instruction emitted. */
    public void resolve(int label) {
        resolve(label, code.size());
    }

    /** Binds {@code label} to {@code addr}. */
    public void resolve(int label, int addr) {
        int idx = -label - 1;
        if (label >= 0 || idx >= labelCount) {
            throw new IllegalArgumentException("not a label: " + label);
        }
        if (labels[idx] >= 0) {
            throw new IllegalStateException("invariant: label " + label + " resolved twice");
        }
        labels[idx] = addr;
    }

    /** Allocates one register; returns its number (1, 2, ...). */
    public int allocRegister() {
        return registers++;
    }

    /** Allocates {@code n} consecutive registers; returns the first. */
    public int allocRegisters(int n) {
        int first = registers;
        registers += n;
        return first;
    }

    /** Allocates a cursor number (0, 1, ...). */
    public int allocCursor() {
        return cursors++;
    }

    /** Ensures the program has at least {@code n} registers (for hand-numbered programs). */
    public ProgramBuilder ensureRegisters(int n) {
        registers = Math.max(registers, n);
        return this;
    }

    public ProgramBuilder ensureCursors(int n) {
        cursors = Math.max(cursors, n);
        return this;
    }

    public ProgramBuilder columnNames(List<String> names) {
        columnNames = List.copyOf(names);
        return this;
    }

    /** Resolves labels and checks every jump; the builder can be discarded afterwards. */
    public Program build() {
        Insn[] out = new Insn[code.size()];
        int n = out.length;
        for (int addr = 0; addr < n; addr++) {
            Insn insn = code.get(addr);
            final int at = addr;
            out[addr] = insn.relocate(t -> {
                int target = t;
                if (t < 0) {
                    int idx = -t - 1;
                    if (idx >= labelCount || labels[idx] < 0) {
                        throw new IllegalStateException("invariant: unresolved label " + t + " at " + at);
                    }
                    target = labels[idx];
                }
                if (target > n) {
                    throw new IllegalStateException("invariant: jump to " + target + " outside program at " + at);
                }
                return target;
            });
        }
        return new Program(out, registers, cursors, columnNames, parameters);
    }
}
