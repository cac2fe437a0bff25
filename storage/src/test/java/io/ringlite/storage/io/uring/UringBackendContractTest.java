package io.ringlite.storage.io.uring;

import io.ringlite.storage.io.IoBackend;
import io.ringlite.uring.UringProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UringBackendContractTest extends io.ringlite.storage.io.AsyncFileContractAccess {
    @TempDir
    Path dir;

    @BeforeAll
    static void requireUring() {
        UringProbe.Availability a = UringProbe.probe();
        assumeTrue(a.available(), () -> "io_uring unavailable: " + a.reason());
    }

    @Override
    protected IoBackend newBackend() {
        return UringBackend.create();
    }

    @Override
    protected Path path(String name) {
        return dir.resolve(name);
    }
}
