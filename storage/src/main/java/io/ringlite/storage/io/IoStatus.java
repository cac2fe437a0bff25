package io.ringlite.storage.io;

/**
 * The outcome of an operation that may need I/O: either {@link Ready} (it completed
 * synchronously, e.g. every page it needed was cached) or {@link Pending} (it started the I/O it
 * needs and changed nothing; run it again once the completion is done).
 *
 * <p>{@link #READY} is a singleton so the cache-hit path allocates nothing.
 */
public sealed interface IoStatus permits IoStatus.Ready, IoStatus.Pending {

    Ready READY = new Ready();

    /** Completed synchronously. */
    final class Ready implements IoStatus {
        private Ready() {
        }

        @Override
        public String toString() {
            return "READY";
        }
    }

    /** Waiting for {@code completion}; the operation changed nothing and must be re-run. */
    record Pending(Completion completion) implements IoStatus {
    }

    static IoStatus pending(Completion c) {
        return new Pending(c);
    }

    default boolean isReady() {
        return this == READY;
    }
}
