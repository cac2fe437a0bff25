package io.ringlite.storage.wal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The byte layout of a SQLite write-ahead log ("WAL-mode File Format" and "Database File
 * Format" section 4 of the SQLite documentation) and its checksum.
 *
 * <p>WAL header, 32 bytes, big-endian integers:
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+---------------------------------------------------------------
 *    0   |   4  | magic: 0x377f0682 (checksums over little-endian words) or
 *        |      |        0x377f0683 (checksums over big-endian words)
 *    4   |   4  | file format version, 3007000
 *    8   |   4  | database page size
 *   12   |   4  | checkpoint sequence number
 *   16   |   4  | salt-1: incremented at every WAL restart
 *   20   |   4  | salt-2: a fresh random value at every WAL restart
 *   24   |   4  | checksum-1 \ over bytes 0..23 of this header
 *   28   |   4  | checksum-2 /
 * </pre>
 *
 * <p>Each frame is a 24-byte frame header followed by one page image:
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+---------------------------------------------------------------
 *    0   |   4  | page number
 *    4   |   4  | for a commit frame: database size in pages after the commit; else 0
 *    8   |   4  | salt-1, copied from the WAL header
 *   12   |   4  | salt-2, copied from the WAL header
 *   16   |   4  | checksum-1 \ cumulative: seeded with the previous frame's checksum
 *   20   |   4  | checksum-2 / (the header's for frame 1), over frame bytes 0..7 + page
 * </pre>
 *
 * <p>A frame is valid when its salts equal the header's and its checksum matches; the log ends
 * at the last valid commit frame (everything after it is a transaction that never committed).
 */
public final class WalFormat {

    public static final int HEADER_SIZE = 32;
    public static final int FRAME_HEADER_SIZE = 24;
    public static final int MAGIC_LE = 0x377f0682;
    public static final int MAGIC_BE = 0x377f0683;
    public static final int VERSION = 3007000;

    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private WalFormat() {
    }

    /** Byte offset of frame {@code frame} (1-based) in the WAL file. */
    public static long frameOffset(long frame, int pageSize) {
        assert frame >= 1;
        return HEADER_SIZE + (frame - 1) * (long) (FRAME_HEADER_SIZE + pageSize);
    }

    /** Byte offset of the page image of frame {@code frame}. */
    public static long framePageOffset(long frame, int pageSize) {
        return frameOffset(frame, pageSize) + FRAME_HEADER_SIZE;
    }

    public static int getInt(MemorySegment s, long offset) {
        return s.get(BE_INT, offset);
    }

    public static void putInt(MemorySegment s, long offset, int value) {
        s.set(BE_INT, offset, value);
    }

    /**
     * SQLite's WAL checksum over {@code length} bytes (a multiple of 8) of {@code data} from
     * {@code offset}, continuing from the running sums {@code s0}, {@code s1}. Words are read in
     * the order the magic selects. Returns both sums packed as {@code (s0 << 32) | s1} so the
     * commit path allocates nothing per frame.
     */
    public static long checksum(MemorySegment data, long offset, long length, boolean bigEndian,
                                int s0, int s1) {
        if ((length & 7) != 0) {
            throw new IllegalStateException("invariant: checksum length " + length + " not a multiple of 8");
        }
        ValueLayout.OfInt layout = bigEndian ? BE_INT : LE_INT;
        long end = offset + length;
        for (long i = offset; i < end; i += 8) {
            s0 += data.get(layout, i) + s1;
            s1 += data.get(layout, i + 4) + s0;
        }
        return pack(s0, s1);
    }

    public static long pack(int s0, int s1) {
        return ((long) s0 << 32) | (s1 & 0xffffffffL);
    }

    public static int first(long packed) {
        return (int) (packed >>> 32);
    }

    public static int second(long packed) {
        return (int) packed;
    }

    /** A parsed, checksum-verified WAL header. */
    public record Header(boolean bigEndian, int pageSize, int checkpointSeq, int salt1, int salt2,
                         long checksum) {

        /** Parses and verifies; null if the header is not a valid WAL header (SQLite then ignores the log). */
        public static Header parse(MemorySegment h) {
            if (h.byteSize() < HEADER_SIZE) {
                return null;
            }
            int magic = getInt(h, 0);
            if (magic != MAGIC_LE && magic != MAGIC_BE) {
                return null;
            }
            boolean be = magic == MAGIC_BE;
            if (getInt(h, 4) != VERSION) {
                return null;
            }
            int pageSize = getInt(h, 8);
            if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
                return null;
            }
            long sum = WalFormat.checksum(h, 0, 24, be, 0, 0);
            if (first(sum) != getInt(h, 24) || second(sum) != getInt(h, 28)) {
                return null;
            }
            return new Header(be, pageSize, getInt(h, 12), getInt(h, 16), getInt(h, 20), sum);
        }

        /** Writes this header (with a freshly computed checksum) into the first 32 bytes of {@code h}. */
        public Header write(MemorySegment h) {
            putInt(h, 0, bigEndian ? MAGIC_BE : MAGIC_LE);
            putInt(h, 4, VERSION);
            putInt(h, 8, pageSize);
            putInt(h, 12, checkpointSeq);
            putInt(h, 16, salt1);
            putInt(h, 20, salt2);
            long sum = WalFormat.checksum(h, 0, 24, bigEndian, 0, 0);
            putInt(h, 24, first(sum));
            putInt(h, 28, second(sum));
            return new Header(bigEndian, pageSize, checkpointSeq, salt1, salt2, sum);
        }
    }

    /**
     * Fills the 24-byte frame header at {@code frame[0..23]} for the page image at
     * {@code frame[24..]} and returns the new running checksum.
     */
    public static long writeFrameHeader(MemorySegment frame, Header header, int pageNumber,
                                        int commitSize, long previousChecksum) {
        int pageSize = header.pageSize();
        putInt(frame, 0, pageNumber);
        putInt(frame, 4, commitSize);
        putInt(frame, 8, header.salt1());
        putInt(frame, 12, header.salt2());
        long sum = checksum(frame, 0, 8, header.bigEndian(), first(previousChecksum), second(previousChecksum));
        sum = checksum(frame, FRAME_HEADER_SIZE, pageSize, header.bigEndian(), first(sum), second(sum));
        putInt(frame, 16, first(sum));
        putInt(frame, 20, second(sum));
        return sum;
    }

    /**
     * Verifies one frame (header + page image) at {@code frameOffset} of {@code frame}, read back
     * from the log. Sets {@code valid[0]} and returns the new running checksum (the previous one,
     * unchanged, when the page number is 0 or the salts or the checksum do not match).
     */
    public static long verifyFrame(MemorySegment frame, long frameOffset, Header header, long previousChecksum,
                                   boolean[] valid) {
        int pageSize = header.pageSize();
        valid[0] = false;
        if (getInt(frame, frameOffset + 8) != header.salt1() || getInt(frame, frameOffset + 12) != header.salt2()) {
            return previousChecksum;
        }
        if (getInt(frame, frameOffset) == 0) {
            return previousChecksum;
        }
        long sum = checksum(frame, frameOffset, 8, header.bigEndian(), first(previousChecksum), second(previousChecksum));
        sum = checksum(frame, frameOffset + FRAME_HEADER_SIZE, pageSize, header.bigEndian(), first(sum), second(sum));
        if (first(sum) != getInt(frame, frameOffset + 16) || second(sum) != getInt(frame, frameOffset + 20)) {
            return previousChecksum;
        }
        valid[0] = true;
        return sum;
    }
}
