package io.ringlite.vdbe.func;

import java.util.function.Supplier;

/**
 * A resolved function: what the compiler puts in p4 of {@code Function}, {@code AggStep} and
 * {@code AggFinal}. Exactly one of {@code scalar} and {@code aggregate} is non-null.
 *
 * @param nargs the argument count this definition accepts, or -1 for any number
 * @param deterministic false for random() and friends (never constant-folded)
 */
public record FuncDef(String name, int nargs, ScalarFunction scalar, Supplier<Accumulator> aggregate,
                      boolean deterministic) {

    public FuncDef {
        if ((scalar == null) == (aggregate == null)) {
            throw new IllegalArgumentException("invariant: a function is either scalar or aggregate");
        }
    }

    public boolean isAggregate() {
        return aggregate != null;
    }

    /** As EXPLAIN prints it in p4: {@code name(nargs)}. */
    @Override
    public String toString() {
        return name + "(" + nargs + ")";
    }
}
