package io.ringlite.tests.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The committed model of the database: every state ({@link SimState}: tables, rows, indexes) it
 * may legally be in.
 *
 * <p>Definitions: an <em>acknowledged</em> transaction is one whose COMMIT (or autocommit
 * statement) completed successfully; it is applied to every candidate. An <em>in-doubt</em>
 * transaction is one whose commit failed or was in flight when a crash or I/O error hit: it may
 * be present entirely or not at all, so each candidate is kept both without and with it. A
 * transaction is the list of its statements' effects that succeeded (a statement that failed a
 * UNIQUE constraint changed nothing and is not in it).
 *
 * <p>Invariants: (1) there is always at least one candidate; (2) candidates are distinct;
 * (3) {@link #collapse} is the only way to drop candidates, and only to the one state the
 * database was observed in, which must be one of them.
 */
final class Candidates {
    private List<SimState> states = new ArrayList<>();

    Candidates() {
        states.add(new SimState());
    }

    /** An acknowledged transaction: applies to every candidate. */
    void commit(List<Consumer<SimState>> txn) {
        for (SimState s : states) {
            txn.forEach(op -> op.accept(s));
        }
        dedupe();
    }

    /** An in-doubt transaction: each candidate is kept without it and with it. */
    void inDoubt(List<Consumer<SimState>> txn) {
        List<SimState> next = new ArrayList<>(states);
        for (SimState s : states) {
            SimState with = s.copy();
            txn.forEach(op -> op.accept(with));
            next.add(with);
        }
        states = next;
        dedupe();
    }

    /** Copies of the candidates, e.g. to apply a transaction's statements as they are chosen. */
    List<SimState> copies() {
        List<SimState> out = new ArrayList<>();
        for (SimState s : states) {
            out.add(s.copy());
        }
        return out;
    }

    int size() {
        return states.size();
    }

    boolean contains(SimState observed) {
        return states.contains(observed);
    }

    /** The database was seen in {@code observed} (one of the candidates): that is now the only state. */
    void collapse(SimState observed) {
        if (!contains(observed)) {
            throw new IllegalStateException("invariant: collapse to a state that is not a candidate");
        }
        states = new ArrayList<>(List.of(observed.copy()));
    }

    /** A short description for failure messages: each candidate and its differences from {@code observed}. */
    String describe(SimState observed) {
        StringBuilder sb = new StringBuilder();
        sb.append("observed ").append(observed).append("; candidates:");
        for (SimState s : states) {
            sb.append("\n  ").append(s).append(": ").append(SimState.diff(s, observed));
        }
        return sb.toString();
    }

    private void dedupe() {
        Set<SimState> unique = new LinkedHashSet<>(states);
        states = new ArrayList<>(unique);
    }
}
