package io.ringlite.storage;

import io.ringlite.storage.header.DatabaseHeader;

/**
 * How {@link Storage} opens a database.
 *
 * @param pageSize page size of a database created by this open (existing files keep theirs);
 *     a power of two 512..65536
 * @param reservedBytes reserved bytes per page of a new database (header byte 20), 0..255
 * @param cacheSize page cache capacity in pages; dirty and pinned pages may exceed it
 * @param synchronous when the WAL and the database file are synced ({@link Synchronous})
 * @param walAutoCheckpoint checkpoint after a commit once the WAL holds this many frames; 0 or
 *     negative disables (SQLite's {@code wal_autocheckpoint}, default 1000)
 * @param readOnly open without write access and with a shared lock
 * @param saltSeed seed of the WAL salts (deterministic simulation); any value in production
 */
public record StorageOptions(int pageSize, int reservedBytes, int cacheSize, Synchronous synchronous,
                             int walAutoCheckpoint, boolean readOnly, long saltSeed) {

    /** SQLite's {@code PRAGMA synchronous} levels as they apply to WAL mode. */
    public enum Synchronous {
        /** Never sync. A crash (of the OS, not the process) may lose or corrupt recent commits. */
        OFF,
        /** Sync the WAL only before a checkpoint and the database after it; a commit is durable once a later sync ran. */
        NORMAL,
        /** Sync the WAL at every commit before the commit completes (SQLite's default). */
        FULL
    }

    public StorageOptions {
        if (!DatabaseHeader.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("page size must be a power of two in 512..65536: " + pageSize);
        }
        if (reservedBytes < 0 || reservedBytes > 255 || pageSize - reservedBytes < DatabaseHeader.MIN_USABLE_SIZE) {
            throw new IllegalArgumentException("reserved bytes " + reservedBytes + " for page size " + pageSize);
        }
        if (synchronous == null) {
            throw new IllegalArgumentException("synchronous is null");
        }
    }

    public static StorageOptions defaults() {
        return new StorageOptions(DatabaseHeader.DEFAULT_PAGE_SIZE, 0, 2000, Synchronous.FULL, 1000, false,
                System.nanoTime());
    }

    public StorageOptions withPageSize(int n) {
        return new StorageOptions(n, reservedBytes, cacheSize, synchronous, walAutoCheckpoint, readOnly, saltSeed);
    }

    public StorageOptions withReservedBytes(int n) {
        return new StorageOptions(pageSize, n, cacheSize, synchronous, walAutoCheckpoint, readOnly, saltSeed);
    }

    public StorageOptions withCacheSize(int n) {
        return new StorageOptions(pageSize, reservedBytes, n, synchronous, walAutoCheckpoint, readOnly, saltSeed);
    }

    public StorageOptions withSynchronous(Synchronous s) {
        return new StorageOptions(pageSize, reservedBytes, cacheSize, s, walAutoCheckpoint, readOnly, saltSeed);
    }

    public StorageOptions withWalAutoCheckpoint(int frames) {
        return new StorageOptions(pageSize, reservedBytes, cacheSize, synchronous, frames, readOnly, saltSeed);
    }

    public StorageOptions withReadOnly(boolean ro) {
        return new StorageOptions(pageSize, reservedBytes, cacheSize, synchronous, walAutoCheckpoint, ro, saltSeed);
    }

    public StorageOptions withSaltSeed(long seed) {
        return new StorageOptions(pageSize, reservedBytes, cacheSize, synchronous, walAutoCheckpoint, readOnly, seed);
    }
}
