/**
 * The io_uring {@link io.ringlite.storage.io.IoBackend}: adapts {@code io.ringlite.uring.IoUring}
 * to the storage completion API (one ring per backend, one {@code io_uring_enter} per loop turn,
 * short transfers finished here, JVM-wide lock bookkeeping on top of fcntl record locks).
 */
package io.ringlite.storage.io.uring;
