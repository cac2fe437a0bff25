/**
 * The schema of a database, built from the rows of {@code sqlite_schema}
 * ({@link io.ringlite.engine.schema.Schema#build(java.util.List, int)}): tables with their
 * columns (declared type, affinity by SQLite's rules, constraints), rowid alias, indexes, CHECK
 * constraints; views and triggers kept as entries. The CREATE TABLE text is parsed with
 * {@code io.ringlite.engine.sql.Parser}; a text that does not parse is a corrupt schema.
 */
package io.ringlite.engine.schema;
