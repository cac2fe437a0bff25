package io.ringlite.vdbe.func;

import io.ringlite.vdbe.value.Mem;

/** A scalar SQL function: reads {@code args} (never modifies them), writes {@code out}. */
@FunctionalInterface
public interface ScalarFunction {
    /**
     * @throws io.ringlite.storage.error.DatabaseException for SQL-level errors (e.g. "integer
     *         overflow" from abs())
     */
    void call(Mem[] args, Mem out);

    /**
     * The VM's entry point: functions that read connection state override this one; the rest
     * ignore {@code connection}.
     */
    default void call(Mem[] args, Mem out, FunctionContext connection) {
        call(args, out);
    }
}
