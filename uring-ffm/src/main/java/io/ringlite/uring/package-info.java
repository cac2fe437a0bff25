/**
 * io_uring through {@code java.lang.foreign}: no JNI, no liburing, no dependency on the rest of
 * Ringlite.
 *
 * <ul>
 *   <li>{@link io.ringlite.uring.IoUring}: one ring (setup, the three mappings from the kernel's
 *       offsets, READ/WRITE/FSYNC SQEs, one {@code io_uring_enter} per batch, CQE reaping with
 *       acquire/release ordering, eventfd wake-up, the in-flight table that pins buffers).</li>
 *   <li>{@link io.ringlite.uring.PosixFile}: open, size, ftruncate, fcntl record locks, close.</li>
 *   <li>{@link io.ringlite.uring.UringProbe}: can io_uring be used here, and if not, why.</li>
 *   <li>{@link io.ringlite.uring.UringException} / {@link io.ringlite.uring.Errno}: every failure
 *       names its errno.</li>
 * </ul>
 *
 * <p>Supported: Linux on x86_64 and aarch64 (syscalls 425/426/427). Tests run with
 * {@code --enable-native-access=ALL-UNNAMED}; without it the JDK warns once per module.
 */
package io.ringlite.uring;
