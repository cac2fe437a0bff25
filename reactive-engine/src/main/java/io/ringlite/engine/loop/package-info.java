/**
 * The event loop: one thread per open database that owns its I/O backend, page cache, B-trees
 * and the execution of every statement (DESIGN.md, Threading).
 *
 * <h2>Hand-off design (and the alternative we did not take)</h2>
 * Every statement hops onto the loop: {@link io.ringlite.engine.loop.EventLoop#execute} offers a
 * task to a lock-free MPSC queue and, only if the loop is parked, wakes it through
 * {@code IoBackend.wakeup()}. DESIGN.md prefers letting an idle engine's caller take ownership by
 * CAS and run inline until the first I/O. We did not build that first because the storage
 * contract confines every file operation and completion to one thread (AsyncFile rule 1): with
 * inline execution the thread that starts a read would vary, which the io_uring backend (one
 * submitter per ring) and the simulated backend's determinism do not allow without a second
 * hand-off at the first cache miss. The hop costs one queue offer plus at most one eventfd write;
 * {@code bench} measures it (cache-hit point query latency) so the decision can be revisited with
 * numbers: the seam is {@code StatementFlux.subscribe} and {@code Execution.request}, the only
 * two places that hop.
 *
 * <h2>Blocking</h2>
 * The loop thread implements Reactor's {@code NonBlocking} marker, so BlockHound (with Reactor's
 * integration) reports any blocking call made on it. The one allowed blocking call is the idle
 * wait, {@code backend.poll(true)} inside {@code EventLoop.park()}, made only when no task is
 * queued. Timers (the busy timeout) run on a shared daemon thread that only enqueues the expired
 * task onto its loop.
 */
package io.ringlite.engine.loop;
