package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.ringlite.storage.io.IoKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** URL and option decoding, and discovery through ServiceLoader; no database is opened. */
class ConnectionFactoryProviderTest {

    private static RingliteConnectionConfiguration configOf(String url) {
        ConnectionFactory cf = ConnectionFactories.get(url);
        assertThat(cf).isInstanceOf(RingliteConnectionFactory.class);
        return ((RingliteConnectionFactory) cf).configuration();
    }

    @Test
    void theProviderIsDiscoveredThroughServiceLoaderAndNamesTheProduct() {
        ConnectionFactory cf = ConnectionFactories.get("r2dbc:ringlite:file:///tmp/ringlite-provider.db");
        assertThat(cf.getMetadata().getName()).isEqualTo("Ringlite");
        assertThat(ConnectionFactories.supports(ConnectionFactoryOptions.parse("r2dbc:ringlite:///x.db"))).isTrue();
        assertThat(new RingliteConnectionFactoryProvider().supports(ConnectionFactoryOptions.parse("r2dbc:h2:mem:///x")))
                .isFalse();
    }

    @Test
    void anAbsoluteFileUrlKeepsItsLeadingSlash() {
        var c = configOf("r2dbc:ringlite:file:///abs/path.db");
        assertThat(c.path()).isEqualTo(Path.of("/abs/path.db"));
        assertThat(c.io()).isEqualTo(IoKind.URING);
        assertThat(c.readOnly()).isFalse();
        assertThat(configOf("r2dbc:ringlite:///abs/other.db").path()).isEqualTo(Path.of("/abs/other.db"));
        assertThat(configOf("r2dbc:ringlite:file:///tmp/a%20b.db").path()).isEqualTo(Path.of("/tmp/a b.db"));
    }

    @Test
    void relativeFileUrlsResolveAgainstTheWorkingDirectory() {
        assertThat(configOf("r2dbc:ringlite:file:///./data/x.db").path()).isEqualTo(Path.of("./data/x.db"));
        assertThat(configOf("r2dbc:ringlite:file://data/x.db").path()).isEqualTo(Path.of("data/x.db"));
        assertThat(configOf("r2dbc:ringlite:file://x.db").path()).isEqualTo(Path.of("x.db"));
    }

    @Test
    void memoryUrlsNameASharedDatabaseOrNone() {
        var named = configOf("r2dbc:ringlite:mem:///cache");
        assertThat(named.inMemory()).isTrue();
        assertThat(named.memoryName()).isEqualTo("cache");
        assertThat(named.toDatabaseConfig().inMemory()).isTrue();
        assertThat(named.toDatabaseConfig().io()).isEqualTo(IoKind.SIMULATED);
        var unnamed = configOf("r2dbc:ringlite:mem:///");
        assertThat(unnamed.inMemory()).isTrue();
        assertThat(unnamed.memoryName()).isNull();
        assertThat(configOf("r2dbc:ringlite:file:///:memory:").inMemory()).isTrue();
    }

    @Test
    void driverOptionsComeFromTheQueryString() {
        var c = configOf("r2dbc:ringlite:file:///tmp/x.db?io=portable&readOnly=true&statementTimeout=PT3S");
        assertThat(c.io()).isEqualTo(IoKind.PORTABLE);
        assertThat(c.readOnly()).isTrue();
        assertThat(c.statementTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.toDatabaseConfig().readOnly()).isTrue();
        assertThat(c.toDatabaseConfig().path()).isEqualTo(Path.of("/tmp/x.db"));
        assertThat(configOf("r2dbc:ringlite:file:///tmp/x.db?io=simulated&seed=42").seed()).isEqualTo(42);
        var locking = configOf("r2dbc:ringlite:file:///tmp/x.db?lockWaitTimeout=PT10S");
        assertThat(locking.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(locking.toDatabaseConfig().busyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.toDatabaseConfig().busyTimeout()).isEqualTo(io.ringlite.engine.DatabaseConfig.DEFAULT_BUSY_TIMEOUT);
    }

    @Test
    void programmaticOptionsWork() {
        var options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "ringlite")
                .option(ConnectionFactoryOptions.DATABASE, "/var/db/app.db")
                .option(RingliteConnectionConfiguration.READ_ONLY, Boolean.TRUE)
                .option(ConnectionFactoryOptions.STATEMENT_TIMEOUT, Duration.ofMillis(500))
                .option(ConnectionFactoryOptions.LOCK_WAIT_TIMEOUT, Duration.ZERO)
                .build();
        var c = ((RingliteConnectionFactory) ConnectionFactories.get(options)).configuration();
        assertThat(c.path()).isEqualTo(Path.of("/var/db/app.db"));
        assertThat(c.readOnly()).isTrue();
        assertThat(c.statementTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.toDatabaseConfig().busyTimeout()).isZero();
        var mem = ConnectionFactoryOptions.builder().option(ConnectionFactoryOptions.DRIVER, "ringlite")
                .option(ConnectionFactoryOptions.DATABASE, ":memory:").build();
        assertThat(((RingliteConnectionFactory) ConnectionFactories.get(mem)).configuration().inMemory()).isTrue();
    }

    @Test
    void shortFormsTheStandardParserRejectsAreAcceptedByParseUrl() {
        assertThatThrownBy(() -> ConnectionFactoryOptions.parse("r2dbc:ringlite:mem:"))
                .isInstanceOf(IllegalArgumentException.class);
        var anon = RingliteConnectionFactory.from("r2dbc:ringlite:mem:").configuration();
        assertThat(anon.inMemory()).isTrue();
        assertThat(anon.memoryName()).isNull();
        assertThat(RingliteConnectionFactory.from("r2dbc:ringlite:mem:shared").configuration().memoryName())
                .isEqualTo("shared");
        assertThat(RingliteConnectionFactory.from("r2dbc:ringlite:file:relative.db").configuration().path())
                .isEqualTo(Path.of("./relative.db"));
        var abs = RingliteConnectionFactory.from("r2dbc:ringlite:file:/abs/x.db?io=portable").configuration();
        assertThat(abs.path()).isEqualTo(Path.of("/abs/x.db"));
        assertThat(abs.io()).isEqualTo(IoKind.PORTABLE);
        ConnectionFactory viaSpi = ConnectionFactories.get(RingliteConnectionFactoryProvider.parseUrl("r2dbc:ringlite:mem:x"));
        assertThat(viaSpi).isInstanceOf(RingliteConnectionFactory.class);
        assertThat(RingliteConnectionFactoryProvider.parseUrl("r2dbc:ringlite:file:///abs.db"))
                .isEqualTo(ConnectionFactoryOptions.parse("r2dbc:ringlite:file:///abs.db"));
    }

    @Test
    void badUrlsAndOptionsAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:ringlite:tcp:///x.db"))
                .hasStackTraceContaining("unknown Ringlite protocol 'tcp'");
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:ringlite:file:///x.db?io=epoll"))
                .hasStackTraceContaining("unknown io 'epoll'");
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:ringlite:file:///x.db?readOnly=maybe"))
                .hasStackTraceContaining("readOnly must be true or false");
        assertThatThrownBy(() -> ConnectionFactories.get("r2dbc:ringlite:file:///x.db?lockWaitTimeout=10s"))
                .hasStackTraceContaining("lockWaitTimeout must be an ISO-8601 duration");
        assertThatThrownBy(() -> RingliteConnectionFactory.from("r2dbc:ringlite:file:"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RingliteConnectionFactory.from("r2dbc:ringlite:disk:x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
