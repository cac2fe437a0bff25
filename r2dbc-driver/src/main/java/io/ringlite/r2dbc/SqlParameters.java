package io.ringlite.r2dbc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a SQL text, found without compiling it, so that {@code Statement.bind} can
 * reject an unknown index or name at once, as R2DBC asks ({@link IndexOutOfBoundsException},
 * {@link java.util.NoSuchElementException}). The engine's compiled statement stays the authority
 * when the statement runs.
 *
 * <p>Numbering follows SQLite ("Binding Values To Prepared Statements"): {@code ?NNN} is parameter
 * NNN; a bare {@code ?} is one more than the largest number so far; {@code :name}, {@code @name} and
 * {@code $name} take one more than the largest so far the first time they appear and keep it after.
 * String literals, quoted identifiers and comments are skipped.
 *
 * @param count  the largest parameter number (SQLite's {@code sqlite3_bind_parameter_count})
 * @param names  each named parameter (with its prefix, as written) and its number
 */
record SqlParameters(int count, Map<String, Integer> names) {

    static SqlParameters scan(String sql) {
        Map<String, Integer> names = new LinkedHashMap<>();
        int max = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            switch (c) {
                case '\'', '"', '`' -> i = skipQuoted(sql, i, c);
                case '[' -> {
                    int end = sql.indexOf(']', i + 1);
                    i = end < 0 ? n : end + 1;
                }
                case '-' -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '-') {
                        int nl = sql.indexOf('\n', i);
                        i = nl < 0 ? n : nl + 1;
                    } else {
                        i++;
                    }
                }
                case '/' -> {
                    if (i + 1 < n && sql.charAt(i + 1) == '*') {
                        int end = sql.indexOf("*/", i + 2);
                        i = end < 0 ? n : end + 2;
                    } else {
                        i++;
                    }
                }
                case '?' -> {
                    int j = i + 1;
                    while (j < n && Character.isDigit(sql.charAt(j))) {
                        j++;
                    }
                    if (j == i + 1) {
                        max++;
                    } else {
                        int number;
                        try {
                            number = Integer.parseInt(sql.substring(i + 1, j));
                        } catch (NumberFormatException tooBig) {
                            number = Integer.MAX_VALUE;
                        }
                        names.putIfAbsent(sql.substring(i, j), number);
                        max = Math.max(max, number);
                    }
                    i = j;
                }
                case ':', '@', '$' -> {
                    int j = i + 1;
                    while (j < n && isIdentifierPart(sql.charAt(j))) {
                        j++;
                    }
                    if (j > i + 1) {
                        String name = sql.substring(i, j);
                        if (!names.containsKey(name)) {
                            names.put(name, ++max);
                        }
                    }
                    i = j;
                }
                default -> {
                    if (isIdentifierPart(c)) {
                        // a word: a prefix char inside it (e.g. a$b) is not a parameter
                        while (i < n && (isIdentifierPart(sql.charAt(i)) || sql.charAt(i) == '$')) {
                            i++;
                        }
                    } else {
                        i++;
                    }
                }
            }
        }
        return new SqlParameters(max, Map.copyOf(names));
    }

    /** The number of the parameter {@code name} (with or without prefix, or a bare number for ?NNN), or 0. */
    int indexOf(String name) {
        Integer exact = names.get(name);
        if (exact != null) {
            return exact;
        }
        char c = name.charAt(0);
        if (c == ':' || c == '@' || c == '$' || c == '?') {
            return 0;
        }
        for (String prefix : new String[] {":", "@", "$", "?"}) {
            Integer p = names.get(prefix + name);
            if (p != null) {
                return p;
            }
        }
        return 0;
    }

    private static int skipQuoted(String sql, int start, char quote) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    private static boolean isIdentifierPart(char c) {
        return c == '_' || Character.isLetterOrDigit(c) || c > 0x7f;
    }
}
