package io.ringlite.storage.io;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class PortableBackendContractTest extends AsyncFileContract {
    @TempDir
    Path dir;

    @Override
    protected IoBackend newBackend() {
        return IoBackends.create(IoKind.PORTABLE);
    }

    @Override
    protected Path path(String name) {
        return dir.resolve(name);
    }
}
