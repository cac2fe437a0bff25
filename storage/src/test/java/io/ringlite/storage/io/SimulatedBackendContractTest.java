package io.ringlite.storage.io;

import java.nio.file.Path;

class SimulatedBackendContractTest extends AsyncFileContract {
    private final SimulatedFileSystem fs = new SimulatedFileSystem(42);

    @Override
    protected IoBackend newBackend() {
        return IoBackends.simulated(fs);
    }

    @Override
    protected Path path(String name) {
        return Path.of("/sim/contract", name);
    }
}
