package io.ringlite.engine.sql;

import java.util.List;

/**
 * Statement AST: one record per kind of SQLite statement. The parser accepts all of SQLite's
 * grammar; which statements compile is the compiler's business.
 */
public sealed interface Statement permits Select, Statement.Insert, Statement.Update, Statement.Delete,
        Statement.CreateTable, Statement.CreateIndex, Statement.CreateView, Statement.CreateTrigger,
        Statement.CreateVirtualTable, Statement.Drop, Statement.AlterTable, Statement.Pragma,
        Statement.Attach, Statement.Detach, Statement.Vacuum, Statement.Analyze, Statement.Reindex,
        Statement.Begin, Statement.Commit, Statement.Rollback, Statement.Savepoint, Statement.Release {

    /** ON CONFLICT / OR algorithm; null where not written. */
    enum Conflict { ROLLBACK, ABORT, FAIL, IGNORE, REPLACE }

    /** A name with an optional schema qualifier. */
    record QualifiedName(String schema, String name) {
    }

    /** A RETURNING item: {@code *} (expr null) or an expression. */
    record Returning(Expr expr, String alias, String text) {
    }

    sealed interface InsertSource permits Rows, FromSelect, DefaultValues {
    }

    record Rows(List<List<Expr>> rows) implements InsertSource {
    }

    record FromSelect(Select select) implements InsertSource {
    }

    record DefaultValues() implements InsertSource {
    }

    /** ON CONFLICT [(target) [WHERE]] DO NOTHING | DO UPDATE SET ... [WHERE]. */
    record Upsert(List<IndexedColumn> target, Expr targetWhere, List<SetClause> set, Expr where) {
    }

    /**
     * @param columns empty when no column list was written
     * @param replace true for REPLACE INTO (same as INSERT OR REPLACE)
     */
    record Insert(Select.With with, Conflict conflict, QualifiedName table, String alias,
                  List<String> columns, InsertSource source, List<Upsert> upserts,
                  List<Returning> returning) implements Statement {
    }

    /** {@code SET a = x} or {@code SET (a, b) = (x, y)}. */
    record SetClause(List<String> columns, Expr value) {
    }

    record Update(Select.With with, Conflict conflict, QualifiedName table, String alias,
                  String indexedBy, List<SetClause> set, Select.From from, Expr where,
                  List<Returning> returning, List<Select.OrderingTerm> orderBy, Expr limit,
                  Expr offset) implements Statement {
    }

    record Delete(Select.With with, QualifiedName table, String alias, String indexedBy, Expr where,
                  List<Returning> returning, List<Select.OrderingTerm> orderBy, Expr limit,
                  Expr offset) implements Statement {
    }

    /** A column of an index or of a PRIMARY KEY / UNIQUE constraint. */
    record IndexedColumn(Expr expr, String collation, boolean descending) {
    }

    /** @param typeName the declared type as SQLite stores it (words joined by one space), or null */
    record ColumnDef(String name, String typeName, List<ColumnConstraint> constraints) {
    }

    sealed interface ColumnConstraint {
        /** The CONSTRAINT name, or null. */
        String name();
    }

    /** @param descending PRIMARY KEY DESC (which stops INTEGER PRIMARY KEY from aliasing rowid) */
    record PrimaryKey(String name, boolean descending, Conflict conflict, boolean autoincrement)
            implements ColumnConstraint {
    }

    record NotNull(String name, Conflict conflict) implements ColumnConstraint {
    }

    record Nullable(String name) implements ColumnConstraint {
    }

    record Unique(String name, Conflict conflict) implements ColumnConstraint {
    }

    /** @param text the expression as written (SQLite names an unnamed failing CHECK by it) */
    record Check(String name, Expr expr, String text) implements ColumnConstraint {
    }

    /** @param text the default as written, for sqlite_schema consumers such as PRAGMA table_info */
    record Default(String name, Expr value, String text) implements ColumnConstraint {
    }

    record CollateConstraint(String name, String collation) implements ColumnConstraint {
    }

    record References(String name, ForeignKey foreignKey) implements ColumnConstraint {
    }

    record Generated(String name, Expr expr, boolean stored) implements ColumnConstraint {
    }

    /** @param clauses ON DELETE/UPDATE, MATCH and DEFERRABLE clauses as written */
    record ForeignKey(String table, List<String> columns, List<String> clauses) {
    }

    sealed interface TableConstraint {
        String name();
    }

    record TablePrimaryKey(String name, List<IndexedColumn> columns, Conflict conflict, boolean autoincrement)
            implements TableConstraint {
    }

    record TableUnique(String name, List<IndexedColumn> columns, Conflict conflict) implements TableConstraint {
    }

    record TableCheck(String name, Expr expr, String text) implements TableConstraint {
    }

    record TableForeignKey(String name, List<String> columns, ForeignKey foreignKey) implements TableConstraint {
    }

    /**
     * @param asSelect   CREATE TABLE ... AS SELECT (columns then empty)
     * @param definition the text from the table name to the end of the definition: SQLite stores
     *                   {@code "CREATE TABLE " + definition} in sqlite_schema
     */
    record CreateTable(boolean temporary, boolean ifNotExists, QualifiedName name, List<ColumnDef> columns,
                       List<TableConstraint> constraints, boolean withoutRowid, boolean strict,
                       Select asSelect, String definition) implements Statement {
    }

    /** @param definition text from the index name on, as for {@link CreateTable#definition()} */
    record CreateIndex(boolean unique, boolean ifNotExists, QualifiedName name, String table,
                       List<IndexedColumn> columns, Expr where, String definition) implements Statement {
    }

    /** @param definition text from the view name on, as for {@link CreateTable#definition()} */
    record CreateView(boolean temporary, boolean ifNotExists, QualifiedName name, List<String> columns,
                      Select select, String definition) implements Statement {
    }

    /**
     * @param time  "BEFORE", "AFTER", "INSTEAD OF" or null
     * @param event "DELETE", "INSERT" or "UPDATE"
     */
    record CreateTrigger(boolean temporary, boolean ifNotExists, QualifiedName name, String time,
                         String event, List<String> updateOf, String table, boolean forEachRow,
                         Expr when, List<Statement> body) implements Statement {
    }

    /** @param arguments module arguments as written */
    record CreateVirtualTable(boolean ifNotExists, QualifiedName name, String module, List<String> arguments)
            implements Statement {
    }

    enum ObjectKind { TABLE, INDEX, VIEW, TRIGGER }

    record Drop(ObjectKind kind, boolean ifExists, QualifiedName name) implements Statement {
    }

    sealed interface AlterAction permits RenameTable, RenameColumn, AddColumn, DropColumn {
    }

    record RenameTable(String newName) implements AlterAction {
    }

    record RenameColumn(String oldName, String newName) implements AlterAction {
    }

    record AddColumn(ColumnDef column) implements AlterAction {
    }

    record DropColumn(String column) implements AlterAction {
    }

    record AlterTable(QualifiedName table, AlterAction action) implements Statement {
    }

    /** @param value {@code = value} or {@code (value)}, null for a query */
    record Pragma(QualifiedName name, Expr value) implements Statement {
    }

    record Attach(Expr file, Expr schema, Expr key) implements Statement {
    }

    record Detach(Expr schema) implements Statement {
    }

    record Vacuum(String schema, Expr into) implements Statement {
    }

    /** @param target schema, table or index name; null for all */
    record Analyze(QualifiedName target) implements Statement {
    }

    record Reindex(QualifiedName target) implements Statement {
    }

    enum TransactionKind { DEFERRED, IMMEDIATE, EXCLUSIVE }

    record Begin(TransactionKind kind) implements Statement {
    }

    /** COMMIT or END. */
    record Commit() implements Statement {
    }

    /** @param savepoint ROLLBACK TO savepoint, or null for the whole transaction */
    record Rollback(String savepoint) implements Statement {
    }

    record Savepoint(String name) implements Statement {
    }

    record Release(String name) implements Statement {
    }
}
