package io.ringlite.vdbe.func;

/**
 * LIKE and GLOB matching (lang_expr "The LIKE, GLOB, REGEXP, MATCH, and extract operators").
 * LIKE: {@code %} any run, {@code _} one character, ASCII letters match either case, an optional
 * escape character. GLOB: {@code *}, {@code ?}, {@code [...]} sets with ranges and {@code ^}
 * negation, case-sensitive. Both work on code points; wildcards backtrack recursively (patterns
 * come from SQL text, so their wildcard count is small in practice).
 */
final class Patterns {
    private Patterns() {
    }

    static boolean like(String pattern, String text, int escape) {
        int[] p = pattern.codePoints().toArray();
        int[] t = text.codePoints().toArray();
        return likeFrom(p, 0, t, 0, escape);
    }

    private static boolean likeFrom(int[] p, int pi, int[] t, int ti, int esc) {
        while (pi < p.length) {
            int c = p[pi];
            if (c == '%' && c != esc) {
                while (pi < p.length && (p[pi] == '%' || p[pi] == '_') && p[pi] != esc) {
                    if (p[pi] == '_') {
                        if (ti >= t.length) {
                            return false;
                        }
                        ti++;
                    }
                    pi++;
                }
                if (pi == p.length) {
                    return true;
                }
                for (int k = ti; k <= t.length; k++) {
                    if (likeFrom(p, pi, t, k, esc)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length) {
                return false;
            }
            if (c == '_' && c != esc) {
                pi++;
                ti++;
                continue;
            }
            if (c == esc) {
                pi++;
                if (pi >= p.length) {
                    return false;
                }
                c = p[pi];
            }
            if (fold(c) != fold(t[ti])) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length;
    }

    private static int fold(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    static boolean glob(String pattern, String text) {
        int[] p = pattern.codePoints().toArray();
        int[] t = text.codePoints().toArray();
        return globFrom(p, 0, t, 0);
    }

    private static boolean globFrom(int[] p, int pi, int[] t, int ti) {
        while (pi < p.length) {
            int c = p[pi];
            if (c == '*') {
                while (pi < p.length && (p[pi] == '*' || p[pi] == '?')) {
                    if (p[pi] == '?') {
                        if (ti >= t.length) {
                            return false;
                        }
                        ti++;
                    }
                    pi++;
                }
                if (pi == p.length) {
                    return true;
                }
                for (int k = ti; k <= t.length; k++) {
                    if (globFrom(p, pi, t, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length) {
                return false;
            }
            if (c == '?') {
                pi++;
                ti++;
                continue;
            }
            if (c == '[') {
                int end = setEnd(p, pi);
                if (end < 0) {
                    return false; // an unterminated set matches nothing
                }
                if (!inSet(p, pi + 1, end, t[ti])) {
                    return false;
                }
                pi = end + 1;
                ti++;
                continue;
            }
            if (c != t[ti]) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length;
    }

    /** Index of the ']' closing the set opened at {@code open}, or -1. */
    private static int setEnd(int[] p, int open) {
        int i = open + 1;
        if (i < p.length && p[i] == '^') {
            i++;
        }
        if (i < p.length && p[i] == ']') {
            i++; // a ']' first in the set is literal
        }
        while (i < p.length && p[i] != ']') {
            i++;
        }
        return i < p.length ? i : -1;
    }

    private static boolean inSet(int[] p, int from, int end, int c) {
        boolean negate = false;
        int i = from;
        if (i < end && p[i] == '^') {
            negate = true;
            i++;
        }
        boolean found = false;
        while (i < end) {
            int lo = p[i];
            if (i + 2 < end && p[i + 1] == '-') {
                int hi = p[i + 2];
                if (c >= lo && c <= hi) {
                    found = true;
                }
                i += 3;
            } else {
                if (c == lo) {
                    found = true;
                }
                i++;
            }
        }
        return found != negate;
    }
}
