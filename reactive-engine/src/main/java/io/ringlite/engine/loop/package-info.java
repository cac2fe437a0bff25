/**
 * The event loop: one thread per open database that owns its I/O backend, and the ownership
 * word through which an idle engine runs a caller's statement on the caller's own thread
 * (DESIGN.md, Threading).
 *
 * <h2>Hand-off design: caller-runs when idle, hop otherwise</h2>
 * Engine state (page cache, B-trees, transactions, executions) has exactly one owner at a time.
 * When the loop has nothing to do (no task queued, no I/O in flight) it parks in a lendable state;
 * a thread that subscribes to a statement, requests rows or prepares takes the engine with one CAS
 * ({@link io.ringlite.engine.loop.EventLoop#tryAcquire()}) and runs the work itself, producing rows
 * synchronously under its demand, then gives the engine back
 * ({@link io.ringlite.engine.loop.EventLoop#release()}). At the first point the statement would
 * wait (a cache miss, the commit's WAL write and fsync, a lock held by another session, a yield
 * of a long scan) or after one row batch, the inline run ends and the statement continues on the
 * loop exactly as in the hop design. When the engine is not idle (another caller owns it, the loop
 * is busy, I/O is in flight, tasks are queued, or the subscribing thread already owns it, e.g.
 * from inside onNext) the work hops onto the loop: {@link io.ringlite.engine.loop.EventLoop#execute}
 * offers a task to a lock-free MPSC queue and wakes the loop only if it is parked.
 *
 * <p>The storage contract (AsyncFile rule 1: file operations started and completed on one thread)
 * holds because an inline owner never touches the completion pump: storage sees the backend
 * through {@link io.ringlite.engine.loop.ForwardingBackend}, which turns a file operation started
 * off the loop into a loop task and returns a completion that the loop completes. That task can
 * run only after the caller released the engine, so every callback the caller registered is
 * visible to the loop, and every callback runs there.
 *
 * <p>Why this design won (docs/BENCHMARKS.md, HandOff; noisy numbers on a shared 2-core VM): a
 * cache-hit point query is a few microseconds of VM work, while a hop costs a queue offer, an
 * eventfd wake-up of the parked loop and a wake-up of the blocked caller back, tens of
 * microseconds on this VM. Inline execution removes both wake-ups from every cache hit and costs
 * the hop design's path one CAS that fails. It is on by default ({@code DatabaseConfig.inline});
 * simulated databases with a file path keep it off so that a simulation seed replays exactly
 * (every step then runs on the loop in queue order).
 *
 * <h2>Blocking</h2>
 * The loop thread implements Reactor's {@code NonBlocking} marker, so BlockHound (with Reactor's
 * integration) reports any blocking call made on it. The one allowed blocking call is the idle
 * wait, {@code backend.poll(true)} inside {@code EventLoop.park()}, made only when no task is
 * queued (also while waiting for an inline caller to give the engine back). A caller that runs
 * inline is in the same position as the loop: {@link io.ringlite.engine.loop.EventLoop#runsInline}
 * is registered with Reactor as a non-blocking-thread predicate, so {@code block()} inside an
 * inline run fails fast (as on the loop) instead of waiting for work only the caller could let
 * run; the test suites add it to BlockHound as a dynamic predicate. Timers (the busy timeout) run
 * on a shared daemon thread that only enqueues the expired task onto its loop.
 */
package io.ringlite.engine.loop;
