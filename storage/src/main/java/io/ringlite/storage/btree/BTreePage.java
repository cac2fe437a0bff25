package io.ringlite.storage.btree;

import io.ringlite.storage.error.DatabaseException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the layout of one B-tree page (SQLite file format, "B-tree Pages").
 *
 * <p>A page is: [100-byte file header, page 1 only] [page header] [cell pointer array]
 * [unallocated space] [cell content area] [reserved bytes]. The header starts at offset
 * {@code h} = 100 on page 1 and 0 elsewhere; all offsets stored in the page are relative to the
 * page start, not to {@code h}.
 *
 * <pre>
 * OFFSET | SIZE | DESCRIPTION (page header, relative to h)
 * -------+------+-------------------------------------------------------------------------
 *   0    |  1   | page type: 0x02 index interior, 0x05 table interior, 0x0A index leaf,
 *        |      | 0x0D table leaf
 *   1    |  2   | offset of the first freeblock, 0 if none
 *   3    |  2   | number of cells
 *   5    |  2   | start of the cell content area; 0 means 65536
 *   7    |  1   | fragmented free bytes inside the cell content area
 *   8    |  4   | right-most child page (interior pages only)
 * </pre>
 *
 * <pre>
 * OFFSET | SIZE | DESCRIPTION (cell pointer array, starting right after the page header)
 * -------+------+-------------------------------------------------------------------------
 *  2*i   |  2   | offset of cell i (cells are in key order)
 * </pre>
 *
 * <pre>
 * OFFSET | SIZE | DESCRIPTION (freeblock, inside the cell content area)
 * -------+------+-------------------------------------------------------------------------
 *   0    |  2   | offset of the next freeblock (strictly increasing), 0 at the end
 *   2    |  2   | size of this freeblock in bytes, including these 4
 * </pre>
 *
 * <pre>
 * Cells:  table leaf   varint payload size P, varint rowid, local payload, [4-byte first overflow]
 *         table interior  4-byte left child, varint rowid (the largest rowid in that child)
 *         index leaf   varint P, local payload, [4-byte first overflow]
 *         index interior  4-byte left child, varint P, local payload, [4-byte first overflow]
 * </pre>
 *
 * <p>Invariants this class keeps (and checks when reading, since page bytes are input):
 * <ol>
 *   <li>h + header size + 2*cells &lt;= content start &lt;= usable size.</li>
 *   <li>Every cell lies inside [content start, usable size).</li>
 *   <li>Freeblocks lie inside the content area, in strictly increasing order (so a corrupt
 *       chain cannot cycle); those this class makes are at least 4 bytes long and at least 4
 *       bytes apart (smaller runs are counted as fragments), as SQLite requires.</li>
 *   <li>Every cell occupies at least {@link #MIN_CELL} bytes.</li>
 *   <li>{@link #write} packs the cells at the end of the usable area: no freeblocks, no
 *       fragments. {@link #removeCell} frees in place.</li>
 * </ol>
 * Corrupt bytes raise {@link DatabaseException#corrupt}; no read leaves the usable area.
 */
final class BTreePage {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The least space a cell occupies on a page; shorter cells are padded. */
    static final int MIN_CELL = 4;
    /** Fragmented bytes beyond which a page is rewritten (defragmented), as SQLite does. */
    static final int MAX_FRAGMENTS = 60;

    private BTreePage() {
    }

    static int headerOffset(int pageNo) {
        return pageNo == 1 ? 100 : 0;
    }

    static int u8(MemorySegment d, int off) {
        return d.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    static int u16(MemorySegment d, int off) {
        return d.get(U16, off) & 0xffff;
    }

    static int u32(MemorySegment d, int off) {
        return d.get(U32, off);
    }

    /**
     * Validates the header of page {@code pageNo} (invariant 1) and returns its type.
     */
    static PageType check(MemorySegment d, int pageNo, int usable) {
        int h = headerOffset(pageNo);
        PageType type = PageType.of(u8(d, h));
        if (type == null) {
            throw DatabaseException.corrupt(pageNo, "invalid b-tree page type " + u8(d, h));
        }
        int cells = u16(d, h + 3);
        int content = contentStart(d, h);
        if (h + type.headerSize() + 2 * cells > content || content > usable) {
            throw DatabaseException.corrupt(pageNo, "cell count " + cells + " or content start " + content
                    + " out of range");
        }
        return type;
    }

    static int cellCount(MemorySegment d, int h) {
        return u16(d, h + 3);
    }

    static int contentStart(MemorySegment d, int h) {
        int c = u16(d, h + 5);
        return c == 0 ? 65536 : c;
    }

    static int rightChild(MemorySegment d, int h) {
        return u32(d, h + 8);
    }

    /** Offset of cell {@code i}, checked to lie in the content area (invariant 2, first byte). */
    static int cellOffset(MemorySegment d, int h, PageType type, int i, int usable, int pageNo) {
        assert i >= 0 && i < cellCount(d, h) : "invariant: cell index " + i;
        int off = u16(d, h + type.headerSize() + 2 * i);
        if (off < contentStart(d, h) || off >= usable) {
            throw DatabaseException.corrupt(pageNo, "cell pointer " + off + " out of range");
        }
        return off;
    }

    /** Size in bytes of the cell at {@code off}, checked to end inside the usable area. */
    static int cellSize(MemorySegment d, int off, PageType type, int usable, int pageNo) {
        int p = off;
        if (!type.leaf) {
            p += 4;
        }
        if (type == PageType.TABLE_INTERIOR) {
            p += Varints.length(d, p, usable, pageNo);
        } else {
            long payload = Varints.read(d, p, usable, pageNo);
            p += Varints.length(d, p, usable, pageNo);
            if (type == PageType.TABLE_LEAF) {
                p += Varints.length(d, p, usable, pageNo);
            }
            if (payload < 0) {
                throw DatabaseException.corrupt(pageNo, "negative payload size");
            }
            int local = PayloadRules.localSize(type, payload, usable);
            p += local + (local < payload ? 4 : 0);
        }
        if (p > usable) {
            throw DatabaseException.corrupt(pageNo, "cell at " + off + " extends past the page");
        }
        // SQLite gives every cell at least 4 bytes (room for a freeblock header once freed)
        return Math.max(MIN_CELL, p - off);
    }

    /**
     * Bytes available for new cells (including their pointers): the gap between the pointer
     * array and the content area, plus freeblocks, plus fragments.
     */
    static int freeSpace(MemorySegment d, int pageNo, PageType type, int usable) {
        int h = headerOffset(pageNo);
        int content = contentStart(d, h);
        int free = content - (h + type.headerSize() + 2 * cellCount(d, h)) + u8(d, h + 7);
        int fb = u16(d, h + 1);
        int prevEnd = content;
        while (fb != 0) {
            if (fb < prevEnd || fb + 4 > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + fb + " out of order or range");
            }
            int size = u16(d, fb + 2);
            if (size < 4 || fb + size > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + fb + " has bad size " + size);
            }
            free += size;
            prevEnd = fb + size;
            fb = u16(d, fb);
        }
        return free;
    }

    /** The gap between the cell pointer array and the content area. */
    static int gap(MemorySegment d, int pageNo, PageType type) {
        int h = headerOffset(pageNo);
        return contentStart(d, h) - (h + type.headerSize() + 2 * cellCount(d, h));
    }

    /** Space for cells and pointers on an empty page of this number and type. */
    static int capacity(int pageNo, PageType type, int usable) {
        return usable - headerOffset(pageNo) - type.headerSize();
    }

    /** Copies of all cells of the page, in order. */
    static List<byte[]> cells(MemorySegment d, int pageNo, PageType type, int usable) {
        int h = headerOffset(pageNo);
        int n = cellCount(d, h);
        List<byte[]> out = new ArrayList<>(n + 2);
        for (int i = 0; i < n; i++) {
            int off = cellOffset(d, h, type, i, usable, pageNo);
            int size = cellSize(d, off, type, usable, pageNo);
            out.add(d.asSlice(off, size).toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    /**
     * Rewrites the page (after its owner called markDirty) as {@code type} holding exactly
     * {@code cells}, packed at the end of the usable area (invariant 4). The caller guarantees
     * they fit.
     */
    static void write(MemorySegment d, int pageNo, PageType type, List<byte[]> cells, int rightChild, int usable) {
        int h = headerOffset(pageNo);
        int ptr = h + type.headerSize();
        int content = usable;
        for (byte[] c : cells) {
            content -= c.length;
            MemorySegment.copy(c, 0, d, ValueLayout.JAVA_BYTE, content, c.length);
            d.set(U16, ptr, (short) content);
            ptr += 2;
        }
        if (ptr > content) {
            throw new IllegalStateException("invariant: " + cells.size() + " cells overflow page " + pageNo);
        }
        d.asSlice(ptr, content - ptr).fill((byte) 0);
        d.set(ValueLayout.JAVA_BYTE, h, (byte) type.flag);
        d.set(U16, h + 1, (short) 0);
        d.set(U16, h + 3, (short) cells.size());
        d.set(U16, h + 5, (short) (content == 65536 ? 0 : content));
        d.set(ValueLayout.JAVA_BYTE, h + 7, (byte) 0);
        if (!type.leaf) {
            d.set(U32, h + 8, rightChild);
        }
    }

    /** Total bytes (cells plus pointers) that {@code cells} need on a page. */
    static int spaceNeeded(List<byte[]> cells) {
        int s = 0;
        for (byte[] c : cells) {
            s += c.length + 2;
        }
        return s;
    }

    /**
     * Inserts {@code cell} as cell {@code idx} in place, using the gap. The caller checked that
     * the gap holds the cell and its pointer.
     */
    static void insertInGap(MemorySegment d, int pageNo, PageType type, int idx, byte[] cell) {
        int h = headerOffset(pageNo);
        int n = cellCount(d, h);
        int content = contentStart(d, h) - cell.length;
        int ptrs = h + type.headerSize();
        if (content < ptrs + 2 * (n + 1)) {
            throw new IllegalStateException("invariant: no gap for a " + cell.length + "-byte cell on page " + pageNo);
        }
        MemorySegment.copy(cell, 0, d, ValueLayout.JAVA_BYTE, content, cell.length);
        MemorySegment.copy(d, ptrs + 2 * idx, d, ptrs + 2 * idx + 2, 2L * (n - idx));
        d.set(U16, ptrs + 2 * idx, (short) content);
        d.set(U16, h + 3, (short) (n + 1));
        d.set(U16, h + 5, (short) content);
    }

    /**
     * Inserts {@code cell} as cell {@code idx} in place if the page has room for it and its
     * pointer, the way SQLite allocates cell space: from the gap when it is big enough, else
     * from the first freeblock that holds the cell (a remainder under 4 bytes becomes
     * fragments), else by {@link #defragment defragmenting} the page first when its total free
     * space suffices. Returns false, changing nothing, when the page cannot hold the cell (the
     * caller balances). The caller marked the page dirty.
     */
    static boolean insertCell(MemorySegment d, int pageNo, PageType type, int idx, byte[] cell, int usable, byte[] scratch) {
        int len = cell.length;
        int gap = gap(d, pageNo, type);
        if (gap >= len + 2) {
            insertInGap(d, pageNo, type, idx, cell);
            return true;
        }
        if (gap >= 2) {
            int at = takeFreeblock(d, pageNo, len, usable);
            if (at > 0) {
                MemorySegment.copy(cell, 0, d, ValueLayout.JAVA_BYTE, at, len);
                insertPointer(d, pageNo, type, idx, at);
                return true;
            }
        }
        if (freeSpace(d, pageNo, type, usable) >= len + 2) {
            defragment(d, pageNo, type, usable, scratch);
            insertInGap(d, pageNo, type, idx, cell);
            return true;
        }
        return false;
    }

    /**
     * Carves {@code len} bytes out of the first freeblock that holds them: the end of the block
     * when at least 4 bytes remain (the block shrinks), else the whole block (unlinked, the rest
     * counted as fragments, unless that would pass {@link #MAX_FRAGMENTS}). Returns the offset,
     * or 0 when no freeblock fits.
     */
    private static int takeFreeblock(MemorySegment d, int pageNo, int len, int usable) {
        int h = headerOffset(pageNo);
        int link = h + 1;
        int fb = u16(d, link);
        int prevEnd = 0;
        while (fb != 0) {
            if (fb <= prevEnd || fb + 4 > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + fb + " out of order or range");
            }
            int size = u16(d, fb + 2);
            if (size < 4 || fb + size > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + fb + " has bad size " + size);
            }
            if (size >= len) {
                int rest = size - len;
                if (rest >= MIN_CELL) {
                    d.set(U16, fb + 2, (short) rest);
                    return fb + rest;
                }
                int frag = u8(d, h + 7) + rest;
                if (frag > MAX_FRAGMENTS) {
                    return 0;
                }
                d.set(U16, link, (short) u16(d, fb));
                d.set(ValueLayout.JAVA_BYTE, h + 7, (byte) frag);
                return fb;
            }
            prevEnd = fb + size;
            link = fb;
            fb = u16(d, fb);
        }
        return 0;
    }

    /** Inserts pointer {@code off} as entry {@code idx} of the cell pointer array (room checked). */
    private static void insertPointer(MemorySegment d, int pageNo, PageType type, int idx, int off) {
        int h = headerOffset(pageNo);
        int n = cellCount(d, h);
        int ptrs = h + type.headerSize();
        MemorySegment.copy(d, ptrs + 2L * idx, d, ptrs + 2L * idx + 2, 2L * (n - idx));
        d.set(U16, ptrs + 2 * idx, (short) off);
        d.set(U16, h + 3, (short) (n + 1));
    }

    /**
     * Packs the page's cells at the end of the usable area in pointer order (no freeblocks, no
     * fragments), keeping the cell order; the caller marked the page dirty. The old content area
     * is copied once into {@code scratch} (at least {@code usable} bytes, reused by the caller);
     * no allocation per cell.
     */
    static void defragment(MemorySegment d, int pageNo, PageType type, int usable, byte[] scratch) {
        int h = headerOffset(pageNo);
        int n = cellCount(d, h);
        int from = contentStart(d, h);
        if (from > usable) {
            throw DatabaseException.corrupt(pageNo, "content start " + from + " past the usable size");
        }
        MemorySegment.copy(d, ValueLayout.JAVA_BYTE, from, scratch, from, usable - from);
        MemorySegment old = MemorySegment.ofArray(scratch);
        int ptr = h + type.headerSize();
        int content = usable;
        for (int i = 0; i < n; i++) {
            int off = cellOffset(d, h, type, i, usable, pageNo);
            int size = cellSize(old, off, type, usable, pageNo);
            content -= size;
            if (content < ptr + 2 * n) {
                throw DatabaseException.corrupt(pageNo, "cells overlap: their sizes exceed the page");
            }
            MemorySegment.copy(scratch, off, d, ValueLayout.JAVA_BYTE, content, size);
            d.set(U16, ptr + 2 * i, (short) content);
        }
        int end = ptr + 2 * n;
        d.asSlice(end, content - end).fill((byte) 0);
        d.set(U16, h + 1, (short) 0);
        d.set(U16, h + 5, (short) (content == 65536 ? 0 : content));
        d.set(ValueLayout.JAVA_BYTE, h + 7, (byte) 0);
    }

    /** A copy of cell {@code i} of the page. */
    static byte[] cell(MemorySegment d, int pageNo, PageType type, int i, int usable) {
        int off = cellOffset(d, headerOffset(pageNo), type, i, usable, pageNo);
        return d.asSlice(off, cellSize(d, off, type, usable, pageNo)).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Removes cell {@code idx} in place: its pointer leaves the array and its bytes join the
     * free space by SQLite's rules: a run that starts the content area moves the content start;
     * otherwise it becomes a freeblock, in offset order, merged with a neighbour freeblock that
     * is less than 4 bytes away (the bytes between were fragments); a run under 4 bytes that
     * cannot merge becomes fragments. Returns the page's fragmented byte count afterwards, which
     * the caller keeps at or under {@link #MAX_FRAGMENTS} by rewriting the page.
     */
    static int removeCell(MemorySegment d, int pageNo, PageType type, int idx, int usable) {
        int h = headerOffset(pageNo);
        int n = cellCount(d, h);
        int start = cellOffset(d, h, type, idx, usable, pageNo);
        int end = start + cellSize(d, start, type, usable, pageNo);
        int ptrs = h + type.headerSize();
        MemorySegment.copy(d, ptrs + 2L * idx + 2, d, ptrs + 2L * idx, 2L * (n - idx - 1));
        d.set(U16, ptrs + 2 * (n - 1), (short) 0);
        d.set(U16, h + 3, (short) (n - 1));

        int frag = u8(d, h + 7);
        int prev = 0;
        int next = u16(d, h + 1);
        while (next != 0 && next < start) {
            if (next + 4 > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + next + " out of range");
            }
            int after = u16(d, next);
            if (after != 0 && after <= next) {
                throw DatabaseException.corrupt(pageNo, "freeblock list out of order");
            }
            prev = next;
            next = after;
        }
        if (next != 0) {
            if (next < end || next + 4 > usable) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + next + " overlaps a cell");
            }
            if (next - end < MIN_CELL) {
                frag -= next - end;
                int nextEnd = next + u16(d, next + 2);
                if (nextEnd > usable) {
                    throw DatabaseException.corrupt(pageNo, "freeblock at " + next + " extends past the page");
                }
                end = nextEnd;
                next = u16(d, next);
            }
        }
        if (prev != 0) {
            int prevEnd = prev + u16(d, prev + 2);
            if (prevEnd > start) {
                throw DatabaseException.corrupt(pageNo, "freeblock at " + prev + " overlaps a cell");
            }
            if (start - prevEnd < MIN_CELL) {
                frag -= start - prevEnd;
                start = prev;
            }
        }
        if (frag < 0) {
            throw DatabaseException.corrupt(pageNo, "fragmented byte count too small");
        }
        int linkAt = h + 1;
        if (prev != 0 && prev != start) {
            linkAt = prev;
        } else if (prev == start) {
            // merged into prev: find the link that points at prev
            linkAt = h + 1;
            for (int fb = u16(d, h + 1); fb != prev; fb = u16(d, fb)) {
                linkAt = fb;
            }
        }
        if (start == contentStart(d, h)) {
            d.set(U16, linkAt, (short) next);
            d.set(U16, h + 5, (short) (end == 65536 ? 0 : end));
        } else if (end - start < MIN_CELL) {
            frag += end - start;
            d.set(U16, linkAt, (short) next);
        } else {
            d.set(U16, start, (short) next);
            d.set(U16, start + 2, (short) (end - start));
            d.set(U16, linkAt, (short) start);
        }
        d.set(ValueLayout.JAVA_BYTE, h + 7, (byte) Math.min(255, frag));
        return frag;
    }

    static void setRightChild(MemorySegment d, int pageNo, int child) {
        d.set(U32, headerOffset(pageNo) + 8, child);
    }
}
