package io.ringlite.engine.sql;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;

/**
 * SQLite's tokenizer, one token at a time so that only the first statement of a script needs to
 * be well-formed.
 *
 * <p>Rules worth stating (SQLite's tokenize.c behaviour, checked against the sqlite3 CLI):
 * <ol>
 *   <li>Whitespace and comments separate tokens; a block comment left open runs to the end of
 *       the text (so {@code SELECT /* x} is "incomplete input", not a token error).</li>
 *   <li>A number immediately followed by identifier characters is one bad token
 *       ({@code 12abc}, {@code 1e}, {@code 0x}): "unrecognized token".</li>
 *   <li>An unterminated string, quoted identifier or blob swallows the rest of the text and is
 *       reported whole; a blob needs an even number of hex digits.</li>
 *   <li>Identifier characters are letters, digits, {@code _}, {@code $} and every character
 *       at or above U+0080.</li>
 * </ol>
 */
public final class Lexer {
    private final String sql;
    private int pos;

    public Lexer(String sql) {
        this.sql = sql;
    }

    /** Offset of the next character to be read. */
    public int position() {
        return pos;
    }

    /** The next token, or an EOF token at the end of the text. */
    public Token next() {
        skipSpaceAndComments();
        int start = pos;
        if (pos >= sql.length()) {
            return new Token(TokenType.EOF, "", start, start, null);
        }
        char c = sql.charAt(pos);
        switch (c) {
            case '(': return single(TokenType.LP);
            case ')': return single(TokenType.RP);
            case ',': return single(TokenType.COMMA);
            case ';': return single(TokenType.SEMI);
            case '+': return single(TokenType.PLUS);
            case '*': return single(TokenType.STAR);
            case '/': return single(TokenType.SLASH);
            case '%': return single(TokenType.REM);
            case '~': return single(TokenType.BITNOT);
            case '&': return single(TokenType.BITAND);
            case '-':
                if (peek(1) == '>') {
                    return peek(2) == '>' ? op(TokenType.PTR2, 3) : op(TokenType.PTR, 2);
                }
                return single(TokenType.MINUS);
            case '=': return peek(1) == '=' ? op(TokenType.EQ, 2) : single(TokenType.EQ);
            case '<':
                return switch (peek(1)) {
                    case '=' -> op(TokenType.LE, 2);
                    case '>' -> op(TokenType.NE, 2);
                    case '<' -> op(TokenType.LSHIFT, 2);
                    default -> single(TokenType.LT);
                };
            case '>':
                return switch (peek(1)) {
                    case '=' -> op(TokenType.GE, 2);
                    case '>' -> op(TokenType.RSHIFT, 2);
                    default -> single(TokenType.GT);
                };
            case '!':
                if (peek(1) == '=') {
                    return op(TokenType.NE, 2);
                }
                throw unrecognized(start, start + 1);
            case '|': return peek(1) == '|' ? op(TokenType.CONCAT, 2) : single(TokenType.BITOR);
            case '\'': return quoted(TokenType.STRING, '\'', '\'');
            case '"': return quoted(TokenType.QUOTED_ID, '"', '"');
            case '`': return quoted(TokenType.QUOTED_ID, '`', '`');
            case '[': return quoted(TokenType.QUOTED_ID, '[', ']');
            case '.':
                if (isDigit(peek(1))) {
                    return number();
                }
                return single(TokenType.DOT);
            case '?': return questionVariable();
            case ':', '@', '$': return namedVariable();
            default:
                break;
        }
        if (isDigit(c)) {
            return number();
        }
        if ((c == 'x' || c == 'X') && peek(1) == '\'') {
            return blob();
        }
        if (isIdStart(c)) {
            while (pos < sql.length() && isIdChar(sql.charAt(pos))) {
                pos++;
            }
            String word = sql.substring(start, pos);
            Keyword k = Keyword.lookup(word);
            return k == null
                    ? new Token(TokenType.ID, word, start, pos, null)
                    : new Token(TokenType.KEYWORD, word, start, pos, k);
        }
        throw unrecognized(start, start + Character.charCount(sql.codePointAt(start)));
    }

