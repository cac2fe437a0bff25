package io.ringlite.storage.pager;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.storage.io.AsyncFile;
import io.ringlite.storage.io.Completion;
import io.ringlite.storage.io.IoBackend;
import io.ringlite.storage.io.IoKind;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a backend and records when each write and sync is started and finished, per file, so
 * tests can check ordering. Can also fail the next write or sync of a file (fault injection
 * independent of the backend).
 */
public final class RecordingBackend implements IoBackend {
    private final IoBackend delegate;
    public final List<String> events = new ArrayList<>();
    private String failNextWriteSuffix;
    private String failNextSyncSuffix;

    public RecordingBackend(IoBackend delegate) {
        this.delegate = delegate;
    }

    public void failNextWrite(String fileSuffix) {
        failNextWriteSuffix = fileSuffix;
    }

    public void failNextSync(String fileSuffix) {
        failNextSyncSuffix = fileSuffix;
    }

    @Override
    public IoKind kind() {
        return delegate.kind();
    }

    @Override
    public AsyncFile open(Path path, boolean create, boolean readOnly) {
        return new RecordingFile(delegate.open(path, create, readOnly));
    }

    @Override
    public boolean exists(Path path) {
        return delegate.exists(path);
    }

    @Override
    public void delete(Path path) {
        delegate.delete(path);
    }

    @Override
    public int poll(boolean wait) {
        return delegate.poll(wait);
    }

    @Override
    public boolean hasInFlight() {
        return delegate.hasInFlight();
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class RecordingFile implements AsyncFile {
        private final AsyncFile f;
        private final String name;

        RecordingFile(AsyncFile f) {
            this.f = f;
            this.name = f.path().getFileName().toString();
        }

        private boolean matches(String suffix) {
            return suffix != null && name.endsWith(suffix);
        }

        @Override
        public Path path() {
            return f.path();
        }

        @Override
        public long size() {
            return f.size();
        }

        @Override
        public Completion read(long offset, MemorySegment dst) {
            return f.read(offset, dst);
        }

        @Override
        public Completion write(long offset, MemorySegment src) {
            String id = name + "@" + offset;
            events.add("write-start " + id);
            if (matches(failNextWriteSuffix)) {
                failNextWriteSuffix = null;
                Completion failed = new Completion();
                // Fail from the next poll, like a real backend would.
                Completion carrier = f.sync(true);
                carrier.whenDone(() -> failed.fail(new DatabaseException(ResultCode.IOERR_WRITE, "disk I/O error (EIO, injected)")));
                return failed;
            }
            Completion c = f.write(offset, src);
            c.whenDone(() -> events.add("write-done " + id));
            return c;
        }

        @Override
        public Completion sync(boolean dataOnly) {
            events.add("sync-start " + name);
            if (matches(failNextSyncSuffix)) {
                failNextSyncSuffix = null;
                Completion failed = new Completion();
                Completion carrier = f.sync(dataOnly);
                carrier.whenDone(() -> failed.fail(new DatabaseException(ResultCode.IOERR_FSYNC, "disk I/O error (EIO, injected)")));
                return failed;
            }
            Completion c = f.sync(dataOnly);
            c.whenDone(() -> events.add("sync-done " + name));
            return c;
        }

        @Override
        public Completion truncate(long size) {
            events.add("truncate " + name + " " + size);
            return f.truncate(size);
        }

        @Override
        public boolean tryLock(long position, long length, boolean shared) {
            return f.tryLock(position, length, shared);
        }

        @Override
        public void unlock(long position, long length) {
            f.unlock(position, length);
        }

        @Override
        public void close() {
            f.close();
        }
    }
}
