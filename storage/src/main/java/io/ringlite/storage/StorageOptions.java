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

    /**
     * SQLite's {@code PRAGMA synchronous} levels as they apply to WAL mode (the ordinal is the
     * pragma's number). A process crash never loses an acknowledged commit at any level (the
     * frames are in the OS's cache); the levels differ in what survives an OS crash or power cut.
     */
    public enum Synchronous {
        /**
         * Never sync. After an OS crash or power cut recent commits may be lost and, if a
         * checkpoint was running, the database file may be corrupt (as SQLite documents for OFF).
         */
        OFF,
        /**
         * Commits do not sync. The WAL is synced before a checkpoint copies its frames, the
         * database file after the copy, and a WAL restart (truncation) before the next commit
         * writes a new generation. After an OS crash the database is consistent and holds a
         * prefix of the commits: everything up to the last checkpoint, and perhaps more.
         */
        NORMAL,
        /** Also syncs the WAL at every commit before the commit completes: every acknowledged commit is durable. */
        FULL,
        /**
         * As FULL in WAL mode: SQLite's EXTRA only adds a directory sync after a rollback
         * journal is deleted, and a WAL database has no rollback journal.
         */
        EXTRA;

        /** Commits sync the WAL before they are acknowledged. */
        public boolean syncsCommits() {
            return this == FULL || this == EXTRA;
        }

        /** Checkpoints sync (the WAL before the copy, the database after it, the WAL's restart). */
        public boolean syncsCheckpoints() {
            return this != OFF;
        }
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
