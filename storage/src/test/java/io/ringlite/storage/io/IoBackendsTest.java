package io.ringlite.storage.io;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.uring.Errno;
import io.ringlite.uring.UringProbe;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

class IoBackendsTest {

    @Test
    void uringIsUsedWhereAvailableAndPortableOtherwise() {
        try (IoBackend io = IoBackends.create(IoKind.URING)) {
            IoKind expected = UringProbe.probe().available() ? IoKind.URING : IoKind.PORTABLE;
            assertThat(io.kind()).isEqualTo(expected);
            assertThat(IoBackends.uringUnavailableReason() == null).isEqualTo(expected == IoKind.URING);
        }
    }

    @Test
    void withoutUringTheFactoryFallsBackToPortableAndSaysSoOnce() {
        Logger jul = Logger.getLogger("io.ringlite.storage.io");
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            AtomicBoolean logged = new AtomicBoolean();
            UringProbe.Availability none = new UringProbe.Availability(false, "io_uring_setup failed: EPERM (Operation not permitted)");
            try (IoBackend a = IoBackends.uringOrPortable(none, logged); IoBackend b = IoBackends.uringOrPortable(none, logged)) {
                assertThat(a.kind()).isEqualTo(IoKind.PORTABLE);
                assertThat(b.kind()).isEqualTo(IoKind.PORTABLE);
            }
            assertThat(records).hasSize(1);
            assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
            assertThat(java.text.MessageFormat.format(records.get(0).getMessage(), records.get(0).getParameters()))
                    .contains("EPERM").contains("portable");
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void eachKindCanBeCreated() {
        try (IoBackend p = IoBackends.create(IoKind.PORTABLE); IoBackend s = IoBackends.create(IoKind.SIMULATED)) {
            assertThat(p.kind()).isEqualTo(IoKind.PORTABLE);
            assertThat(s.kind()).isEqualTo(IoKind.SIMULATED);
        }
    }

    @Test
    void errorsCarrySqliteCodesAndNameTheErrno() {
        Path p = Path.of("/x/y.db");
        DatabaseException read = IoErrors.of(IoErrors.Op.READ, p, 4096, Errno.EIO.number());
        assertThat(read.code()).isEqualTo(ResultCode.IOERR_READ);
        assertThat(read).hasMessage("disk I/O error: EIO (Input/output error) while reading /x/y.db at offset 4096");
        assertThat(IoErrors.of(IoErrors.Op.WRITE, p, 0, Errno.ENOSPC.number()).code()).isEqualTo(ResultCode.FULL);
        assertThat(IoErrors.of(IoErrors.Op.WRITE, p, 0, Errno.EDQUOT.number()).code()).isEqualTo(ResultCode.FULL);
        assertThat(IoErrors.of(IoErrors.Op.SYNC, p, -1, Errno.EIO.number()).code()).isEqualTo(ResultCode.IOERR_FSYNC);
        assertThat(IoErrors.of(IoErrors.Op.TRUNCATE, p, 0, Errno.EIO.number()).code()).isEqualTo(ResultCode.IOERR_TRUNCATE);
        DatabaseException open = IoErrors.of(IoErrors.Op.OPEN, p, -1, Errno.ENOENT.number());
        assertThat(open.code()).isEqualTo(ResultCode.CANTOPEN);
        assertThat(open.getMessage()).startsWith("unable to open database file: ENOENT");
    }

    @Test
    void javaExceptionsAreMappedToTheirErrno() {
        assertThat(IoErrors.errnoOf(new NoSuchFileException("/a"))).isEqualTo(Errno.ENOENT.number());
        assertThat(IoErrors.errnoOf(new IOException("No space left on device"))).isEqualTo(Errno.ENOSPC.number());
        assertThat(IoErrors.errnoOf(new IOException("something odd"))).isEqualTo(Errno.EIO.number());
        assertThat(IoErrors.fromJava(IoErrors.Op.WRITE, Path.of("/a"), 0, new IOException("No space left on device")).code())
                .isEqualTo(ResultCode.FULL);
    }
}
