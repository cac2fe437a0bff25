package io.ringlite.vdbe.func;

import io.ringlite.vdbe.value.Mem;

/** The running state of one aggregate function over one group. */
public interface Accumulator {
    void step(Mem[] args);

    /** Writes the aggregate's result; called once after the last step (or with no steps). */
    void finish(Mem out);
}
