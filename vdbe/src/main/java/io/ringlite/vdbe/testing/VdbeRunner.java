package io.ringlite.vdbe.testing;

import io.ringlite.vdbe.Program;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a program to completion in tests, completing injected Pending I/O itself: each IO result
 * is answered by completing the store's outstanding completions and stepping again.
 */
public final class VdbeRunner {
    private VdbeRunner() {
    }

    /** All rows of one execution; binds {@code params} as ?1, ?2, ... first. */
    public static List<Object[]> run(Program program, SimpleVdbeContext ctx, Object... params) {
        try (Vdbe vm = new Vdbe(program, ctx)) {
            for (int i = 0; i < params.length; i++) {
                vm.bind(i + 1, params[i]);
            }
            return drain(vm, ctx);
        } finally {
            ctx.endTransactionIfAutoCommit();
        }
    }

    /** Steps {@code vm} until DONE; returns the rows. */
    public static List<Object[]> drain(Vdbe vm, SimpleVdbeContext ctx) {
        List<Object[]> rows = new ArrayList<>();
        for (;;) {
            StepResult r = vm.step();
            switch (r) {
                case ROW -> rows.add(vm.row());
                case DONE -> {
                    return rows;
                }
                case IO -> {
                    if (vm.pendingIo().isDone()) {
                        throw new IllegalStateException("invariant: IO with a completed completion");
                    }
                    if (ctx.store().completeOutstanding() == 0) {
                        throw new IllegalStateException("IO but nothing outstanding");
                    }
                }
                case BUSY, INTERRUPTED -> throw new IllegalStateException("unexpected " + r);
            }
        }
    }
}
