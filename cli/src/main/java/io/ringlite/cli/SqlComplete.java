package io.ringlite.cli;

import java.util.Locale;

/**
 * Decides whether text typed so far ends a statement, with the meaning of SQLite's
 * {@code sqlite3_complete()}: the text ends with a semicolon token (one that is not inside a
 * string, a quoted identifier or a comment) and is not the unfinished body of a
 * {@code CREATE [TEMP] TRIGGER}, whose inner semicolons only end it after {@code END}.
 *
 * <p>A small scanner over the characters: it knows quotes ({@code '..'}, {@code ".."},
 * {@code `..`}, {@code [..]}), comments ({@code --} to end of line, {@code /* .. * /}) and words;
 * it does not need to know anything else of the grammar.
 */
final class SqlComplete {
    private SqlComplete() {
    }

    static boolean isComplete(String sql) {
        boolean complete = false;
        // statement state: 0 = start, 1 = after CREATE (TEMP), 2 = other statement, 3 = in trigger
        int state = 0;
        String prevWord = "";
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int nl = sql.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return false;
                }
                i = end + 2;
                continue;
            }
            if (c == ';') {
                if (state == 3) {
                    if (prevWord.equals("END")) {
                        state = 0;
                        complete = true;
                    } else {
                        complete = false;
                    }
                } else {
                    state = 0;
                    complete = true;
                }
                prevWord = ";";
                i++;
                continue;
            }
            complete = false;
            if (c == '\'' || c == '"' || c == '`' || c == '[') {
                char close = c == '[' ? ']' : c;
                int j = i + 1;
                while (true) {
                    int end = sql.indexOf(close, j);
                    if (end < 0) {
                        return false;
                    }
                    if (close != ']' && end + 1 < n && sql.charAt(end + 1) == close) {
                        j = end + 2;
                        continue;
                    }
                    i = end + 1;
                    break;
                }
                prevWord = "";
                if (state == 0) {
                    state = 2;
                }
                continue;
            }
            if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f) {
                int j = i;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (!(Character.isLetterOrDigit(d) || d == '_' || d == '$' || d > 0x7f)) {
                        break;
                    }
                    j++;
                }
                String word = sql.substring(i, j).toUpperCase(Locale.ROOT);
                state = switch (state) {
                    case 0 -> word.equals("CREATE") ? 1 : 2;
                    case 1 -> switch (word) {
                        case "TEMP", "TEMPORARY" -> 1;
                        case "TRIGGER" -> 3;
                        default -> 2;
                    };
                    default -> state;
                };
                prevWord = word;
                i = j;
                continue;
            }
            // punctuation
            prevWord = "";
            if (state == 0 || state == 1) {
                state = 2;
            }
            i++;
        }
        return complete;
    }
}
