package io.ringlite.storage.btree;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal SQLite record codec for tests (serial-type header + body, per the file format
 * document's "Record Format"), so B-tree tests do not depend on the record layer.
 */
final class Records {
    private Records() {
    }

    static byte[] encode(Object... values) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object v : values) {
            switch (v) {
                case null -> header.write(0);
                case Long l -> {
                    putVarint(header, 6);
                    for (int i = 7; i >= 0; i--) {
                        body.write((int) (l >>> (8 * i)));
                    }
                }
                case Double dbl -> {
                    putVarint(header, 7);
                    long bits = Double.doubleToRawLongBits(dbl);
                    for (int i = 7; i >= 0; i--) {
                        body.write((int) (bits >>> (8 * i)));
                    }
                }
                case Integer i -> {
                    putVarint(header, 4);
                    for (int k = 3; k >= 0; k--) {
                        body.write(i >>> (8 * k));
                    }
                }
                case String s -> {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    putVarint(header, 2L * b.length + 13);
                    body.writeBytes(b);
                }
                case byte[] b -> {
                    putVarint(header, 2L * b.length + 12);
                    body.writeBytes(b);
                }
                default -> throw new IllegalArgumentException(v.getClass().toString());
            }
        }
        byte[] h = header.toByteArray();
        int hs = h.length + 1;
        if (hs > 127) {
            hs = h.length + 2;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        putVarint(out, hs);
        out.writeBytes(h);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static List<Object> decode(byte[] r) {
        int[] pos = {0};
        long hs = varint(r, pos);
        List<Long> types = new ArrayList<>();
        while (pos[0] < hs) {
            types.add(varint(r, pos));
        }
        int off = (int) hs;
        List<Object> out = new ArrayList<>();
        for (long t : types) {
            if (t == 0) {
                out.add(null);
            } else if (t >= 1 && t <= 6) {
                int n = t <= 4 ? (int) t : t == 5 ? 6 : 8;
                long v = r[off];
                for (int i = 1; i < n; i++) {
                    v = (v << 8) | (r[off + i] & 0xff);
                }
                out.add(v);
                off += n;
            } else if (t == 7) {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v = (v << 8) | (r[off + i] & 0xff);
                }
                out.add(Double.longBitsToDouble(v));
                off += 8;
            } else if (t == 8 || t == 9) {
                out.add(t - 8);
            } else if (t >= 12 && t % 2 == 0) {
                int n = (int) ((t - 12) / 2);
                out.add(java.util.Arrays.copyOfRange(r, off, off + n));
                off += n;
            } else if (t >= 13) {
                int n = (int) ((t - 13) / 2);
                out.add(new String(r, off, n, StandardCharsets.UTF_8));
                off += n;
            } else {
                throw new IllegalArgumentException("serial type " + t);
            }
        }
        return out;
    }

    private static long varint(byte[] r, int[] pos) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = r[pos[0]++] & 0xff;
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        return (v << 8) | (r[pos[0]++] & 0xff);
    }

    private static void putVarint(ByteArrayOutputStream out, long v) {
        byte[] tmp = new byte[9];
        int n = Varints.write(tmp, 0, v);
        out.write(tmp, 0, n);
    }
}
