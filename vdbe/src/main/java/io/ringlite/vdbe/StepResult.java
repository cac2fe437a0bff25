package io.ringlite.vdbe;

/**
 * What one call to the VM's {@code step()} returns (DESIGN.md, asynchronous contract 2).
 * With IO the VM exposes the completion it waits for; the instruction that needed it changed
 * nothing and runs again from its start on the next {@code step()}.
 */
public enum StepResult {
    ROW,
    DONE,
    IO,
    BUSY,
    INTERRUPTED
}
