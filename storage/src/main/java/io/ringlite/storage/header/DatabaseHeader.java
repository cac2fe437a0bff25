package io.ringlite.storage.header;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 100-byte header at the start of every SQLite database file (page 1), as specified in
 * "Database File Format", section 1.3 of the SQLite documentation.
 *
 * <p>On-disk format (all multi-byte integers big-endian):
 * <pre>
 * OFFSET | SIZE | DESCRIPTION
 * -------+------+----------------------------------------------------------------------
 *    0   |  16  | "SQLite format 3\0"
 *   16   |   2  | page size; 1 means 65536; a power of two 512..32768 otherwise
 *   18   |   1  | file format write version: 1 = legacy (rollback journal), 2 = WAL
 *   19   |   1  | file format read version:  1 = legacy, 2 = WAL
 *   20   |   1  | reserved bytes at the end of each page (usable size = page size - this)
 *   21   |   1  | max embedded payload fraction, must be 64
 *   22   |   1  | min embedded payload fraction, must be 32
 *   23   |   1  | leaf payload fraction, must be 32
 *   24   |   4  | file change counter
 *   28   |   4  | database size in pages (valid only if offset 92 equals offset 24)
 *   32   |   4  | first freelist trunk page, 0 if none
 *   36   |   4  | total number of freelist pages
 *   40   |   4  | schema cookie
 *   44   |   4  | schema format number (1..4)
 *   48   |   4  | default page cache size
 *   52   |   4  | largest root b-tree page (auto/incremental vacuum), else 0
 *   56   |   4  | text encoding: 1 UTF-8, 2 UTF-16le, 3 UTF-16be
 *   60   |   4  | user version
 *   64   |   4  | incremental vacuum mode (non-zero = incremental)
 *   68   |   4  | application id
 *   72   |  20  | reserved for expansion, must be zero
 *   92   |   4  | version-valid-for: the change counter value when offset 96 was stored
 *   96   |   4  | SQLITE_VERSION_NUMBER of the library that last wrote the file
 * </pre>
 *
 * <p>This class only interprets bytes; it holds no state. The pager owns page 1 and goes through
 * the offsets below for every read and write of a header field.
 */
public final class DatabaseHeader {

    public static final int SIZE = 100;
    public static final int OFF_PAGE_SIZE = 16;
    public static final int OFF_WRITE_VERSION = 18;
    public static final int OFF_READ_VERSION = 19;
    public static final int OFF_RESERVED = 20;
    public static final int OFF_CHANGE_COUNTER = 24;
    public static final int OFF_PAGE_COUNT = 28;
    public static final int OFF_FREELIST_TRUNK = 32;
    public static final int OFF_FREELIST_COUNT = 36;
    public static final int OFF_SCHEMA_COOKIE = 40;
    public static final int OFF_SCHEMA_FORMAT = 44;
    public static final int OFF_DEFAULT_CACHE_SIZE = 48;
    public static final int OFF_LARGEST_ROOT = 52;
    public static final int OFF_TEXT_ENCODING = 56;
    public static final int OFF_USER_VERSION = 60;
    public static final int OFF_INCREMENTAL_VACUUM = 64;
    public static final int OFF_APPLICATION_ID = 68;
    public static final int OFF_VERSION_VALID_FOR = 92;
    public static final int OFF_SQLITE_VERSION = 96;

    /** The version number we stamp at offset 96: the SQLite release whose format we follow. */
    public static final int WRITER_VERSION_NUMBER = 3_040_001;

    /** Default page size of a new database (SQLite's default since 3.12.0). */
    public static final int DEFAULT_PAGE_SIZE = 4096;

    /** Smallest usable size SQLite accepts (file format section 1.3.4). */
    public static final int MIN_USABLE_SIZE = 480;

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The facts of a validated header that the pager needs to open the file. */
    public record Info(int pageSize, int reservedBytes, int writeVersion, int readVersion,
                       int changeCounter, int pageCountField, int versionValidFor,
                       int textEncoding, int largestRootPage) {

        public int usableSize() {
            return pageSize - reservedBytes;
        }

        /** The in-header page count is trusted only when SQLite's rule (offset 92 == 24) holds. */
        public boolean pageCountValid() {
            return pageCountField > 0 && changeCounter == versionValidFor;
        }

        public boolean walMode() {
            return writeVersion == 2 || readVersion == 2;
        }
    }

    private DatabaseHeader() {
    }

    public static int getInt(MemorySegment page1, int offset) {
        return page1.get(BE_INT, offset);
    }

    public static void putInt(MemorySegment page1, int offset, int value) {
        page1.set(BE_INT, offset, value);
    }

    /** True if {@code n} is a page size SQLite accepts (512..65536, a power of two). */
    public static boolean isValidPageSize(int n) {
        return n >= 512 && n <= 65536 && Integer.bitCount(n) == 1;
    }

