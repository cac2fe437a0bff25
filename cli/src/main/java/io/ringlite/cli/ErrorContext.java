package io.ringlite.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two lines sqlite3 prints under a parse error to show where it is:
 * <pre>
 *   selec 1;
 *   ^--- error here
 * </pre>
 * Only the SQL near the error is shown: sqlite3 starts the excerpt at most 50 characters before
 * the error, shows at most 78 bytes, turns whitespace into spaces, and points at the error with
 * {@code ^--- error here} when it is within 25 columns of the excerpt start, otherwise with
 * {@code error here ---^} ending at it.
 *
 * <p>The engine's errors carry no offset, so the offset is found from the message: for
 * {@code near "X": syntax error} and {@code unrecognized token: "X"} it is the last occurrence of
 * X in the failing statement (before its first top-level semicolon); for {@code no such column: X}
 * the first occurrence of X as a word; for {@code no such function: F} and
 * {@code wrong number of arguments to function F()} the first call of F. Other messages get no
 * excerpt, as most of them have none in sqlite3 either (e.g. {@code no such table}).
 */
final class ErrorContext {
    private static final Pattern NEAR = Pattern.compile("^near \"(.*)\": syntax error$", Pattern.DOTALL);
    private static final Pattern UNRECOGNIZED = Pattern.compile("^unrecognized token: \"(.*)\"$", Pattern.DOTALL);
    private static final Pattern NO_COLUMN = Pattern.compile("^no such column: (.+)$", Pattern.DOTALL);
    private static final Pattern FUNCTION = Pattern.compile(
            "^(?:no such function: (.+)|wrong number of arguments to function (.+)\\(\\))$", Pattern.DOTALL);

    private ErrorContext() {
    }

    /** The excerpt (starting with a newline), or "" when the offset is unknown. */
    static String of(String sql, String message) {
        int offset = offset(sql, message);
        return offset < 0 ? "" : excerpt(sql, offset);
    }

    static int offset(String sql, String message) {
        if (message == null) {
            return -1;
        }
        Matcher column = NO_COLUMN.matcher(message);
        if (column.matches()) {
            return find(sql, "(?<![\\w$])" + Pattern.quote(column.group(1)) + "(?![\\w$])");
        }
        Matcher function = FUNCTION.matcher(message);
        if (function.matches()) {
            String name = function.group(1) != null ? function.group(1) : function.group(2);
            return find(sql, "(?<![\\w$])" + Pattern.quote(name) + "\\s*\\(");
        }
        Matcher m = NEAR.matcher(message);
        if (!m.matches()) {
            m = UNRECOGNIZED.matcher(message);
            if (!m.matches()) {
                return -1;
            }
        }
        String token = m.group(1);
        if (token.isEmpty()) {
            return -1;
        }
        int end = firstStatementEnd(sql);
        int at = sql.lastIndexOf(token, end);
        if (at < 0 || at > end) {
            at = sql.indexOf(token);
        }
        return at;
    }

    private static int find(String sql, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(sql);
        return m.find() ? m.start() : -1;
    }

    private static int firstStatementEnd(String sql) {
        for (int i = 1; i <= sql.length(); i++) {
            if (sql.charAt(i - 1) == ';' && SqlComplete.isComplete(sql.substring(0, i))) {
                return i - 1;
            }
        }
        return sql.length();
    }

    static String excerpt(String sql, int offset) {
        // Work on code points so multi-byte characters are never cut, as sqlite3 steps over UTF-8.
        int start = 0;
        while (offset > 50) {
            int cp = sql.codePointAt(start);
            start += Character.charCount(cp);
            offset--;
        }
        String rest = sql.substring(start);
        StringBuilder code = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < rest.length(); ) {
            int cp = rest.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > 78) {
                break;
            }
            bytes += len;
            code.appendCodePoint(Character.isWhitespace(cp) ? ' ' : cp);
            i += Character.charCount(cp);
        }
        if (offset < 25) {
            return "\n  " + code + "\n  " + " ".repeat(offset) + "^--- error here";
        }
        return "\n  " + code + "\n  " + " ".repeat(offset - 14) + "error here ---^";
    }
}
