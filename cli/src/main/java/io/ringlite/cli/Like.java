package io.ringlite.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SQL LIKE as the shell's {@code .tables} and {@code .schema} patterns use it: {@code %} matches
 * any run, {@code _} one character, ASCII letters compare case-insensitively.
 */
final class Like {
    private Like() {
    }

    static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0);
    }

    private static boolean match(String p, int pi, String t, int ti) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '%') {
                while (pi < p.length() && p.charAt(pi) == '%') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = ti; k <= t.length(); k++) {
                    if (match(p, pi, t, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length()) {
                return false;
            }
            if (c != '_' && fold(c) != fold(t.charAt(ti))) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length();
    }

    private static char fold(char c) {
        return c < 0x80 ? Character.toLowerCase(c) : c;
    }

    /** SQLite's BINARY collation: compares UTF-8 bytes. */
    static int compareBinary(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