    /** Decodes the 2-byte page size field (1 stands for 65536). */
    public static int decodePageSize(int field) {
        return field == 1 ? 65536 : field;
    }

    /**
     * Validates the first {@link #SIZE} bytes of a database file.
     *
     * @throws DatabaseException NOTADB "file is not a database" for a wrong magic, page size,
     *     payload fractions or usable size (SQLite rejects the same way), CANTOPEN for a file
     *     format version from the future.
     */
    public static Info validate(MemorySegment header) {
        if (header.byteSize() < SIZE) {
            throw notADatabase();
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw notADatabase();
            }
        }
        int pageSize = decodePageSize(Short.toUnsignedInt(header.get(BE_SHORT, OFF_PAGE_SIZE)));
        if (!isValidPageSize(pageSize)) {
            throw notADatabase();
        }
        int writeVersion = u8(header, OFF_WRITE_VERSION);
        int readVersion = u8(header, OFF_READ_VERSION);
        if (readVersion > 2) {
            // SQLite refuses to read a file whose read version is newer than it knows.
            throw new DatabaseException(ResultCode.CANTOPEN,
                    "unsupported file format (read version " + readVersion + ")");
        }
        if (readVersion < 1 || writeVersion < 1) {
            throw notADatabase();
        }
        int reserved = u8(header, OFF_RESERVED);
        if (u8(header, 21) != 64 || u8(header, 22) != 32 || u8(header, 23) != 32) {
            throw notADatabase();
        }
        if (pageSize - reserved < MIN_USABLE_SIZE) {
            throw notADatabase();
        }
        int encoding = getInt(header, OFF_TEXT_ENCODING);
        if (encoding < 0 || encoding > 3) {
            throw notADatabase();
        }
        return new Info(pageSize, reserved, writeVersion, readVersion,
                getInt(header, OFF_CHANGE_COUNTER), getInt(header, OFF_PAGE_COUNT),
                getInt(header, OFF_VERSION_VALID_FOR), encoding, getInt(header, OFF_LARGEST_ROOT));
    }

    /**
     * Writes page 1 of a new, empty database into {@code page} (which must be {@code pageSize}
     * bytes): the header as sqlite3 3.40 writes it for a WAL database, followed by an empty
     * table-leaf page for sqlite_schema. The page count is 1 and the change counter 1; the pager
     * bumps both at the first commit.
     */
    public static void initialise(MemorySegment page, int pageSize, int reservedBytes) {
        if (!isValidPageSize(pageSize) || reservedBytes < 0 || reservedBytes > 255
                || pageSize - reservedBytes < MIN_USABLE_SIZE) {
            throw new IllegalArgumentException("page size " + pageSize + " with " + reservedBytes
                    + " reserved bytes");
        }
        if (page.byteSize() != pageSize) {
            throw new IllegalStateException("invariant: page segment of " + page.byteSize()
                    + " bytes for page size " + pageSize);
        }
        page.fill((byte) 0);
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, page, 0, MAGIC.length);
        page.set(BE_SHORT, OFF_PAGE_SIZE, (short) (pageSize == 65536 ? 1 : pageSize));
        page.set(ValueLayout.JAVA_BYTE, OFF_WRITE_VERSION, (byte) 2);
        page.set(ValueLayout.JAVA_BYTE, OFF_READ_VERSION, (byte) 2);
        page.set(ValueLayout.JAVA_BYTE, OFF_RESERVED, (byte) reservedBytes);
        page.set(ValueLayout.JAVA_BYTE, 21, (byte) 64);
        page.set(ValueLayout.JAVA_BYTE, 22, (byte) 32);
        page.set(ValueLayout.JAVA_BYTE, 23, (byte) 32);
        putInt(page, OFF_CHANGE_COUNTER, 1);
        putInt(page, OFF_PAGE_COUNT, 1);
        putInt(page, OFF_SCHEMA_FORMAT, 4);
        putInt(page, OFF_TEXT_ENCODING, 1);
        putInt(page, OFF_VERSION_VALID_FOR, 1);
        putInt(page, OFF_SQLITE_VERSION, WRITER_VERSION_NUMBER);
        // B-tree page header of sqlite_schema's root (file format section 1.6): leaf table page
        // (0x0d), no freeblock, no cells, cell content area starting at the usable end.
        int usable = pageSize - reservedBytes;
        page.set(ValueLayout.JAVA_BYTE, SIZE, (byte) 0x0d);
        page.set(BE_SHORT, SIZE + 5, (short) (usable == 65536 ? 0 : usable));
    }

    private static int u8(MemorySegment s, int offset) {
        return Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, offset));
    }

    private static DatabaseException notADatabase() {
        return new DatabaseException(ResultCode.NOTADB, "file is not a database");
    }
}
