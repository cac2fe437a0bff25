/**
 * The schema of a database, built from the rows of {@code sqlite_schema}
 * ({@link io.ringlite.engine.schema.Schema#build(java.util.List, int)}): tables with their
 * columns (declared type, affinity by SQLite's rules, constraints), rowid alias, indexes, CHECK
 * constraints; views and triggers kept as entries. A WITHOUT ROWID table also carries its
 * {@link io.ringlite.engine.schema.PrimaryKey} (key fields, directions, collations, and the
 * key-first order of the fields of its records); its PRIMARY KEY index has no sqlite_schema row
 * but keeps its place in the {@code sqlite_autoindex_T_N} numbering. The CREATE TABLE text is parsed with
 * {@code io.ringlite.engine.sql.Parser}; a text that does not parse is a corrupt schema.
 */
package io.ringlite.engine.schema;
