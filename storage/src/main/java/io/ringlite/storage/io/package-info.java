/**
 * The completion-based file API and its backends.
 *
 * <ul>
 *   <li>Contract: {@link io.ringlite.storage.io.AsyncFile}, {@link io.ringlite.storage.io.IoBackend},
 *       {@link io.ringlite.storage.io.Completion}, {@link io.ringlite.storage.io.IoStatus}.</li>
 *   <li>Factory: {@link io.ringlite.storage.io.IoBackends#create(io.ringlite.storage.io.IoKind)}
 *       (URING falls back to PORTABLE, logging the reason once) and
 *       {@link io.ringlite.storage.io.IoBackends#simulated(io.ringlite.storage.io.SimulatedFileSystem)}.</li>
 *   <li>Backends: {@code io.ringlite.storage.io.uring.UringBackend} (Linux default),
 *       {@link io.ringlite.storage.io.PortableBackend} (AsynchronousFileChannel, every platform;
 *       its channels run on a lock-free pool of {@code ringlite-portable-io-N} daemon threads whose
 *       {@code execute} never parks the loop),
 *       {@link io.ringlite.storage.io.SimulatedBackend} over a
 *       {@link io.ringlite.storage.io.SimulatedFileSystem} (deterministic from a seed; crashes
 *       that lose or tear unsynced writes; EIO/ENOSPC injection; in-process lock table).</li>
 *   <li>Errors: {@link io.ringlite.storage.io.IoErrors} turns an errno into a
 *       {@code DatabaseException} with SQLite's IOERR_* code (FULL for ENOSPC/EDQUOT, CANTOPEN
 *       for a failed open) and a message naming the errno.</li>
 * </ul>
 *
 * <p>Every backend completes operations only inside {@code poll()}, on the polling thread, and
 * keeps each operation's buffer referenced until its completion is done. Starting an operation
 * never blocks the loop thread (BlockHound-checked in {@code PortableBackendNonBlockingTest}
 * for the portable backend). The same contract suite
 * ({@code AsyncFileContract} in the tests) runs against all three.
 */
package io.ringlite.storage.io;
