package io.ringlite.vdbe.func;

import io.ringlite.vdbe.value.FloatFormat;
import io.ringlite.vdbe.value.Mem;
import java.util.Locale;

/**
 * printf(FORMAT, ...) / format(): the common subset of SQLite's printf (lang_corefunc "printf"):
 * flags {@code - + space 0 # !}, width, precision (also {@code *}), conversions
 * {@code d i u x X o c s q Q w f e E g G %}. A missing argument reads as NULL (0 or the empty
 * string). NULL format gives NULL. Floating-point conversions are SQLite 3.40's, digit for digit
 * ({@link FloatFormat}).
 */
final class Printf {
    private Printf() {
    }

    static void printf(Mem[] a, Mem out) {
        if (a.length == 0 || a[0].isNull()) {
            out.setNull();
            return;
        }
        String f = ScalarFunctions.cText(a[0]);
        if (f.isEmpty()) {
            out.setNull(); // nothing formatted: SQLite returns NULL
            return;
        }
        StringBuilder sb = new StringBuilder();
        int arg = 1;
        int n = f.length();
        for (int i = 0; i < n; i++) {
            char c = f.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (++i >= n) {
                break;
            }
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean zero = false;
            boolean alt = false;
            boolean bang = false;
            for (; i < n; i++) {
                char fl = f.charAt(i);
                if (fl == '-') {
                    left = true;
                } else if (fl == '+') {
                    plus = true;
                } else if (fl == ' ') {
                    space = true;
                } else if (fl == '0') {
                    zero = true;
                } else if (fl == '#') {
                    alt = true;
                } else if (fl == '!') {
                    bang = true;
                } else if (fl == ',') {
                    continue; // thousands separators: not supported, ignored
                } else {
                    break;
                }
            }
            int width = 0;
            if (i < n && f.charAt(i) == '*') {
                width = (int) argAt(a, arg++).asLong();
                if (width < 0) {
                    left = true;
                    width = -width;
                }
                i++;
            } else {
                while (i < n && Character.isDigit(f.charAt(i))) {
                    width = width * 10 + (f.charAt(i++) - '0');
                }
            }
            int precision = -1;
            if (i < n && f.charAt(i) == '.') {
                i++;
                precision = 0;
                if (i < n && f.charAt(i) == '*') {
                    precision = (int) Math.max(0, argAt(a, arg++).asLong());
                    i++;
                } else {
                    while (i < n && Character.isDigit(f.charAt(i))) {
                        precision = precision * 10 + (f.charAt(i++) - '0');
                    }
                }
            }
            while (i < n && f.charAt(i) == 'l') {
                i++;
            }
            if (i >= n) {
                break;
            }
            char conv = f.charAt(i);
            String body;
            boolean numeric = true;
            switch (conv) {
                case '%' -> {
                    sb.append('%');
                    continue;
                }
                case 'd', 'i', 'u' -> {
                    long v = argAt(a, arg++).asLong();
                    body = Long.toString(conv == 'u' && v < 0 ? -v : v);
                    if (v >= 0 && plus) {
                        body = "+" + body;
                    } else if (v >= 0 && space) {
                        body = " " + body;
                    }
                    if (precision > 0) {
                        body = padDigits(body, precision);
                    }
                }
                case 'x', 'X', 'o' -> {
                    long v = argAt(a, arg++).asLong();
                    body = conv == 'o' ? Long.toOctalString(v) : Long.toHexString(v);
                    if (conv == 'X') {
                        body = body.toUpperCase(Locale.ROOT);
                    }
                    if (alt && v != 0) {
                        body = (conv == 'o' ? "0" : conv == 'x' ? "0x" : "0X") + body;
                    }
                }
                case 'f', 'e', 'E', 'g', 'G' -> {
                    Mem m = argAt(a, arg++);
                    double v = m.asDouble();
                    char prefix = plus ? '+' : space ? ' ' : (char) 0;
                    body = FloatFormat.format(v, conv, precision, alt, bang, prefix);
                    // SQLite pads an infinity with spaces even under the 0 flag
                    numeric = Double.isFinite(v);
                }
                case 'c' -> {
                    numeric = false;
                    String s = argAt(a, arg++).asText();
                    body = s == null || s.isEmpty() ? "\0" : new String(Character.toChars(s.codePointAt(0)));
                }
                case 's', 'z' -> {
                    numeric = false;
                    Mem m = argAt(a, arg++);
                    String s = m.isNull() ? "" : m.asText();
                    if (precision >= 0 && s.codePointCount(0, s.length()) > precision) {
                        s = s.substring(0, s.offsetByCodePoints(0, precision));
                    }
                    body = s;
                }
                case 'q', 'Q', 'w' -> {
                    numeric = false;
                    Mem m = argAt(a, arg++);
                    if (m.isNull()) {
                        body = conv == 'Q' ? "NULL" : conv == 'w' ? "" : "(NULL)";
                    } else {
                        char quote = conv == 'w' ? '"' : '\'';
                        String s = m.asText().replace(String.valueOf(quote), "" + quote + quote);
                        body = conv == 'Q' ? "'" + s + "'" : s;
                    }
                }
                default -> {
                    // unknown conversion: SQLite stops formatting here
                    out.setText(sb.toString());
                    return;
                }
            }
            int len = body.codePointCount(0, body.length());
            if (len < width) {
                String pad;
                if (left) {
                    body = body + " ".repeat(width - len);
                } else if (zero && numeric) {
                    int sign = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
                    pad = "0".repeat(width - len);
                    body = body.substring(0, sign) + pad + body.substring(sign);
                } else {
                    body = " ".repeat(width - len) + body;
                }
            }
            sb.append(body);
        }
        out.setText(sb.toString());
    }

    private static Mem argAt(Mem[] a, int i) {
        return i < a.length ? a[i] : new Mem();
    }

    private static String padDigits(String body, int precision) {
        int sign = body.startsWith("-") || body.startsWith("+") || body.startsWith(" ") ? 1 : 0;
        int digits = body.length() - sign;
        if (digits >= precision) {
            return body;
        }
        return body.substring(0, sign) + "0".repeat(precision - digits) + body.substring(sign);
    }
}
