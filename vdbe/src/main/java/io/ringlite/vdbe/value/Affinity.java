package io.ringlite.vdbe.value;

import java.util.Locale;

/**
 * Column affinity (SQLite datatype3, section 3). The {@link #code} letters are SQLite's, as
 * they appear in EXPLAIN (MakeRecord p4 "DBC", comparison p5): A=BLOB, B=TEXT, C=NUMERIC,
 * D=INTEGER, E=REAL.
 */
public enum Affinity {
    BLOB('A'),
    TEXT('B'),
    NUMERIC('C'),
    INTEGER('D'),
    REAL('E');

    private final char code;

    Affinity(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    public static Affinity ofCode(char c) {
        return switch (c) {
            case 'A' -> BLOB;
            case 'B' -> TEXT;
            case 'C' -> NUMERIC;
            case 'D' -> INTEGER;
            case 'E' -> REAL;
            default -> throw new IllegalArgumentException("no affinity with code " + c);
        };
    }

    /** Whether this is one of the numeric affinities (NUMERIC, INTEGER, REAL). */
    public boolean isNumeric() {
        return this == NUMERIC || this == INTEGER || this == REAL;
    }

    /**
     * The affinity of a declared column type, by SQLite's five ordered rules (datatype3 3.1):
     * "INT" -> INTEGER; "CHAR", "CLOB" or "TEXT" -> TEXT; "BLOB" or no type -> BLOB;
     * "REAL", "FLOA" or "DOUB" -> REAL; anything else NUMERIC. Substring matches, any case.
     */
    public static Affinity ofDeclaredType(String declared) {
        if (declared == null || declared.isBlank()) {
            return BLOB;
        }
        String t = declared.toUpperCase(Locale.ROOT);
        if (t.contains("INT")) {
            return INTEGER;
        }
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
            return TEXT;
        }
        if (t.contains("BLOB")) {
            return BLOB;
        }
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
            return REAL;
        }
        return NUMERIC;
    }

    /**
     * Applies this affinity to a value being stored (MakeRecord, Affinity opcode): TEXT renders
     * numbers as text; NUMERIC and INTEGER turn well-formed numeric text into a number and
     * integral REALs into INTEGERs; REAL turns numeric text and integers into REALs; BLOB does
     * nothing. NULL and BLOB values are never changed.
     */
    public void apply(Mem m) {
        switch (this) {
            case BLOB -> {
            }
            case TEXT -> {
                if (m.isNumeric()) {
                    m.setText(m.asText());
                }
            }
            case NUMERIC, INTEGER -> {
                if (m.isText()) {
                    applyNumericToText(m);
                }
                if (m.isReal() && SqlNumbers.isIntegral(m.realValue())) {
                    m.setInt((long) m.realValue());
                }
            }
            case REAL -> {
                if (m.isText()) {
                    applyNumericToText(m);
                }
                if (m.isInt()) {
                    m.setReal(m.intValue());
                }
            }
        }
    }

    /**
     * Applies this affinity for a comparison (datatype3 4.2): numeric affinities convert
     * well-formed numeric text to a number, TEXT converts numbers to text, BLOB nothing.
     */
    public void applyForComparison(Mem m) {
        if (isNumeric()) {
            if (m.isText()) {
                applyNumericToText(m);
            }
        } else if (this == TEXT && m.isNumeric()) {
            m.setText(m.asText());
        }
    }

    private static void applyNumericToText(Mem m) {
        String s = m.textValue();
        Mem tmp = new Mem();
        if (SqlNumbers.parse(s, tmp)) {
            if (tmp.isReal() && SqlNumbers.isIntegral(tmp.realValue())) {
                m.setInt((long) tmp.realValue());
            } else {
                m.copyFrom(tmp);
            }
        }
    }
}
