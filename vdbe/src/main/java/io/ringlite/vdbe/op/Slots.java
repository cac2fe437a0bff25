package io.ringlite.vdbe.op;

/** An instruction's operands in SQLite's p1..p5 layout, as EXPLAIN prints them. */
public record Slots(int p1, int p2, int p3, Object p4, int p5) {
    public static Slots of(int p1, int p2, int p3) {
        return new Slots(p1, p2, p3, null, 0);
    }
}
