package io.ringlite.storage.btree;

/**
 * The four B-tree page kinds, by the flag byte at offset 0 of the page header (SQLite file
 * format, "B-tree Pages"). Any other value on a B-tree page is corruption.
 *
 * <p>Interior pages carry a 12-byte header (the extra 4 bytes are the right-most child page);
 * leaf pages an 8-byte one.
 */
enum PageType {
    INDEX_INTERIOR(0x02, false, false),
    TABLE_INTERIOR(0x05, false, true),
    INDEX_LEAF(0x0A, true, false),
    TABLE_LEAF(0x0D, true, true);

    final int flag;
    final boolean leaf;
    final boolean table;

    PageType(int flag, boolean leaf, boolean table) {
        this.flag = flag;
        this.leaf = leaf;
        this.table = table;
    }

    int headerSize() {
        return leaf ? 8 : 12;
    }

    /** The type of the given flag byte, or null if it is no B-tree page type. */
    static PageType of(int flag) {
        return switch (flag) {
            case 0x02 -> INDEX_INTERIOR;
            case 0x05 -> TABLE_INTERIOR;
            case 0x0A -> INDEX_LEAF;
            case 0x0D -> TABLE_LEAF;
            default -> null;
        };
    }

    /** The interior type of the same tree kind (used when a root grows a level). */
    PageType interior() {
        return table ? TABLE_INTERIOR : INDEX_INTERIOR;
    }
}
