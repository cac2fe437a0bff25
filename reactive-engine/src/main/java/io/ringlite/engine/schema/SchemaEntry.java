package io.ringlite.engine.schema;

/**
 * One row of {@code sqlite_schema}.
 *
 * @param type      "table", "index", "view" or "trigger"
 * @param name      the object's name
 * @param tableName the table it belongs to (its own name for a table)
 * @param rootPage  root page of its B-tree (0 for views and triggers)
 * @param sql       its CREATE statement as stored (null for automatic indexes)
 */
public record SchemaEntry(String type, String name, String tableName, int rootPage, String sql) {
}
