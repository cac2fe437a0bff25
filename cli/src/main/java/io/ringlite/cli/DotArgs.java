package io.ringlite.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a dot-command line into arguments the way sqlite3 does: whitespace separates; an
 * argument in double quotes may contain whitespace and C escapes ({@code \n \t \\ \"} ...); one in
 * single quotes is taken literally. The first argument is the command name without its dot.
 */
final class DotArgs {
    private DotArgs() {
    }

    static List<String> split(String line) {
        List<String> args = new ArrayList<>();
        String s = line.strip();
        if (s.startsWith(".")) {
            s = s.substring(1);
        }
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                int j = i + 1;
                StringBuilder arg = new StringBuilder();
                while (j < n && s.charAt(j) != c) {
                    char d = s.charAt(j);
                    if (c == '"' && d == '\\' && j + 1 < n) {
                        j++;
                        arg.append(escape(s.charAt(j)));
                    } else {
                        arg.append(d);
                    }
                    j++;
                }
                args.add(arg.toString());
                i = j < n ? j + 1 : j;
            } else {
                int j = i;
                while (j < n && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                args.add(s.substring(i, j));
                i = j;
            }
        }
        return args;
    }

    /** Resolves C escapes ({@code \t}, {@code \n}, {@code \\} ...) in an unquoted argument. */
    static String resolveBackslashes(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                sb.append(escape(s.charAt(++i)));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static char escape(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'a' -> 7;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'v' -> 11;
            case '0' -> 0;
            default -> c;
        };
    }
}
