package io.ringlite.engine.sql;

/**
 * One token of SQL text.
 *
 * @param type    what it is
 * @param text    its value: for STRING/QUOTED_ID the unquoted value, for BLOB the hex digits,
 *                otherwise the text as written
 * @param start   offset of its first character in the SQL text
 * @param end     offset just past its last character
 * @param keyword the keyword for {@link TokenType#KEYWORD}, else null
 */
public record Token(TokenType type, String text, int start, int end, Keyword keyword) {

    public boolean is(TokenType t) {
        return type == t;
    }

    public boolean is(Keyword k) {
        return keyword == k;
    }
}
