package io.ringlite.vdbe;

import java.util.HexFormat;
import java.util.List;

/** Canonical text for values so rows from the VM and from sqlite-jdbc compare exactly. */
final class Values {
    private Values() {
    }

    static String canon(Object v) {
        return switch (v) {
            case null -> "NULL";
            case Integer i -> "i:" + i;
            case Long l -> "i:" + l;
            case Double d -> "r:" + d;
            case Float f -> "r:" + (double) f;
            case String s -> "t:" + s;
            case byte[] b -> "b:" + HexFormat.of().formatHex(b);
            default -> throw new AssertionError("unexpected " + v.getClass());
        };
    }

    static String row(Object[] row) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < row.length; i++) {
            sb.append(i > 0 ? ", " : "").append(canon(row[i]));
        }
        return sb.append(']').toString();
    }

    static List<String> rows(List<Object[]> rows) {
        return rows.stream().map(Values::row).toList();
    }
}
