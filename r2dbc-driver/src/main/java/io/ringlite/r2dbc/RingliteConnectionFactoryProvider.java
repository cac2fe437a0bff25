package io.ringlite.r2dbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.ConnectionFactoryProvider;
import io.r2dbc.spi.Option;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Discovered by {@link io.r2dbc.spi.ConnectionFactories} through {@code ServiceLoader}
 * ({@code META-INF/services/io.r2dbc.spi.ConnectionFactoryProvider}); handles {@code DRIVER = ringlite}.
 *
 * <p>URLs and options are described in {@link RingliteConnectionConfiguration}. The standard URL
 * parser insists on {@code ://}, so {@code ConnectionFactories.get("r2dbc:ringlite:mem:")} fails
 * before reaching this driver; {@link #parseUrl(String)} accepts those short forms, e.g.
 * {@code ConnectionFactories.get(RingliteConnectionFactoryProvider.parseUrl("r2dbc:ringlite:mem:"))}.
 */
public final class RingliteConnectionFactoryProvider implements ConnectionFactoryProvider {

    /** The value of {@link ConnectionFactoryOptions#DRIVER} this provider handles. */
    public static final String DRIVER = "ringlite";

    private static final String PREFIX = "r2dbc:" + DRIVER + ":";

    @Override
    public RingliteConnectionFactory create(ConnectionFactoryOptions options) {
        return new RingliteConnectionFactory(RingliteConnectionConfiguration.from(options));
    }

    @Override
    public boolean supports(ConnectionFactoryOptions options) {
        Objects.requireNonNull(options, "options");
        return DRIVER.equals(options.getValue(ConnectionFactoryOptions.DRIVER));
    }

    @Override
    public String getDriver() {
        return DRIVER;
    }

    /**
     * Parses a Ringlite URL, including the short forms the standard parser rejects:
     * {@code r2dbc:ringlite:mem:}, {@code r2dbc:ringlite:mem:name}, {@code r2dbc:ringlite:file:relative.db},
     * {@code r2dbc:ringlite:file:/abs.db}, each optionally followed by {@code ?key=value&...}.
     * Any other URL goes to {@link ConnectionFactoryOptions#parse(CharSequence)}.
     *
     * @throws IllegalArgumentException if the URL is malformed
     */
    public static ConnectionFactoryOptions parseUrl(String url) {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith(PREFIX) || url.contains("://")) {
            return ConnectionFactoryOptions.parse(url);
        }
        String rest = url.substring(PREFIX.length());
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Invalid Ringlite URL (expected r2dbc:ringlite:file:... or r2dbc:ringlite:mem:...): " + url);
        }
        String protocol = rest.substring(0, colon);
        String target = decode(rest.substring(colon + 1));
        ConnectionFactoryOptions.Builder b = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, DRIVER)
                .option(ConnectionFactoryOptions.PROTOCOL, protocol);
        switch (protocol) {
            case "mem", "memory" -> {
                if (!target.isEmpty()) {
                    b.option(ConnectionFactoryOptions.DATABASE, target);
                }
            }
            case "file" -> {
                if (target.isEmpty()) {
                    throw new IllegalArgumentException("Invalid Ringlite URL (no file): " + url);
                }
                boolean explicit = target.startsWith("/") || target.startsWith("./") || target.startsWith("../")
                        || target.equals(":memory:");
                b.option(ConnectionFactoryOptions.DATABASE, explicit ? target : "./" + target);
            }
            default -> throw new IllegalArgumentException(
                    "Invalid Ringlite URL (unknown protocol '" + protocol + "', expected file or mem): " + url);
        }
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                b.option(Option.valueOf(key), value);
            }
        }
        return b.build();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
