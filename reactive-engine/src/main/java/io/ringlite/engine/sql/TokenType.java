package io.ringlite.engine.sql;

/**
 * The kinds of token SQLite's tokenizer produces (see "SQL As Understood By SQLite": lexical
 * structure). Keywords are one kind, {@link #KEYWORD}, qualified by {@link Keyword}; the parser
 * decides where a keyword may stand in for an identifier (SQLite's fallback rule).
 */
public enum TokenType {
    /** A bare identifier that is not a keyword. */
    ID,
    /** {@code "x"}, {@code [x]} or {@code `x`}: always a name (text without quotes). */
    QUOTED_ID,
    KEYWORD,
    /** {@code 'it''s'}: text is the value, with quotes removed and {@code ''} unescaped. */
    STRING,
    /** {@code x'0A'}: text is the hex digits. */
    BLOB,
    INTEGER,
    FLOAT,
    /** {@code ?}, {@code ?7}, {@code :a}, {@code @a}, {@code $a}: text is the parameter as written. */
    VARIABLE,
    LP, RP, COMMA, SEMI, DOT,
    PLUS, MINUS, STAR, SLASH, REM, CONCAT, PTR, PTR2,
    EQ, NE, LT, LE, GT, GE,
    LSHIFT, RSHIFT, BITAND, BITOR, BITNOT,
    EOF
}
