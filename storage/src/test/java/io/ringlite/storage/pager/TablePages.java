package io.ringlite.storage.pager;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes small table-leaf B-tree pages by hand (file format sections 1.6 and 2.1), so pager
 * tests can build real SQLite databases without depending on the B-tree layer.
 */
public final class TablePages {
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public record Row(long rowid, byte[] record) {
    }

    private TablePages() {
    }

    /** A record of small values: Long (0..127) or String (short); enough for these tests. */
    public static byte[] record(Object... values) {
        ByteArrayOutputStream types = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object v : values) {
            if (v instanceof Long l) {
                if (l < 0 || l > 127) {
                    throw new IllegalArgumentException("only 0..127 here");
                }
                types.write(1);
                body.write(l.intValue());
            } else if (v instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                anyVarint(types, b.length * 2L + 13);
                body.writeBytes(b);
            } else {
                throw new IllegalArgumentException(String.valueOf(v));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (types.size() + 1 > 127) {
            throw new IllegalArgumentException("record header too long for these tests");
        }
        out.write(types.size() + 1);
        out.writeBytes(types.toByteArray());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /**
     * Formats a table leaf at {@code headerOffset} (100 on page 1) holding {@code rows} (sorted
     * by rowid, every cell small enough to need no overflow).
     */
    public static void writeLeaf(MemorySegment page, int headerOffset, int usableSize, List<Row> rows) {
        page.asSlice(headerOffset, usableSize - headerOffset).fill((byte) 0);
        int content = usableSize;
        int ptr = headerOffset + 8;
        for (Row r : rows) {
            byte[] cell = cell(r);
            content -= cell.length;
            MemorySegment.copy(MemorySegment.ofArray(cell), 0, page, content, cell.length);
            page.set(BE_SHORT, ptr, (short) content);
            ptr += 2;
        }
        if (ptr > content) {
            throw new IllegalArgumentException("rows do not fit");
        }
        page.set(ValueLayout.JAVA_BYTE, headerOffset, (byte) 0x0d);
        page.set(BE_SHORT, headerOffset + 3, (short) rows.size());
        page.set(BE_SHORT, headerOffset + 5, (short) (content == 65536 ? 0 : content));
    }

    private static byte[] cell(Row r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, r.record().length);
        varint(out, r.rowid());
        out.writeBytes(r.record());
        return out.toByteArray();
    }

    /** SQLite's big-endian varint, for values below 2^56 (7 bits per byte, high bit = more). */
    public static void anyVarint(ByteArrayOutputStream out, long v) {
        if (v < 0 || v >= 1L << 56) {
            throw new IllegalArgumentException("varint range for these tests");
        }
        int groups = 1;
        while (groups < 8 && (v >>> (7 * groups)) != 0) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int bits = (int) ((v >>> (7 * g)) & 0x7f);
            out.write(g > 0 ? bits | 0x80 : bits);
        }
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        if (v < 0 || v > 0x3fff) {
            throw new IllegalArgumentException("small varints only");
        }
        if (v > 127) {
            out.write((int) (0x80 | (v >>> 7)));
        }
        out.write((int) (v & 0x7f));
    }
}
