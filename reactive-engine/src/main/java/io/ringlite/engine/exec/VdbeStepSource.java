package io.ringlite.engine.exec;

import io.ringlite.storage.io.Completion;
import io.ringlite.vdbe.StepResult;
import io.ringlite.vdbe.Vdbe;

/** A {@link Vdbe} as a {@link StepSource}. */
final class VdbeStepSource implements StepSource {
    private final Vdbe vm;

    VdbeStepSource(Vdbe vm) {
        this.vm = vm;
    }

    @Override
    public StepResult step() {
        return vm.step();
    }

    @Override
    public Completion pendingIo() {
        return vm.pendingIo();
    }

    @Override
    public Object[] row() {
        return vm.row();
    }

    @Override
    public long changes() {
        return vm.changes();
    }

    @Override
    public void interrupt() {
        vm.interrupt();
    }

    @Override
    public void close() {
        vm.close();
    }
}
