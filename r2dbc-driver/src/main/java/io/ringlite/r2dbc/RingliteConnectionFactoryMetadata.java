package io.ringlite.r2dbc;

import io.r2dbc.spi.ConnectionFactoryMetadata;

/** Names the product "Ringlite" (what Spring Data R2DBC's dialect lookup sees). */
public final class RingliteConnectionFactoryMetadata implements ConnectionFactoryMetadata {

    public static final String NAME = "Ringlite";

    static final RingliteConnectionFactoryMetadata INSTANCE = new RingliteConnectionFactoryMetadata();

    private RingliteConnectionFactoryMetadata() {
    }

    @Override
    public String getName() {
        return NAME;
    }
}
