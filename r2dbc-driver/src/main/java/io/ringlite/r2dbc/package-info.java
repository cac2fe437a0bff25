/**
 * The R2DBC 1.0 driver for Ringlite.
 *
 * <p>Entry points: {@link io.ringlite.r2dbc.RingliteConnectionFactoryProvider} (found by
 * {@code ConnectionFactories} through {@code ServiceLoader}, driver {@code ringlite}) and
 * {@link io.ringlite.r2dbc.RingliteConnectionFactory#from(String)} for URLs the standard parser
 * rejects ({@code r2dbc:ringlite:mem:}). URL and option rules:
 * {@link io.ringlite.r2dbc.RingliteConnectionConfiguration}.
 *
 * <p>Shape: a factory shares one engine database per file ({@link io.ringlite.r2dbc.DatabaseRegistry},
 * reference-counted); a {@link io.ringlite.r2dbc.RingliteConnection} wraps one engine session; a
 * {@link io.ringlite.r2dbc.RingliteStatement} compiles lazily and runs once per binding set; a
 * {@link io.ringlite.r2dbc.RingliteResult} streams the engine's rows with backpressure. Value
 * conversions live in {@link io.ringlite.r2dbc.Codecs}, the mapping of SQLite result codes to R2DBC
 * exceptions in {@link io.ringlite.r2dbc.ExceptionFactory} only.
 *
 * <p>Threads: signals arrive on the database's event loop thread; nothing in the driver blocks
 * (the reactive test suites run under BlockHound). Cancelling a subscription interrupts the
 * running statement at its next instruction.
 */
package io.ringlite.r2dbc;