    private void skipSpaceAndComments() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                pos++;
            } else if (c == '-' && peek(1) == '-') {
                while (pos < sql.length() && sql.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '/' && peek(1) == '*') {
                int close = sql.indexOf("*/", pos + 2);
                pos = close < 0 ? sql.length() : close + 2;
            } else {
                return;
            }
        }
    }

    private Token single(TokenType t) {
        return op(t, 1);
    }

    private Token op(TokenType t, int length) {
        int start = pos;
        pos += length;
        return new Token(t, sql.substring(start, pos), start, pos, null);
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < sql.length() ? sql.charAt(i) : '\0';
    }

    private Token quoted(TokenType type, char open, char close) {
        int start = pos;
        StringBuilder value = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= sql.length()) {
                throw unrecognized(start, sql.length());
            }
            char c = sql.charAt(i);
            if (c == close) {
                // Doubling the closing quote escapes it, except for [..] which has no escape.
                if (open != '[' && i + 1 < sql.length() && sql.charAt(i + 1) == close) {
                    value.append(c);
                    i += 2;
                    continue;
                }
                break;
            }
            value.append(c);
            i++;
        }
        pos = i + 1;
        return new Token(type, value.toString(), start, pos, null);
    }

    private Token blob() {
        int start = pos;
        int i = pos + 2;
        while (i < sql.length() && isHex(sql.charAt(i))) {
            i++;
        }
        int digits = i - (pos + 2);
        if (i >= sql.length() || sql.charAt(i) != '\'' || digits % 2 != 0) {
            while (i < sql.length() && sql.charAt(i) != '\'') {
                i++;
            }
            throw unrecognized(start, Math.min(i + 1, sql.length()));
        }
        pos = i + 1;
        return new Token(TokenType.BLOB, sql.substring(start + 2, i), start, pos, null);
    }

    private Token number() {
        int start = pos;
        TokenType type = TokenType.INTEGER;
        if (sql.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X') && isHex(peek(2))) {
            pos += 2;
            while (pos < sql.length() && isHex(sql.charAt(pos))) {
                pos++;
            }
        } else {
            while (pos < sql.length() && isDigit(sql.charAt(pos))) {
                pos++;
            }
            if (pos < sql.length() && sql.charAt(pos) == '.') {
                type = TokenType.FLOAT;
                pos++;
                while (pos < sql.length() && isDigit(sql.charAt(pos))) {
                    pos++;
                }
            }
            if (pos < sql.length() && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')
                    && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
                type = TokenType.FLOAT;
                pos += 2;
                while (pos < sql.length() && isDigit(sql.charAt(pos))) {
                    pos++;
                }
            }
        }
        if (pos < sql.length() && isIdChar(sql.charAt(pos))) {
            while (pos < sql.length() && isIdChar(sql.charAt(pos))) {
                pos++;
            }
            throw unrecognized(start, pos);
        }
        return new Token(type, sql.substring(start, pos), start, pos, null);
    }

    private Token questionVariable() {
        int start = pos++;
        while (pos < sql.length() && isDigit(sql.charAt(pos))) {
            pos++;
        }
        return new Token(TokenType.VARIABLE, sql.substring(start, pos), start, pos, null);
    }

    private Token namedVariable() {
        int start = pos++;
        boolean dollar = sql.charAt(start) == '$';
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (isIdChar(c)) {
                pos++;
            } else if (dollar && c == ':' && peek(1) == ':') {
                pos += 2;
            } else if (dollar && c == '(' && pos > start + 1) {
                // Tcl-style $a(b): the suffix runs to the closing parenthesis.
                int close = sql.indexOf(')', pos);
                if (close < 0) {
                    throw unrecognized(start, sql.length());
                }
                pos = close + 1;
                break;
            } else {
                break;
            }
        }
        if (pos == start + 1) {
            throw unrecognized(start, pos);
        }
        return new Token(TokenType.VARIABLE, sql.substring(start, pos), start, pos, null);
    }

    private DatabaseException unrecognized(int start, int end) {
        return new DatabaseException(ResultCode.ERROR,
                "unrecognized token: \"" + sql.substring(start, end) + "\"");
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isIdStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    static boolean isIdChar(char c) {
        return isIdStart(c) || isDigit(c) || c == '$';
    }
}
