package io.ringlite.engine.exec;

import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.StepResult;
import java.util.List;

/** The rows of an EXPLAIN: the program listing, one instruction per row; touches no page. */
final class ExplainSource implements StepSource {
    private final List<Object[]> rows;
    private int next;
    private volatile boolean interrupted;

    ExplainSource(List<Object[]> rows) {
        this.rows = rows;
    }

    @Override
    public StepResult step() {
        if (interrupted) {
            return StepResult.INTERRUPTED;
        }
        if (next >= rows.size()) {
            return StepResult.DONE;
        }
        next++;
        return StepResult.ROW;
    }

    @Override
    public Completion pendingIo() {
        return null;
    }

    @Override
    public Object[] row() {
        return rows.get(next - 1).clone();
    }

    @Override
    public long changes() {
        return 0;
    }

    @Override
    public void interrupt() {
        interrupted = true;
    }

    @Override
    public void close() {
    }
}
