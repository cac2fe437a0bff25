package io.ringlite.tests.sim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The committed model of table {@code t}: every state the database may legally be in.
 *
 * <p>Definitions: a state maps rowid to the row rendered as text ({@link SimRows#render}). An
 * <em>acknowledged</em> transaction is one whose COMMIT (or autocommit statement) completed
 * successfully; it is applied to every candidate. An <em>in-doubt</em> transaction is one whose
 * commit failed or was in flight when a crash or I/O error hit: it may be present entirely or not
 * at all, so each candidate is kept both without and with it.
 *
 * <p>Invariants: (1) there is always at least one candidate; (2) candidates are distinct;
 * (3) {@link #collapse} is the only way to drop candidates, and only to the one state the
 * database was observed in, which must be one of them.
 */
final class Candidates {
    private List<TreeMap<Long, String>> states = new ArrayList<>();

    Candidates() {
        states.add(new TreeMap<>());
    }

    /** An acknowledged transaction: applies to every candidate. */
    void commit(List<Consumer<TreeMap<Long, String>>> txn) {
        for (TreeMap<Long, String> s : states) {
            txn.forEach(op -> op.accept(s));
        }
        dedupe();
    }

    /** An in-doubt transaction: each candidate is kept without it and with it. */
    void inDoubt(List<Consumer<TreeMap<Long, String>>> txn) {
        List<TreeMap<Long, String>> next = new ArrayList<>(states);
        for (TreeMap<Long, String> s : states) {
            TreeMap<Long, String> with = new TreeMap<>(s);
            txn.forEach(op -> op.accept(with));
            next.add(with);
        }
        states = next;
        dedupe();
    }

    /** Copies of the candidates, e.g. to apply a transaction's statements as they are chosen. */
    List<TreeMap<Long, String>> copies() {
        List<TreeMap<Long, String>> out = new ArrayList<>();
        for (TreeMap<Long, String> s : states) {
            out.add(new TreeMap<>(s));
        }
        return out;
    }

    int size() {
        return states.size();
    }

    boolean contains(TreeMap<Long, String> observed) {
        return states.contains(observed);
    }

    /** The database was seen in {@code observed} (one of the candidates): that is now the only state. */
    void collapse(TreeMap<Long, String> observed) {
        if (!contains(observed)) {
            throw new IllegalStateException("invariant: collapse to a state that is not a candidate");
        }
        states = new ArrayList<>(List.of(new TreeMap<>(observed)));
    }

    /** A short description for failure messages: sizes and a diff of the first candidate. */
    String describe(TreeMap<Long, String> observed) {
        StringBuilder sb = new StringBuilder();
        sb.append("observed ").append(observed.size()).append(" rows; candidates:");
        for (TreeMap<Long, String> s : states) {
            sb.append("\n  ").append(s.size()).append(" rows, ").append(SimRows.diff(s, observed));
        }
        return sb.toString();
    }

    private void dedupe() {
        Set<TreeMap<Long, String>> unique = new LinkedHashSet<>(states);
        states = new ArrayList<>(unique);
    }
}
