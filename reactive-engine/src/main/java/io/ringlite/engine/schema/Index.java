package io.ringlite.engine.schema;

import java.util.List;

/**
 * An index of a table.
 *
 * @param columns names of the indexed columns (null entries for expressions)
 * @param sql     CREATE INDEX text, null for an automatic index (UNIQUE / PRIMARY KEY constraint)
 */
public record Index(String name, String tableName, int rootPage, List<String> columns, boolean unique, String sql) {
}
