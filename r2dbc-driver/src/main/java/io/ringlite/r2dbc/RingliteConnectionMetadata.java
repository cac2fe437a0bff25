package io.ringlite.r2dbc;

import io.r2dbc.spi.ConnectionMetadata;

/** Product "Ringlite"; the version names the SQLite file format and dialect it is compatible with. */
public final class RingliteConnectionMetadata implements ConnectionMetadata {

    static final RingliteConnectionMetadata INSTANCE = new RingliteConnectionMetadata();

    /** The driver version, from the jar manifest when packaged. */
    static final String VERSION = versionOf();

    private RingliteConnectionMetadata() {
    }

    @Override
    public String getDatabaseProductName() {
        return RingliteConnectionFactoryMetadata.NAME;
    }

    @Override
    public String getDatabaseVersion() {
        return VERSION + " (SQLite 3 file format)";
    }

    private static String versionOf() {
        String v = RingliteConnectionMetadata.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
