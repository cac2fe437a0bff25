package io.ringlite.storage.btree;

import io.ringlite.storage.record.LocalPayload;

/**
 * The payload-spilling rules ({@link LocalPayload}) in terms of the B-tree's page types.
 */
final class PayloadRules {
    private PayloadRules() {
    }

    static int maxLocal(PageType type, int usable) {
        return LocalPayload.maxLocal(type == PageType.TABLE_LEAF, usable);
    }

    static int minLocal(int usable) {
        return LocalPayload.minLocal(usable);
    }

    /** Bytes of a {@code payloadSize}-byte payload kept on the page itself. */
    static int localSize(PageType type, long payloadSize, int usable) {
        return LocalPayload.localSize(type == PageType.TABLE_LEAF, payloadSize, usable);
    }

    /** Overflow pages a {@code payloadSize}-byte payload needs. */
    static long overflowPages(PageType type, long payloadSize, int usable) {
        long spilled = payloadSize - localSize(type, payloadSize, usable);
        return (spilled + usable - 5) / (usable - 4);
    }
}
