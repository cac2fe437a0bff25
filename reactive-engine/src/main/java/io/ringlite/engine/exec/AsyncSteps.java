package io.ringlite.engine.exec;

import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoStatus;
import java.util.function.Supplier;

/**
 * Runs a re-runnable step (one that returns Pending having changed nothing, to be called again
 * once the completion is done) until it is READY, as one completion. Loop thread only.
 */
final class AsyncSteps {
    private AsyncSteps() {
    }

    /** Done (result 0) once {@code step} returned READY; failed with whatever it threw or waited on. */
    static Completion drive(Supplier<IoStatus> step) {
        Completion result = new Completion();
        continueDriving(step, result);
        return result;
    }

    private static void continueDriving(Supplier<IoStatus> step, Completion result) {
        while (true) {
            IoStatus s;
            try {
                s = step.get();
            } catch (Throwable t) {
                result.fail(t);
                return;
            }
            if (s.isReady()) {
                result.complete(0);
                return;
            }
            Completion c = ((IoStatus.Pending) s).completion();
            if (!c.isDone()) {
                c.whenDone(() -> {
                    if (c.isFailed()) {
                        result.fail(c.failure());
                    } else {
                        continueDriving(step, result);
                    }
                });
                return;
            }
            if (c.isFailed()) {
                result.fail(c.failure());
                return;
            }
        }
    }
}
