package io.ringlite.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.engine.sql.Expr.Binary;
import io.ringlite.engine.sql.Expr.BinaryOp;
import io.ringlite.storage.error.DatabaseException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {

    private static Statement parse(String sql) {
        return Parser.parseFirst(sql).statement();
    }

    private static Expr expr(String text) {
        Select s = (Select) parse("SELECT " + text);
        return ((Select.ExprColumn) ((Select.Core) s.body()).columns().get(0)).expr();
    }

    /** Fully parenthesised rendering, to check precedence and associativity. */
    private static String show(Expr e) {
        return switch (e) {
            case Expr.Literal l -> String.valueOf(l.value());
            case Expr.ColumnRef c -> c.column();
            case Expr.Binary b -> "(" + show(b.left()) + " " + b.op() + " " + show(b.right()) + ")";
            case Expr.Unary u -> "(" + u.op() + " " + show(u.operand()) + ")";
            case Expr.NullTest n -> "(" + show(n.operand()) + (n.notNull() ? " NOTNULL)" : " ISNULL)");
            case Expr.Between b -> "(" + show(b.operand()) + (b.not() ? " NOT" : "") + " BETWEEN " + show(b.low())
                    + " AND " + show(b.high()) + ")";
            case Expr.Like l -> "(" + show(l.left()) + (l.not() ? " NOT " : " ") + l.op() + " " + show(l.pattern())
                    + (l.escape() == null ? "" : " ESCAPE " + show(l.escape())) + ")";
            case Expr.Collate c -> "(" + show(c.operand()) + " COLLATE " + c.collation() + ")";
            case Expr.InList in -> "(" + show(in.operand()) + (in.not() ? " NOT IN " : " IN ")
                    + in.values().stream().map(ParserTest::show).toList() + ")";
            default -> e.toString();
        };
    }

    @Test
    void multiplicationBindsTighterThanAddition() {
        assertThat(show(expr("1 + 2 * 3 - 4"))).isEqualTo("((1 ADD (2 MUL 3)) SUB 4)");
    }

    @Test
    void concatenationBindsTighterThanMultiplication() {
        assertThat(show(expr("a * b || c"))).isEqualTo("(a MUL (b CONCAT c))");
    }

    @Test
    void bitOperatorsSitBetweenAdditionAndComparison() {
        assertThat(show(expr("a + 1 << 2 < 3 & 4"))).isEqualTo("(((a ADD 1) LSHIFT 2) LT (3 BITAND 4))");
    }

    @Test
    void comparisonBindsTighterThanEquality() {
        assertThat(show(expr("a = b < c"))).isEqualTo("(a EQ (b LT c))");
        assertThat(show(expr("a < b = c"))).isEqualTo("((a LT b) EQ c)");
    }

    @Test
    void notBindsLooserThanEqualityAndTighterThanAnd() {
        assertThat(show(expr("NOT a = b AND c"))).isEqualTo("((NOT (a EQ b)) AND c)");
    }

    @Test
    void andBindsTighterThanOr() {
        assertThat(show(expr("a OR b AND c OR d"))).isEqualTo("((a OR (b AND c)) OR d)");
    }

    @Test
    void betweenTakesItsOwnAnd() {
        assertThat(show(expr("a BETWEEN 1 AND 2 AND b"))).isEqualTo("((a BETWEEN 1 AND 2) AND b)");
        assertThat(show(expr("a NOT BETWEEN 1 + 1 AND 5"))).isEqualTo("(a NOT BETWEEN (1 ADD 1) AND 5)");
    }

    @Test
    void likeWithEscapeAndNegation() {
        assertThat(show(expr("a NOT LIKE 'x%' ESCAPE '!'"))).isEqualTo("(a NOT LIKE x% ESCAPE !)");
        assertThat(show(expr("a GLOB 'x*'"))).isEqualTo("(a GLOB x*)");
    }

    @Test
    void nullTestsInAllSpellings() {
        assertThat(show(expr("a ISNULL"))).isEqualTo("(a ISNULL)");
        assertThat(show(expr("a NOTNULL"))).isEqualTo("(a NOTNULL)");
        assertThat(show(expr("a NOT NULL"))).isEqualTo("(a NOTNULL)");
        assertThat(show(expr("a IS NULL"))).isEqualTo("(a ISNULL)");
        assertThat(show(expr("a IS NOT NULL"))).isEqualTo("(a NOTNULL)");
    }

    @Test
    void isDistinctFromIsIsNot() {
        assertThat(show(expr("a IS DISTINCT FROM b"))).isEqualTo("(a IS_NOT b)");
        assertThat(show(expr("a IS NOT DISTINCT FROM b"))).isEqualTo("(a IS b)");
    }

    @Test
    void unaryOperatorsBindTightest() {
        assertThat(show(expr("-a * b"))).isEqualTo("((NEG a) MUL b)");
        assertThat(show(expr("~a + 1"))).isEqualTo("((BITNOT a) ADD 1)");
        assertThat(show(expr("a COLLATE nocase = b"))).isEqualTo("((a COLLATE nocase) EQ b)");
    }

    @Test
    void leftAssociativeSubtraction() {
        assertThat(show(expr("10 - 3 - 2"))).isEqualTo("((10 SUB 3) SUB 2)");
    }

    @Test
    void literalsHaveTheirJavaTypes() {
        assertThat(((Expr.Literal) expr("42")).value()).isEqualTo(42L);
        assertThat(((Expr.Literal) expr("0x1F")).value()).isEqualTo(31L);
        assertThat(((Expr.Literal) expr("0xFFFFFFFFFFFFFFFF")).value()).isEqualTo(-1L);
        assertThat(((Expr.Literal) expr("1.5")).value()).isEqualTo(1.5);
        assertThat(((Expr.Literal) expr("9223372036854775808")).value()).isEqualTo(9.223372036854775808e18);
        assertThat(((Expr.Literal) expr("-9223372036854775808")).value()).isEqualTo(Long.MIN_VALUE);
        assertThat(((Expr.Literal) expr("'s'")).value()).isEqualTo("s");
        assertThat((byte[]) ((Expr.Literal) expr("x'0aFF'")).value()).containsExactly(0x0a, 0xff);
        assertThat(((Expr.Literal) expr("NULL")).value()).isNull();
    }

    @Test
    void parametersAreNumberedAsSqliteDoes() {
        ParsedStatement p = Parser.parseFirst("SELECT ?, ?5, :a, @b, :a, ?, $c");
        assertThat(p.parameterNames()).containsExactly(null, null, null, null, "?5", ":a", "@b", null, "$c");
        List<Select.ResultColumn> cols = ((Select.Core) ((Select) p.statement()).body()).columns();
        int[] idx = cols.stream().mapToInt(c -> ((Expr.Param) ((Select.ExprColumn) c).expr()).index()).toArray();
        assertThat(idx).containsExactly(1, 5, 6, 7, 6, 8, 9);
    }

    @Test
    void tailIsTheTextAfterTheFirstStatement() {
        ParsedStatement p = Parser.parseFirst("SELECT 1; SELECT 2;");
        assertThat(p.sql()).isEqualTo("SELECT 1");
        assertThat(p.tail()).isEqualTo(" SELECT 2;");
        assertThat(Parser.parseFirst("  -- only a comment\n ; ")).isNull();
        assertThat(Parser.parseFirst("; ; SELECT 3").sql()).isEqualTo("SELECT 3");
    }

    @Test
    void onlyTheFirstStatementNeedsToBeValid() {
        assertThat(Parser.parseFirst("SELECT 1; SELEC garbage #").tail()).isEqualTo(" SELEC garbage #");
    }

    @Test
    void syntaxErrorsNameTheToken() {
        assertError("SELEC 1", "near \"SELEC\": syntax error");
        assertError("SELECT 1 2", "near \"2\": syntax error");
        assertError("SELECT * FROM;", "near \";\": syntax error");
        assertError("CREATE TABLE t(a,)", "near \")\": syntax error");
        assertError("INSERT INTO t VALUES 1", "near \"1\": syntax error");
    }

    @Test
    void runningOutOfTextIsIncompleteInput() {
        for (String sql : List.of("SELECT", "SELECT * FROM", "SELECT 1 +", "CREATE TABLE t(a", "SELECT /* x")) {
            assertError(sql, "incomplete input");
        }
    }

    @Test
    void variableNumbersAreBounded() {
        assertError("SELECT ?0", "variable number must be between ?1 and ?250000");
        assertError("SELECT ?250001", "variable number must be between ?1 and ?250000");
    }

    @Test
    void keywordsThatFallBackMayNameColumnsAndTables() {
        Select s = (Select) parse("SELECT key, action, replace(a, b, c), left.x FROM plan AS left");
        Select.Core core = (Select.Core) s.body();
        assertThat(((Select.ExprColumn) core.columns().get(0)).expr()).isEqualTo(new Expr.ColumnRef(null, null, "key", false));
        assertThat(((Select.ExprColumn) core.columns().get(2)).expr()).isInstanceOf(Expr.Function.class);
        assertThat(core.from()).isEqualTo(new Select.TableName(null, "plan", "left", null));
    }

    @Test
    void reservedKeywordsMayNotNameColumns() {
        assertError("SELECT from FROM t", "near \"from\": syntax error");
        assertError("CREATE TABLE select(a)", "near \"select\": syntax error");
    }

    @Test
    void resultColumnsKeepTheirTextAndAlias() {
        Select.Core core = (Select.Core) ((Select) parse("SELECT a+1 AS x, b  *  2 y, 'z', t.*, * FROM t")).body();
        assertThat(core.columns()).hasSize(5);
        assertThat(((Select.ExprColumn) core.columns().get(0)).alias()).isEqualTo("x");
        assertThat(((Select.ExprColumn) core.columns().get(1)).text()).isEqualTo("b  *  2");
        assertThat(((Select.ExprColumn) core.columns().get(1)).alias()).isEqualTo("y");
        assertThat(core.columns().get(3)).isEqualTo(new Select.TableStar("t"));
        assertThat(core.columns().get(4)).isInstanceOf(Select.Star.class);
    }

    @Test
    void limitWithCommaPutsTheOffsetFirst() {
        Select s = (Select) parse("SELECT a FROM t LIMIT 5, 10");
        assertThat(s.limit()).isEqualTo(new Expr.Literal(10L));
        assertThat(s.offset()).isEqualTo(new Expr.Literal(5L));
    }

    @Test
    void createTableKeepsColumnsConstraintsAndDefinitionText() {
        Statement.CreateTable ct = (Statement.CreateTable) parse(
                "create table if not exists main.\"T x\" (id integer primary key desc, name varchar ( 10 ) not null "
                        + "default 'n', c collate nocase check (c > 0), unique (name) on conflict replace) without rowid");
        assertThat(ct.ifNotExists()).isTrue();
        assertThat(ct.name()).isEqualTo(new Statement.QualifiedName("main", "T x"));
        assertThat(ct.columns()).extracting(Statement.ColumnDef::name).containsExactly("id", "name", "c");
        assertThat(ct.columns().get(1).typeName()).isEqualTo("varchar ( 10 )");
        assertThat(ct.columns().get(0).constraints().get(0)).isEqualTo(new Statement.PrimaryKey(null, true, null, false));
        assertThat(ct.constraints()).hasSize(1);
        assertThat(ct.withoutRowid()).isTrue();
        assertThat(ct.definition()).startsWith("\"T x\" (id").endsWith("without rowid");
    }

    @Test
    void theWholeGrammarParses() {
        for (String sql : List.of(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5) SELECT x FROM c",
                "SELECT a, count(*) FROM t JOIN u ON t.id = u.tid LEFT OUTER JOIN v USING (k) GROUP BY a HAVING count(*) > 1",
                "SELECT * FROM (SELECT 1) AS s, t NATURAL JOIN u",
                "SELECT a FROM t UNION SELECT b FROM u INTERSECT SELECT c FROM v EXCEPT SELECT d FROM w ORDER BY 1",
                "SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
                "SELECT sum(a) FILTER (WHERE a > 0) OVER w FROM t WINDOW w AS (ORDER BY b)",
                "SELECT group_concat(a, ',' ORDER BY a) FROM t",
                "SELECT CASE WHEN a THEN b END, CAST(a AS VARCHAR(10)), EXISTS (SELECT 1), (SELECT 2), (1, 2) = (1, 2)",
                "SELECT a FROM t WHERE b IN (SELECT c FROM u) AND d IN u AND e IN (1, 2) AND f NOT IN ()",
                "SELECT a -> '$.x', a ->> '$.y' FROM t INDEXED BY i",
                "VALUES (1, 2), (3, 4)",
                "INSERT OR IGNORE INTO t (a, b) SELECT * FROM u",
                "REPLACE INTO t DEFAULT VALUES",
                "INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE b > 0 RETURNING *, a AS x",
                "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
                "UPDATE OR REPLACE t AS q SET a = 1, (b, c) = (2, 3) FROM u WHERE q.id = u.id RETURNING a",
                "UPDATE t SET a = a + 1 WHERE b ORDER BY c LIMIT 10 OFFSET 2",
                "DELETE FROM main.t NOT INDEXED WHERE a = 1 RETURNING *",
                "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a COLLATE nocase DESC, b + 1) WHERE a > 0",
                "CREATE TEMP VIEW IF NOT EXISTS v (x, y) AS SELECT 1, 2",
                "CREATE TRIGGER tr BEFORE DELETE ON t FOR EACH ROW WHEN old.a > 0 BEGIN "
                        + "INSERT INTO log VALUES (old.a); SELECT RAISE(ABORT, 'no'); END",
                "CREATE TRIGGER tr INSTEAD OF UPDATE OF a, b ON v BEGIN DELETE FROM t; END",
                "CREATE VIRTUAL TABLE f USING fts5(a, b, tokenize = 'porter')",
                "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT, b REFERENCES u (id) ON DELETE CASCADE "
                        + "DEFERRABLE INITIALLY DEFERRED, c AS (a * 2) STORED, d GENERATED ALWAYS AS (a) VIRTUAL, "
                        + "CONSTRAINT fk FOREIGN KEY (b) REFERENCES u (id) MATCH FULL) STRICT",
                "CREATE TABLE t AS SELECT 1 AS a",
                "DROP TABLE IF EXISTS t", "DROP INDEX i", "DROP VIEW v", "DROP TRIGGER tr",
                "ALTER TABLE t RENAME TO u", "ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t ADD COLUMN c INT",
                "ALTER TABLE t DROP COLUMN c",
                "PRAGMA journal_mode = WAL", "PRAGMA main.table_info(t)", "PRAGMA cache_size = -2000",
                "ATTACH DATABASE 'x.db' AS x", "DETACH x", "VACUUM", "VACUUM main INTO 'b.db'", "ANALYZE",
                "REINDEX t", "BEGIN", "BEGIN EXCLUSIVE TRANSACTION", "COMMIT TRANSACTION", "END", "ROLLBACK",
                "ROLLBACK TO SAVEPOINT s", "SAVEPOINT s", "RELEASE SAVEPOINT s", "RELEASE s",
                "EXPLAIN SELECT 1", "EXPLAIN QUERY PLAN SELECT 1")) {
            assertThat(Parser.parseFirst(sql)).as(sql).isNotNull();
            assertThat(Parser.parseFirst(sql).tail()).as(sql).isEmpty();
        }
    }

    @Test
    void explainIsRecordedOnTheParsedStatement() {
        assertThat(Parser.parseFirst("EXPLAIN SELECT 1").explain()).isEqualTo(1);
        assertThat(Parser.parseFirst("EXPLAIN QUERY PLAN SELECT 1").explain()).isEqualTo(2);
        assertThat(Parser.parseFirst("SELECT 1").explain()).isZero();
    }

    @Test
    void insertValuesBecomeRows() {
        Statement.Insert ins = (Statement.Insert) parse("INSERT INTO t(a, b) VALUES (1, 2), (3, 4)");
        assertThat(ins.columns()).containsExactly("a", "b");
        assertThat(((Statement.Rows) ins.source()).rows()).hasSize(2);
        assertThat(((Binary) expr("1 = 2")).op()).isEqualTo(BinaryOp.EQ);
    }

    private static void assertError(String sql, String message) {
        assertThatThrownBy(() -> Parser.parseFirst(sql)).as(sql)
                .isInstanceOf(DatabaseException.class)
                .hasMessage(message);
    }

    @SuppressWarnings("unused")
    private static String join(String... parts) {
        return String.join(" ", Arrays.asList(parts));
    }
}
