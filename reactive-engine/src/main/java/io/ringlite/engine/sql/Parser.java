package io.ringlite.engine.sql;

import io.ringlite.engine.sql.Expr.BinaryOp;
import io.ringlite.engine.sql.Expr.UnaryOp;
import io.ringlite.engine.sql.Statement.*;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.DecimalText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for SQLite's SQL dialect. It accepts the whole grammar of "SQL As
 * Understood By SQLite" and builds the AST; deciding what compiles is left to the compiler.
 *
 * <p>Operator precedence, loosest first (SQLite's lang_expr): OR; AND; prefix NOT; the equality
 * family {@code = == != <> IS [NOT] [DISTINCT FROM] IN LIKE GLOB MATCH REGEXP BETWEEN ISNULL
 * NOTNULL NOT NULL}; {@code < <= > >=}; ESCAPE; {@code & | << >>}; {@code + -};
 * {@code * / %}; {@code || -> ->>}; prefix {@code - + ~} and postfix COLLATE. Each level is one
 * method, left-associative unless noted.
 *
 * <p>Errors are worded as SQLite words them: an unexpected token is {@code near "tok": syntax
 * error}; running out of text is {@code incomplete input}.
 */
public final class Parser {
    /** SQLite's compiled-in default of the CLI this project checks against (SQLITE_MAX_VARIABLE_NUMBER). */
    static final int MAX_VARIABLE_NUMBER = 250000;

    private final String sql;
    private final Lexer lexer;
    private final List<Token> ahead = new ArrayList<>();
    private int lastStart;
    private int lastEnd;
    private final List<String> paramNames = new ArrayList<>();
    private final Map<String, Integer> paramIndex = new HashMap<>();

    private Parser(String sql) {
        this.sql = sql;
        this.lexer = new Lexer(sql);
    }

    /**
     * Parses the first statement of {@code sql}; leading empty statements ({@code ;}) are
     * skipped. Returns null when the text holds only whitespace, comments and semicolons.
     */
    public static ParsedStatement parseFirst(String sql) {
        Parser p = new Parser(sql);
        while (p.peek().is(TokenType.SEMI)) {
            p.advance();
        }
        if (p.peek().is(TokenType.EOF)) {
            return null;
        }
        int start = p.peek().start();
        int explain = 0;
        if (p.peek().is(Keyword.EXPLAIN)) {
            p.advance();
            explain = 1;
            if (p.peek().is(Keyword.QUERY)) {
                p.advance();
                p.expect(Keyword.PLAN);
                explain = 2;
            }
        }
        Statement stmt = p.statement();
        int end = p.lastEnd;
        Token t = p.peek();
        String tail;
        if (t.is(TokenType.SEMI)) {
            tail = sql.substring(t.end());
        } else if (t.is(TokenType.EOF)) {
            tail = "";
        } else {
            throw p.syntaxError(t);
        }
        // Not List.copyOf: bare ? parameters have null names.
        return new ParsedStatement(stmt, explain, sql.substring(start, end), tail,
                java.util.Collections.unmodifiableList(new ArrayList<>(p.paramNames)));
    }

    // ---------------------------------------------------------------- token plumbing

    private Token peek() {
        return peek(0);
    }

    private Token peek(int n) {
        while (ahead.size() <= n) {
            ahead.add(lexer.next());
        }
        return ahead.get(n);
    }

    private Token advance() {
        Token t = peek();
        ahead.remove(0);
        lastStart = t.start();
        lastEnd = t.end();
        return t;
    }

    private boolean accept(Keyword k) {
        if (peek().is(k)) {
            advance();
            return true;
        }
        return false;
    }

    private boolean accept(TokenType t) {
        if (peek().is(t)) {
            advance();
            return true;
        }
        return false;
    }

    private Token expect(Keyword k) {
        if (!peek().is(k)) {
            throw syntaxError(peek());
        }
        return advance();
    }

    private Token expect(TokenType t) {
        if (!peek().is(t)) {
            throw syntaxError(peek());
        }
        return advance();
    }

    private DatabaseException syntaxError(Token t) {
        if (t.is(TokenType.EOF)) {
            return new DatabaseException(ResultCode.ERROR, "incomplete input");
        }
        return new DatabaseException(ResultCode.ERROR,
                "near \"" + sql.substring(t.start(), t.end()) + "\": syntax error");
    }

    /** A token that may be an identifier in an expression (SQLite's "id" plus JOIN_KW). */
    private static boolean isIdentifier(Token t) {
        return t.is(TokenType.ID) || t.is(TokenType.QUOTED_ID)
                || (t.is(TokenType.KEYWORD) && (t.keyword().fallback || t.keyword().joinKeyword()));
    }

    /** A token that may be a name ("nm": id, string, JOIN_KW). */
    private static boolean isName(Token t) {
        return isIdentifier(t) || t.is(TokenType.STRING);
    }

    /** A token that may be an implicit alias (SQLite's "ids": ID with fallbacks, or a string). */
    private static boolean isAliasToken(Token t) {
        return t.is(TokenType.ID) || t.is(TokenType.QUOTED_ID) || t.is(TokenType.STRING)
                || (t.is(TokenType.KEYWORD) && t.keyword().fallback);
    }

    private String name() {
        if (!isName(peek())) {
            throw syntaxError(peek());
        }
        return advance().text();
    }

    private QualifiedName qualifiedName() {
        String first = name();
        if (accept(TokenType.DOT)) {
            return new QualifiedName(first, name());
        }
        return new QualifiedName(null, first);
    }

    private String optionalAlias() {
        if (accept(Keyword.AS)) {
            return name();
        }
        if (isAliasToken(peek()) && !startsWindowClause()) {
            return advance().text();
        }
        return null;
    }

    /** WINDOW is a keyword only where a WINDOW clause starts ({@code WINDOW name AS}). */
    private boolean startsWindowClause() {
        return peek().is(Keyword.WINDOW) && isName(peek(1)) && peek(2).is(Keyword.AS);
    }

    private String textFrom(int start) {
        return sql.substring(start, lastEnd);
    }

    // ---------------------------------------------------------------- statements

    private Statement statement() {
        Token t = peek();
        if (t.is(TokenType.KEYWORD)) {
            switch (t.keyword()) {
                case SELECT, VALUES:
                    return select();
                case WITH:
                    return withStatement();
                case INSERT, REPLACE:
                    return insert(null);
                case UPDATE:
                    return update(null);
                case DELETE:
                    return delete(null);
                case CREATE:
                    return create();
                case DROP:
                    return drop();
                case ALTER:
                    return alter();
                case PRAGMA:
                    return pragma();
                case ATTACH:
                    return attach();
                case DETACH:
                    return detach();
                case VACUUM:
                    return vacuum();
                case ANALYZE:
                    advance();
                    return new Analyze(isName(peek()) ? qualifiedName() : null);
                case REINDEX:
                    advance();
                    return new Reindex(isName(peek()) ? qualifiedName() : null);
                case BEGIN:
                    return begin();
                case COMMIT, END:
                    advance();
                    transactionName();
                    return new Commit();
                case ROLLBACK:
                    return rollback();
                case SAVEPOINT:
                    advance();
                    return new Savepoint(name());
                case RELEASE:
                    advance();
                    accept(Keyword.SAVEPOINT);
                    return new Release(name());
                default:
                    break;
            }
        }
        throw syntaxError(t);
    }

    private Statement withStatement() {
        Select.With with = with();
        Token t = peek();
        if (t.is(Keyword.INSERT) || t.is(Keyword.REPLACE)) {
            return insert(with);
        }
        if (t.is(Keyword.UPDATE)) {
            return update(with);
        }
        if (t.is(Keyword.DELETE)) {
            return delete(with);
        }
        return selectAfterWith(with);
    }

    private void transactionName() {
        if (accept(Keyword.TRANSACTION) && isName(peek())) {
            advance();
        }
    }

    private Statement begin() {
        advance();
        TransactionKind kind = TransactionKind.DEFERRED;
        if (accept(Keyword.DEFERRED)) {
            kind = TransactionKind.DEFERRED;
        } else if (accept(Keyword.IMMEDIATE)) {
            kind = TransactionKind.IMMEDIATE;
        } else if (accept(Keyword.EXCLUSIVE)) {
            kind = TransactionKind.EXCLUSIVE;
        }
        transactionName();
        return new Begin(kind);
    }

    private Statement rollback() {
        advance();
        accept(Keyword.TRANSACTION);
        if (accept(Keyword.TO)) {
            accept(Keyword.SAVEPOINT);
            return new Rollback(name());
        }
        return new Rollback(null);
    }

    private Statement pragma() {
        advance();
        QualifiedName name = qualifiedName();
        Expr value = null;
        if (accept(TokenType.EQ)) {
            value = pragmaValue();
        } else if (accept(TokenType.LP)) {
            value = pragmaValue();
            expect(TokenType.RP);
        }
        return new Pragma(name, value);
    }

    private Expr pragmaValue() {
        Token t = peek();
        if (t.is(TokenType.PLUS) || t.is(TokenType.MINUS) || t.is(TokenType.INTEGER) || t.is(TokenType.FLOAT)) {
            return signedNumber();
        }
        if (isName(t) || t.is(Keyword.ON) || t.is(Keyword.DELETE) || t.is(Keyword.DEFAULT)) {
            return new Expr.Literal(advance().text());
        }
        throw syntaxError(t);
    }

    private Expr signedNumber() {
        boolean negative = false;
        if (accept(TokenType.MINUS)) {
            negative = true;
        } else {
            accept(TokenType.PLUS);
        }
        Token t = peek();
        if (!t.is(TokenType.INTEGER) && !t.is(TokenType.FLOAT)) {
            throw syntaxError(t);
        }
        if (negative && t.is(TokenType.INTEGER) && t.text().equals("9223372036854775808")) {
            advance();
            return new Expr.Literal(Long.MIN_VALUE);
        }
        Expr lit = numberLiteral(advance());
        return negative ? negate(lit) : lit;
    }

    private static Expr negate(Expr lit) {
        Object v = ((Expr.Literal) lit).value();
        return new Expr.Literal(v instanceof Long l ? (Object) (-l) : (Object) (-(Double) v));
    }

    private Statement attach() {
        advance();
        accept(Keyword.DATABASE);
        Expr file = expr();
        expect(Keyword.AS);
        Expr schema = expr();
        Expr key = null;
        if (accept(Keyword.KEY)) {
            key = expr();
        }
        return new Attach(file, schema, key);
    }

    private Statement detach() {
        advance();
        accept(Keyword.DATABASE);
        return new Detach(expr());
    }

    private Statement vacuum() {
        advance();
        String schema = null;
        if (isName(peek()) && !peek().is(TokenType.STRING)) {
            schema = advance().text();
        }
        Expr into = null;
        if (accept(Keyword.INTO)) {
            into = expr();
        }
        return new Vacuum(schema, into);
    }

    // ---------------------------------------------------------------- DDL

    private Statement create() {
        advance();
        boolean temp = accept(Keyword.TEMP) || accept(Keyword.TEMPORARY);
        if (accept(Keyword.TABLE)) {
            return createTable(temp);
        }
        if (accept(Keyword.VIEW)) {
            return createView(temp);
        }
        if (accept(Keyword.TRIGGER)) {
            return createTrigger(temp);
        }
        if (!temp) {
            if (accept(Keyword.UNIQUE)) {
                expect(Keyword.INDEX);
                return createIndex(true);
            }
            if (accept(Keyword.INDEX)) {
                return createIndex(false);
            }
            if (accept(Keyword.VIRTUAL)) {
                expect(Keyword.TABLE);
                return createVirtualTable();
            }
        }
        throw syntaxError(peek());
    }

    private boolean ifNotExists() {
        if (peek().is(Keyword.IF)) {
            advance();
            expect(Keyword.NOT);
            expect(Keyword.EXISTS);
            return true;
        }
        return false;
    }

    private Statement createTable(boolean temp) {
        boolean ifNotExists = ifNotExists();
        int defStart = peek().start();
        QualifiedName name = qualifiedName();
        if (name.schema() != null) {
            // SQLite stores the definition from the table name on, without the schema prefix.
            defStart = lastStart;
        }
        if (accept(Keyword.AS)) {
            Select select = select();
            return new CreateTable(temp, ifNotExists, name, List.of(), List.of(), false, false, select,
                    textFrom(defStart));
        }
        expect(TokenType.LP);
        List<ColumnDef> columns = new ArrayList<>();
        List<TableConstraint> constraints = new ArrayList<>();
        columns.add(columnDef());
        while (accept(TokenType.COMMA)) {
            if (startsTableConstraint(peek())) {
                constraints.add(tableConstraint());
                break;
            }
            columns.add(columnDef());
        }
        while (!peek().is(TokenType.RP)) {
            accept(TokenType.COMMA);
            if (!startsTableConstraint(peek())) {
                throw syntaxError(peek());
            }
            constraints.add(tableConstraint());
        }
        expect(TokenType.RP);
        boolean withoutRowid = false;
        boolean strict = false;
        do {
            if (peek().is(Keyword.WITHOUT)) {
                advance();
                Token r = peek();
                if (!(isName(r) && r.text().equalsIgnoreCase("rowid"))) {
                    throw new DatabaseException(ResultCode.ERROR, "unknown table option: " + r.text());
                }
                advance();
                withoutRowid = true;
            } else if (peek().is(TokenType.ID)) {
                Token opt = advance();
                if (!opt.text().equalsIgnoreCase("strict")) {
                    throw new DatabaseException(ResultCode.ERROR, "unknown table option: " + opt.text());
                }
                strict = true;
            } else {
                break;
            }
        } while (accept(TokenType.COMMA));
        return new CreateTable(temp, ifNotExists, name, columns, constraints, withoutRowid, strict, null,
                textFrom(defStart));
    }

    private static boolean startsTableConstraint(Token t) {
        return t.is(Keyword.CONSTRAINT) || t.is(Keyword.PRIMARY) || t.is(Keyword.UNIQUE)
                || t.is(Keyword.CHECK) || t.is(Keyword.FOREIGN);
    }

    private ColumnDef columnDef() {
        String name = name();
        String type = typeName();
        List<ColumnConstraint> constraints = new ArrayList<>();
        while (true) {
            String cname = null;
            if (accept(Keyword.CONSTRAINT)) {
                cname = name();
            }
            ColumnConstraint c = columnConstraint(cname);
            if (c == null) {
                if (cname != null) {
                    throw syntaxError(peek());
                }
                break;
            }
            constraints.add(c);
        }
        return new ColumnDef(name, type, List.copyOf(constraints));
    }

    /** The declared type, as written from its first to its last token, or null. */
    private String typeName() {
        Token t = peek();
        if (!isTypeWord(t)) {
            return null;
        }
        int start = t.start();
        while (isTypeWord(peek())) {
            advance();
        }
        if (accept(TokenType.LP)) {
            signedNumber();
            if (accept(TokenType.COMMA)) {
                signedNumber();
            }
            expect(TokenType.RP);
        }
        return textFrom(start);
    }

    private boolean isTypeWord(Token t) {
        if (t.is(Keyword.GENERATED) && peek(1).is(Keyword.ALWAYS)) {
            return false;
        }
        return t.is(TokenType.ID) || t.is(TokenType.QUOTED_ID) || t.is(TokenType.STRING)
                || (t.is(TokenType.KEYWORD) && t.keyword().fallback);
    }

    private ColumnConstraint columnConstraint(String cname) {
        Token t = peek();
        if (accept(Keyword.PRIMARY)) {
            expect(Keyword.KEY);
            boolean desc = false;
            if (accept(Keyword.DESC)) {
                desc = true;
            } else {
                accept(Keyword.ASC);
            }
            Conflict conflict = onConflict();
            boolean autoinc = accept(Keyword.AUTOINCREMENT);
            return new PrimaryKey(cname, desc, conflict, autoinc);
        }
        if (t.is(Keyword.NOT) && peek(1).is(Keyword.NULL)) {
            advance();
            advance();
            return new NotNull(cname, onConflict());
        }
        if (accept(Keyword.NULL)) {
            onConflict();
            return new Nullable(cname);
        }
        if (accept(Keyword.UNIQUE)) {
            return new Unique(cname, onConflict());
        }
        if (accept(Keyword.CHECK)) {
            expect(TokenType.LP);
            int start = peek().start();
            Expr e = expr();
            String text = textFrom(start);
            expect(TokenType.RP);
            return new Check(cname, e, text);
        }
        if (accept(Keyword.DEFAULT)) {
            int start = peek().start();
            Expr value;
            Token v = peek();
            if (accept(TokenType.LP)) {
                value = expr();
                expect(TokenType.RP);
            } else if (v.is(TokenType.PLUS) || v.is(TokenType.MINUS)) {
                value = signedNumber();
            } else if (v.is(TokenType.INTEGER) || v.is(TokenType.FLOAT) || v.is(TokenType.STRING)
                    || v.is(TokenType.BLOB) || v.is(Keyword.NULL) || v.is(Keyword.CURRENT_DATE)
                    || v.is(Keyword.CURRENT_TIME) || v.is(Keyword.CURRENT_TIMESTAMP)) {
                value = primary();
            } else if (isIdentifier(v)) {
                // DEFAULT id: SQLite takes a bare word (e.g. TRUE, or an unquoted string) as text,
                // except true/false which it treats as 1/0.
                String word = advance().text();
                value = word.equalsIgnoreCase("true") ? new Expr.Literal(1L)
                        : word.equalsIgnoreCase("false") ? new Expr.Literal(0L)
                        : new Expr.Literal(word);
            } else {
                throw syntaxError(v);
            }
            return new Default(cname, value, textFrom(start));
        }
        if (accept(Keyword.COLLATE)) {
            return new CollateConstraint(cname, name());
        }
        if (accept(Keyword.REFERENCES)) {
            return new References(cname, foreignKeyClause());
        }
        if (t.is(Keyword.GENERATED) || t.is(Keyword.AS)) {
            if (accept(Keyword.GENERATED)) {
                expect(Keyword.ALWAYS);
            }
            expect(Keyword.AS);
            expect(TokenType.LP);
            Expr e = expr();
            expect(TokenType.RP);
            boolean stored = false;
            if (peek().is(TokenType.ID) && peek().text().equalsIgnoreCase("stored")) {
                advance();
                stored = true;
            } else if (accept(Keyword.VIRTUAL)) {
                stored = false;
            }
            return new Generated(cname, e, stored);
        }
        return null;
    }

    private Conflict onConflict() {
        if (peek().is(Keyword.ON) && peek(1).is(Keyword.CONFLICT)) {
            advance();
            advance();
            return conflictAlgorithm();
        }
        return null;
    }

    private Conflict conflictAlgorithm() {
        Token t = advance();
        if (t.keyword() != null) {
            switch (t.keyword()) {
                case ROLLBACK: return Conflict.ROLLBACK;
                case ABORT: return Conflict.ABORT;
                case FAIL: return Conflict.FAIL;
                case IGNORE: return Conflict.IGNORE;
                case REPLACE: return Conflict.REPLACE;
                default: break;
            }
        }
        throw syntaxError(t);
    }

    private ForeignKey foreignKeyClause() {
        String table = name();
        List<String> columns = List.of();
        if (accept(TokenType.LP)) {
            columns = nameList();
            expect(TokenType.RP);
        }
        List<String> clauses = new ArrayList<>();
        while (true) {
            int start = peek().start();
            if (accept(Keyword.ON)) {
                if (!accept(Keyword.DELETE)) {
                    expect(Keyword.UPDATE);
                }
                if (accept(Keyword.SET)) {
                    if (!accept(Keyword.NULL)) {
                        expect(Keyword.DEFAULT);
                    }
                } else if (accept(Keyword.NO)) {
                    expect(Keyword.ACTION);
                } else if (!accept(Keyword.CASCADE)) {
                    expect(Keyword.RESTRICT);
                }
            } else if (accept(Keyword.MATCH)) {
                name();
            } else if (peek().is(Keyword.DEFERRABLE) || (peek().is(Keyword.NOT) && peek(1).is(Keyword.DEFERRABLE))) {
                accept(Keyword.NOT);
                advance();
                if (accept(Keyword.INITIALLY)) {
                    if (!accept(Keyword.DEFERRED)) {
                        expect(Keyword.IMMEDIATE);
                    }
                }
            } else {
                break;
            }
            clauses.add(textFrom(start));
        }
        return new ForeignKey(table, columns, List.copyOf(clauses));
    }

    private TableConstraint tableConstraint() {
        String cname = null;
        if (accept(Keyword.CONSTRAINT)) {
            cname = name();
        }
        if (accept(Keyword.PRIMARY)) {
            expect(Keyword.KEY);
            expect(TokenType.LP);
            List<IndexedColumn> cols = indexedColumns();
            boolean autoinc = accept(Keyword.AUTOINCREMENT);
            expect(TokenType.RP);
            return new TablePrimaryKey(cname, cols, onConflict(), autoinc);
        }
        if (accept(Keyword.UNIQUE)) {
            expect(TokenType.LP);
            List<IndexedColumn> cols = indexedColumns();
            expect(TokenType.RP);
            return new TableUnique(cname, cols, onConflict());
        }
        if (accept(Keyword.CHECK)) {
            expect(TokenType.LP);
            int start = peek().start();
            Expr e = expr();
            String text = textFrom(start);
            expect(TokenType.RP);
            return new TableCheck(cname, e, text);
        }
        if (accept(Keyword.FOREIGN)) {
            expect(Keyword.KEY);
            expect(TokenType.LP);
            List<String> cols = nameList();
            expect(TokenType.RP);
            expect(Keyword.REFERENCES);
            return new TableForeignKey(cname, cols, foreignKeyClause());
        }
        throw syntaxError(peek());
    }

    private List<IndexedColumn> indexedColumns() {
        List<IndexedColumn> cols = new ArrayList<>();
        do {
            Expr e = expr();
            String collation = null;
            if (e instanceof Expr.Collate c) {
                e = c.operand();
                collation = c.collation();
            }
            boolean desc = false;
            if (accept(Keyword.DESC)) {
                desc = true;
            } else {
                accept(Keyword.ASC);
            }
            cols.add(new IndexedColumn(e, collation, desc));
        } while (accept(TokenType.COMMA));
        return List.copyOf(cols);
    }

    private List<String> nameList() {
        List<String> names = new ArrayList<>();
        do {
            names.add(name());
        } while (accept(TokenType.COMMA));
        return List.copyOf(names);
    }

    private Statement createIndex(boolean unique) {
        boolean ifNotExists = ifNotExists();
        int defStart = peek().start();
        QualifiedName name = qualifiedName();
        if (name.schema() != null) {
            defStart = lastStart;
        }
        expect(Keyword.ON);
        String table = name();
        expect(TokenType.LP);
        List<IndexedColumn> cols = indexedColumns();
        expect(TokenType.RP);
        Expr where = null;
        if (accept(Keyword.WHERE)) {
            where = expr();
        }
        return new CreateIndex(unique, ifNotExists, name, table, cols, where, textFrom(defStart));
    }

    private Statement createView(boolean temp) {
        boolean ifNotExists = ifNotExists();
        int defStart = peek().start();
        QualifiedName name = qualifiedName();
        if (name.schema() != null) {
            defStart = lastStart;
        }
        List<String> columns = List.of();
        if (accept(TokenType.LP)) {
            columns = nameList();
            expect(TokenType.RP);
        }
        expect(Keyword.AS);
        Select select = select();
        return new CreateView(temp, ifNotExists, name, columns, select, textFrom(defStart));
    }

    private Statement createTrigger(boolean temp) {
        boolean ifNotExists = ifNotExists();
        QualifiedName name = qualifiedName();
        String time = null;
        if (accept(Keyword.BEFORE)) {
            time = "BEFORE";
        } else if (accept(Keyword.AFTER)) {
            time = "AFTER";
        } else if (accept(Keyword.INSTEAD)) {
            expect(Keyword.OF);
            time = "INSTEAD OF";
        }
        String event;
        List<String> updateOf = List.of();
        if (accept(Keyword.DELETE)) {
            event = "DELETE";
        } else if (accept(Keyword.INSERT)) {
            event = "INSERT";
        } else if (accept(Keyword.UPDATE)) {
            event = "UPDATE";
            if (accept(Keyword.OF)) {
                updateOf = nameList();
            }
        } else {
            throw syntaxError(peek());
        }
        expect(Keyword.ON);
        String table = qualifiedName().name();
        boolean forEachRow = false;
        if (accept(Keyword.FOR)) {
            expect(Keyword.EACH);
            expect(Keyword.ROW);
            forEachRow = true;
        }
        Expr when = null;
        if (accept(Keyword.WHEN)) {
            when = expr();
        }
        expect(Keyword.BEGIN);
        List<Statement> body = new ArrayList<>();
        do {
            Token t = peek();
            Statement s;
            if (t.is(Keyword.UPDATE)) {
                s = update(null);
            } else if (t.is(Keyword.INSERT) || t.is(Keyword.REPLACE)) {
                s = insert(null);
            } else if (t.is(Keyword.DELETE)) {
                s = delete(null);
            } else if (t.is(Keyword.SELECT) || t.is(Keyword.VALUES) || t.is(Keyword.WITH)) {
                s = select();
            } else {
                throw syntaxError(t);
            }
            body.add(s);
            expect(TokenType.SEMI);
        } while (!peek().is(Keyword.END));
        expect(Keyword.END);
        return new CreateTrigger(temp, ifNotExists, name, time, event, updateOf, table, forEachRow, when,
                List.copyOf(body));
    }

    private Statement createVirtualTable() {
        boolean ifNotExists = ifNotExists();
        QualifiedName name = qualifiedName();
        expect(Keyword.USING);
        String module = name();
        List<String> args = new ArrayList<>();
        if (accept(TokenType.LP)) {
            int depth = 0;
            int argStart = peek().start();
            while (true) {
                Token t = peek();
                if (t.is(TokenType.EOF)) {
                    throw syntaxError(t);
                }
                if (depth == 0 && (t.is(TokenType.COMMA) || t.is(TokenType.RP))) {
                    String arg = sql.substring(argStart, t.start()).strip();
                    if (!arg.isEmpty()) {
                        args.add(arg);
                    }
                    advance();
                    if (t.is(TokenType.RP)) {
                        break;
                    }
                    argStart = peek().start();
                    continue;
                }
                if (t.is(TokenType.LP)) {
                    depth++;
                } else if (t.is(TokenType.RP)) {
                    depth--;
                }
                advance();
            }
        }
        return new CreateVirtualTable(ifNotExists, name, module, List.copyOf(args));
    }

    private Statement drop() {
        advance();
        ObjectKind kind;
        if (accept(Keyword.TABLE)) {
            kind = ObjectKind.TABLE;
        } else if (accept(Keyword.INDEX)) {
            kind = ObjectKind.INDEX;
        } else if (accept(Keyword.VIEW)) {
            kind = ObjectKind.VIEW;
        } else if (accept(Keyword.TRIGGER)) {
            kind = ObjectKind.TRIGGER;
        } else {
            throw syntaxError(peek());
        }
        boolean ifExists = false;
        if (accept(Keyword.IF)) {
            expect(Keyword.EXISTS);
            ifExists = true;
        }
        return new Drop(kind, ifExists, qualifiedName());
    }

    private Statement alter() {
        advance();
        expect(Keyword.TABLE);
        QualifiedName table = qualifiedName();
        if (accept(Keyword.RENAME)) {
            if (accept(Keyword.TO)) {
                return new AlterTable(table, new RenameTable(name()));
            }
            accept(Keyword.COLUMN);
            String old = name();
            expect(Keyword.TO);
            return new AlterTable(table, new RenameColumn(old, name()));
        }
        if (accept(Keyword.ADD)) {
            accept(Keyword.COLUMN);
            return new AlterTable(table, new AddColumn(columnDef()));
        }
        if (accept(Keyword.DROP)) {
            accept(Keyword.COLUMN);
            return new AlterTable(table, new DropColumn(name()));
        }
        throw syntaxError(peek());
    }

    // ---------------------------------------------------------------- DML

    private Statement insert(Select.With with) {
        Conflict conflict = null;
        if (accept(Keyword.REPLACE)) {
            conflict = Conflict.REPLACE;
        } else {
            expect(Keyword.INSERT);
            if (accept(Keyword.OR)) {
                conflict = conflictAlgorithm();
            }
        }
        expect(Keyword.INTO);
        QualifiedName table = qualifiedName();
        String alias = null;
        if (accept(Keyword.AS)) {
            alias = name();
        }
        List<String> columns = List.of();
        if (peek().is(TokenType.LP)) {
            advance();
            columns = nameList();
            expect(TokenType.RP);
        }
        InsertSource source;
        if (peek().is(Keyword.DEFAULT)) {
            advance();
            expect(Keyword.VALUES);
            source = new DefaultValues();
        } else {
            Select select = select();
            if (with == null && select.with() == null && select.body() instanceof Select.Values v
                    && select.orderBy().isEmpty() && select.limit() == null) {
                source = new Rows(v.rows());
            } else {
                source = new FromSelect(select);
            }
        }
        List<Upsert> upserts = new ArrayList<>();
        while (peek().is(Keyword.ON) && peek(1).is(Keyword.CONFLICT)) {
            advance();
            advance();
            List<IndexedColumn> target = List.of();
            Expr targetWhere = null;
            if (accept(TokenType.LP)) {
                target = indexedColumns();
                expect(TokenType.RP);
                if (accept(Keyword.WHERE)) {
                    targetWhere = expr();
                }
            }
            expect(Keyword.DO);
            if (accept(Keyword.NOTHING)) {
                upserts.add(new Upsert(target, targetWhere, List.of(), null));
            } else {
                expect(Keyword.UPDATE);
                expect(Keyword.SET);
                List<SetClause> set = setClauses();
                Expr where = null;
                if (accept(Keyword.WHERE)) {
                    where = expr();
                }
                upserts.add(new Upsert(target, targetWhere, set, where));
            }
        }
        return new Insert(with, conflict, table, alias, columns, source, List.copyOf(upserts), returning());
    }

    private List<SetClause> setClauses() {
        List<SetClause> set = new ArrayList<>();
        do {
            List<String> cols;
            if (accept(TokenType.LP)) {
                cols = nameList();
                expect(TokenType.RP);
            } else {
                cols = List.of(name());
            }
            expect(TokenType.EQ);
            set.add(new SetClause(cols, expr()));
        } while (accept(TokenType.COMMA));
        return List.copyOf(set);
    }

    private List<Returning> returning() {
        if (!accept(Keyword.RETURNING)) {
            return List.of();
        }
        List<Returning> items = new ArrayList<>();
        do {
            if (accept(TokenType.STAR)) {
                items.add(new Returning(null, null, "*"));
                continue;
            }
            int start = peek().start();
            Expr e = expr();
            String text = textFrom(start);
            items.add(new Returning(e, optionalAlias(), text));
        } while (accept(TokenType.COMMA));
        return List.copyOf(items);
    }

    private String indexedBy() {
        if (peek().is(Keyword.INDEXED)) {
            advance();
            expect(Keyword.BY);
            return name();
        }
        if (peek().is(Keyword.NOT) && peek(1).is(Keyword.INDEXED)) {
            advance();
            advance();
            return "";
        }
        return null;
    }

    private Statement update(Select.With with) {
        expect(Keyword.UPDATE);
        Conflict conflict = null;
        if (accept(Keyword.OR)) {
            conflict = conflictAlgorithm();
        }
        QualifiedName table = qualifiedName();
        String alias = null;
        if (accept(Keyword.AS)) {
            alias = name();
        } else if (isAliasToken(peek()) && !peek().is(Keyword.INDEXED)) {
            alias = advance().text();
        }
        String indexedBy = indexedBy();
        expect(Keyword.SET);
        List<SetClause> set = setClauses();
        Select.From from = null;
        if (accept(Keyword.FROM)) {
            from = fromClause();
        }
        Expr where = null;
        if (accept(Keyword.WHERE)) {
            where = expr();
        }
        List<Returning> returning = returning();
        List<Select.OrderingTerm> orderBy = orderBy();
        Expr[] limit = limit();
        return new Update(with, conflict, table, alias, indexedBy, set, from, where, returning, orderBy,
                limit[0], limit[1]);
    }

    private Statement delete(Select.With with) {
        expect(Keyword.DELETE);
        expect(Keyword.FROM);
        QualifiedName table = qualifiedName();
        String alias = null;
        if (accept(Keyword.AS)) {
            alias = name();
        } else if (isAliasToken(peek()) && !peek().is(Keyword.INDEXED)) {
            alias = advance().text();
        }
        String indexedBy = indexedBy();
        Expr where = null;
        if (accept(Keyword.WHERE)) {
            where = expr();
        }
        List<Returning> returning = returning();
        List<Select.OrderingTerm> orderBy = orderBy();
        Expr[] limit = limit();
        return new Delete(with, table, alias, indexedBy, where, returning, orderBy, limit[0], limit[1]);
    }

    // ---------------------------------------------------------------- SELECT

    private Select.With with() {
        expect(Keyword.WITH);
        boolean recursive = accept(Keyword.RECURSIVE);
        List<Select.Cte> ctes = new ArrayList<>();
        do {
            String name = name();
            List<String> cols = List.of();
            if (accept(TokenType.LP)) {
                cols = nameList();
                expect(TokenType.RP);
            }
            expect(Keyword.AS);
            Boolean materialized = null;
            if (accept(Keyword.MATERIALIZED)) {
                materialized = true;
            } else if (peek().is(Keyword.NOT) && peek(1).is(Keyword.MATERIALIZED)) {
                advance();
                advance();
                materialized = false;
            }
            expect(TokenType.LP);
            Select s = select();
            expect(TokenType.RP);
            ctes.add(new Select.Cte(name, cols, materialized, s));
        } while (accept(TokenType.COMMA));
        return new Select.With(recursive, List.copyOf(ctes));
    }

    /** {@code [WITH ...] body [ORDER BY ...] [LIMIT ...]}. */
    private Select select() {
        Select.With with = peek().is(Keyword.WITH) ? with() : null;
        return selectAfterWith(with);
    }

    private Select selectAfterWith(Select.With with) {
        Select.Body body = oneSelect();
        while (true) {
            Select.CompoundOp op;
            if (accept(Keyword.UNION)) {
                op = accept(Keyword.ALL) ? Select.CompoundOp.UNION_ALL : Select.CompoundOp.UNION;
            } else if (accept(Keyword.INTERSECT)) {
                op = Select.CompoundOp.INTERSECT;
            } else if (accept(Keyword.EXCEPT)) {
                op = Select.CompoundOp.EXCEPT;
            } else {
                break;
            }
            body = new Select.Compound(body, op, oneSelect());
        }
        List<Select.OrderingTerm> orderBy = orderBy();
        Expr[] limit = limit();
        return new Select(with, body, orderBy, limit[0], limit[1]);
    }

    private List<Select.OrderingTerm> orderBy() {
        if (!peek().is(Keyword.ORDER)) {
            return List.of();
        }
        advance();
        expect(Keyword.BY);
        return orderingTerms();
    }

    private List<Select.OrderingTerm> orderingTerms() {
        List<Select.OrderingTerm> terms = new ArrayList<>();
        do {
            Expr e = expr();
            boolean desc = false;
            if (accept(Keyword.DESC)) {
                desc = true;
            } else {
                accept(Keyword.ASC);
            }
            Boolean nullsFirst = null;
            if (accept(Keyword.NULLS)) {
                if (accept(Keyword.FIRST)) {
                    nullsFirst = true;
                } else {
                    expect(Keyword.LAST);
                    nullsFirst = false;
                }
            }
            terms.add(new Select.OrderingTerm(e, desc, nullsFirst));
        } while (accept(TokenType.COMMA));
        return List.copyOf(terms);
    }

    /** {@code LIMIT a [OFFSET b]} or {@code LIMIT b, a}: returns {limit, offset}. */
    private Expr[] limit() {
        if (!accept(Keyword.LIMIT)) {
            return new Expr[2];
        }
        Expr first = expr();
        if (accept(Keyword.OFFSET)) {
            return new Expr[] {first, expr()};
        }
        if (accept(TokenType.COMMA)) {
            // LIMIT offset, count: the first number is the offset (SQLite's documented quirk).
            return new Expr[] {expr(), first};
        }
        return new Expr[] {first, null};
    }

    private Select.Body oneSelect() {
        if (accept(Keyword.VALUES)) {
            List<List<Expr>> rows = new ArrayList<>();
            do {
                expect(TokenType.LP);
                rows.add(exprList());
                expect(TokenType.RP);
            } while (accept(TokenType.COMMA));
            return new Select.Values(List.copyOf(rows));
        }
        expect(Keyword.SELECT);
        boolean distinct = false;
        if (accept(Keyword.DISTINCT)) {
            distinct = true;
        } else {
            accept(Keyword.ALL);
        }
        List<Select.ResultColumn> columns = new ArrayList<>();
        do {
            columns.add(resultColumn());
        } while (accept(TokenType.COMMA));
        Select.From from = null;
        if (accept(Keyword.FROM)) {
            from = fromClause();
        }
        Expr where = null;
        if (accept(Keyword.WHERE)) {
            where = expr();
        }
        List<Expr> groupBy = List.of();
        Expr having = null;
        if (peek().is(Keyword.GROUP)) {
            advance();
            expect(Keyword.BY);
            groupBy = exprList();
        }
        if (accept(Keyword.HAVING)) {
            having = expr();
        }
        List<Select.NamedWindow> windows = List.of();
        if (startsWindowClause()) {
            advance();
            List<Select.NamedWindow> ws = new ArrayList<>();
            do {
                String n = name();
                expect(Keyword.AS);
                ws.add(new Select.NamedWindow(n, windowDefinition()));
            } while (accept(TokenType.COMMA));
            windows = List.copyOf(ws);
        }
        return new Select.Core(distinct, List.copyOf(columns), from, where, groupBy, having, windows);
    }

    private Select.ResultColumn resultColumn() {
        if (accept(TokenType.STAR)) {
            return new Select.Star();
        }
        if (isName(peek()) && peek(1).is(TokenType.DOT) && peek(2).is(TokenType.STAR)) {
            String table = advance().text();
            advance();
            advance();
            return new Select.TableStar(table);
        }
        int start = peek().start();
        Expr e = expr();
        String text = textFrom(start);
        return new Select.ExprColumn(e, optionalAlias(), text);
    }

    private Select.From fromClause() {
        Select.From left = tableOrSubquery();
        while (true) {
            String op = joinOperator();
            if (op == null) {
                return left;
            }
            Select.From right = tableOrSubquery();
            Expr on = null;
            List<String> using = List.of();
            if (accept(Keyword.ON)) {
                on = expr();
            } else if (accept(Keyword.USING)) {
                expect(TokenType.LP);
                using = nameList();
                expect(TokenType.RP);
            }
            left = new Select.Join(left, op, right, on, using);
        }
    }

    private String joinOperator() {
        if (accept(TokenType.COMMA)) {
            return ",";
        }
        if (accept(Keyword.JOIN)) {
            return "JOIN";
        }
        if (peek().is(TokenType.KEYWORD) && peek().keyword().joinKeyword()) {
            StringBuilder op = new StringBuilder();
            while (peek().is(TokenType.KEYWORD) && peek().keyword().joinKeyword()) {
                op.append(peek().keyword().name()).append(' ');
                advance();
            }
            expect(Keyword.JOIN);
            return op.append("JOIN").toString();
        }
        return null;
    }

    private Select.From tableOrSubquery() {
        if (accept(TokenType.LP)) {
            Token t = peek();
            if (t.is(Keyword.SELECT) || t.is(Keyword.VALUES) || t.is(Keyword.WITH)) {
                Select s = select();
                expect(TokenType.RP);
                return new Select.SubqueryRef(s, optionalAlias());
            }
            Select.From inner = fromClause();
            expect(TokenType.RP);
            String alias = optionalAlias();
            if (alias != null) {
                // A parenthesised join with an alias: SQLite treats it as a subquery.
                return new Select.SubqueryRef(new Select(null,
                        new Select.Core(false, List.of(new Select.Star()), inner, null, List.of(), null, List.of()),
                        List.of(), null, null), alias);
            }
            return inner;
        }
        QualifiedName name = qualifiedName();
        if (accept(TokenType.LP)) {
            List<Expr> args = peek().is(TokenType.RP) ? List.of() : exprList();
            expect(TokenType.RP);
            return new Select.TableFunction(name.schema(), name.name(), args, optionalAlias());
        }
        String alias = optionalAlias();
        return new Select.TableName(name.schema(), name.name(), alias, indexedBy());
    }

    private Select.Window windowDefinition() {
        expect(TokenType.LP);
        String base = null;
        if (isName(peek()) && !peek().is(Keyword.PARTITION) && !peek().is(Keyword.ORDER)
                && !peek().is(Keyword.RANGE) && !peek().is(Keyword.ROWS) && !peek().is(Keyword.GROUPS)) {
            base = advance().text();
        }
        List<Expr> partition = List.of();
        if (accept(Keyword.PARTITION)) {
            expect(Keyword.BY);
            partition = exprList();
        }
        List<Select.OrderingTerm> order = orderBy();
        String frame = null;
        if (peek().is(Keyword.RANGE) || peek().is(Keyword.ROWS) || peek().is(Keyword.GROUPS)) {
            int start = peek().start();
            int depth = 0;
            while (depth > 0 || !peek().is(TokenType.RP)) {
                Token t = advance();
                if (t.is(TokenType.EOF)) {
                    throw syntaxError(t);
                }
                if (t.is(TokenType.LP)) {
                    depth++;
                } else if (t.is(TokenType.RP)) {
                    depth--;
                }
            }
            frame = textFrom(start);
        }
        expect(TokenType.RP);
        return new Select.Window(base, partition, order, frame);
    }

    // ---------------------------------------------------------------- expressions

    private List<Expr> exprList() {
        List<Expr> list = new ArrayList<>();
        do {
            list.add(expr());
        } while (accept(TokenType.COMMA));
        return List.copyOf(list);
    }

    /** Parses one expression. */
    public Expr expr() {
        return orExpr();
    }

    private Expr orExpr() {
        Expr left = andExpr();
        while (accept(Keyword.OR)) {
            left = new Expr.Binary(BinaryOp.OR, left, andExpr());
        }
        return left;
    }

    private Expr andExpr() {
        Expr left = notExpr();
        while (accept(Keyword.AND)) {
            left = new Expr.Binary(BinaryOp.AND, left, notExpr());
        }
        return left;
    }

    private Expr notExpr() {
        if (accept(Keyword.NOT)) {
            return new Expr.Unary(UnaryOp.NOT, notExpr());
        }
        return equalityExpr();
    }

    private Expr equalityExpr() {
        Expr left = comparisonExpr();
        while (true) {
            Token t = peek();
            if (t.is(TokenType.EQ)) {
                advance();
                left = new Expr.Binary(BinaryOp.EQ, left, comparisonExpr());
            } else if (t.is(TokenType.NE)) {
                advance();
                left = new Expr.Binary(BinaryOp.NE, left, comparisonExpr());
            } else if (t.is(Keyword.IS)) {
                advance();
                boolean not = accept(Keyword.NOT);
                if (accept(Keyword.DISTINCT)) {
                    expect(Keyword.FROM);
                    not = !not;
                }
                if (peek().is(Keyword.NULL)) {
                    advance();
                    left = new Expr.NullTest(left, not);
                } else {
                    left = new Expr.Binary(not ? BinaryOp.IS_NOT : BinaryOp.IS, left, comparisonExpr());
                }
            } else if (t.is(Keyword.ISNULL)) {
                advance();
                left = new Expr.NullTest(left, false);
            } else if (t.is(Keyword.NOTNULL)) {
                advance();
                left = new Expr.NullTest(left, true);
            } else if (t.is(Keyword.NOT) && peek(1).is(Keyword.NULL)) {
                advance();
                advance();
                left = new Expr.NullTest(left, true);
            } else if (t.is(Keyword.NOT) && isNegatable(peek(1))) {
                advance();
                left = negatableOperator(left, true);
            } else if (isNegatable(t)) {
                left = negatableOperator(left, false);
            } else {
                return left;
            }
        }
    }

    private static boolean isNegatable(Token t) {
        return t.is(Keyword.IN) || t.is(Keyword.LIKE) || t.is(Keyword.GLOB) || t.is(Keyword.MATCH)
                || t.is(Keyword.REGEXP) || t.is(Keyword.BETWEEN);
    }

    private Expr negatableOperator(Expr left, boolean not) {
        Token t = advance();
        switch (t.keyword()) {
            case BETWEEN: {
                Expr low = comparisonExpr();
                expect(Keyword.AND);
                Expr high = comparisonExpr();
                return new Expr.Between(left, not, low, high);
            }
            case IN:
                return inTail(left, not);
            default: {
                Expr pattern = comparisonExpr();
                Expr escape = null;
                if (accept(Keyword.ESCAPE)) {
                    escape = comparisonExpr();
                }
                return new Expr.Like(t.keyword(), not, left, pattern, escape);
            }
        }
    }

    private Expr inTail(Expr left, boolean not) {
        if (accept(TokenType.LP)) {
            Token t = peek();
            if (t.is(Keyword.SELECT) || t.is(Keyword.VALUES) || t.is(Keyword.WITH)) {
                Select s = select();
                expect(TokenType.RP);
                return new Expr.InSelect(left, not, s);
            }
            List<Expr> values = t.is(TokenType.RP) ? List.of() : exprList();
            expect(TokenType.RP);
            return new Expr.InList(left, not, values);
        }
        QualifiedName table = qualifiedName();
        List<Expr> args = null;
        if (accept(TokenType.LP)) {
            args = peek().is(TokenType.RP) ? List.of() : exprList();
            expect(TokenType.RP);
        }
        return new Expr.InTable(left, not, table.schema(), table.name(), args);
    }

    private Expr comparisonExpr() {
        return leftAssociative(this::bitExpr, t -> switch (t) {
            case LT -> BinaryOp.LT;
            case LE -> BinaryOp.LE;
            case GT -> BinaryOp.GT;
            case GE -> BinaryOp.GE;
            default -> null;
        });
    }

    private Expr bitExpr() {
        return leftAssociative(this::additiveExpr, t -> switch (t) {
            case BITAND -> BinaryOp.BITAND;
            case BITOR -> BinaryOp.BITOR;
            case LSHIFT -> BinaryOp.LSHIFT;
            case RSHIFT -> BinaryOp.RSHIFT;
            default -> null;
        });
    }

    private Expr additiveExpr() {
        return leftAssociative(this::multiplicativeExpr, t -> switch (t) {
            case PLUS -> BinaryOp.ADD;
            case MINUS -> BinaryOp.SUB;
            default -> null;
        });
    }

    private Expr multiplicativeExpr() {
        return leftAssociative(this::concatExpr, t -> switch (t) {
            case STAR -> BinaryOp.MUL;
            case SLASH -> BinaryOp.DIV;
            case REM -> BinaryOp.REM;
            default -> null;
        });
    }

    private Expr concatExpr() {
        return leftAssociative(this::unaryExpr, t -> switch (t) {
            case CONCAT -> BinaryOp.CONCAT;
            case PTR -> BinaryOp.PTR;
            case PTR2 -> BinaryOp.PTR2;
            default -> null;
        });
    }

    /**
     * One precedence level of left-associative binary operators: {@code operand (op operand)*},
     * where {@code opOf} names the operator a token stands for at this level (null: none).
     */
    private Expr leftAssociative(java.util.function.Supplier<Expr> operand,
                                 java.util.function.Function<TokenType, BinaryOp> opOf) {
        Expr left = operand.get();
        for (BinaryOp op = opOf.apply(peek().type()); op != null; op = opOf.apply(peek().type())) {
            advance();
            left = new Expr.Binary(op, left, operand.get());
        }
        return left;
    }

    private Expr unaryExpr() {
        Token t = peek();
        if (t.is(TokenType.MINUS)) {
            advance();
            Token n = peek();
            if (n.is(TokenType.INTEGER) && n.text().equals("9223372036854775808")
                    && !isPostfix(peek(1))) {
                // The one integer literal only representable negated.
                advance();
                return new Expr.Literal(Long.MIN_VALUE);
            }
            return new Expr.Unary(UnaryOp.NEG, unaryExpr());
        }
        if (t.is(TokenType.PLUS)) {
            advance();
            return new Expr.Unary(UnaryOp.PLUS, unaryExpr());
        }
        if (t.is(TokenType.BITNOT)) {
            advance();
            return new Expr.Unary(UnaryOp.BITNOT, unaryExpr());
        }
        Expr e = primary();
        while (accept(Keyword.COLLATE)) {
            e = new Expr.Collate(e, name());
        }
        return e;
    }

    private static boolean isPostfix(Token t) {
        return t.is(Keyword.COLLATE);
    }

    private Expr primary() {
        Token t = peek();
        switch (t.type()) {
            case INTEGER, FLOAT:
                return numberLiteral(advance());
            case STRING:
                return new Expr.Literal(advance().text());
            case BLOB:
                return new Expr.Literal(HexFormat.of().parseHex(advance().text()));
            case VARIABLE:
                return parameter(advance());
            case LP: {
                advance();
                Token n = peek();
                if (n.is(Keyword.SELECT) || n.is(Keyword.VALUES) || n.is(Keyword.WITH)) {
                    Select s = select();
                    expect(TokenType.RP);
                    return new Expr.Subquery(s);
                }
                List<Expr> list = exprList();
                expect(TokenType.RP);
                return list.size() == 1 ? list.get(0) : new Expr.RowValue(list);
            }
            case KEYWORD:
                switch (t.keyword()) {
                    case NULL:
                        advance();
                        return new Expr.Literal(null);
                    case CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP:
                        advance();
                        return new Expr.CurrentTime(t.keyword());
                    case CAST:
                        if (peek(1).is(TokenType.LP)) {
                            advance();
                            advance();
                            Expr operand = expr();
                            expect(Keyword.AS);
                            String type = typeName();
                            expect(TokenType.RP);
                            return new Expr.Cast(operand, type == null ? "" : type);
                        }
                        break;
                    case CASE:
                        return caseExpr();
                    case EXISTS: {
                        advance();
                        expect(TokenType.LP);
                        Select s = select();
                        expect(TokenType.RP);
                        return new Expr.Exists(s);
                    }
                    case RAISE:
                        if (peek(1).is(TokenType.LP)) {
                            return raise();
                        }
                        break;
                    default:
                        break;
                }
                break;
            default:
                break;
        }
        if (isIdentifier(t)) {
            return identifierExpr();
        }
        throw syntaxError(t);
    }

    private Expr raise() {
        advance();
        advance();
        Token action = advance();
        if (action.is(Keyword.IGNORE)) {
            expect(TokenType.RP);
            return new Expr.Raise(Keyword.IGNORE, null);
        }
        if (!(action.is(Keyword.ROLLBACK) || action.is(Keyword.ABORT) || action.is(Keyword.FAIL))) {
            throw syntaxError(action);
        }
        expect(TokenType.COMMA);
        Expr message = expr();
        expect(TokenType.RP);
        return new Expr.Raise(action.keyword(), message);
    }

    private Expr caseExpr() {
        advance();
        Expr operand = null;
        if (!peek().is(Keyword.WHEN)) {
            operand = expr();
        }
        List<Expr.WhenThen> whens = new ArrayList<>();
        do {
            expect(Keyword.WHEN);
            Expr when = expr();
            expect(Keyword.THEN);
            whens.add(new Expr.WhenThen(when, expr()));
        } while (peek().is(Keyword.WHEN));
        Expr otherwise = null;
        if (accept(Keyword.ELSE)) {
            otherwise = expr();
        }
        expect(Keyword.END);
        return new Expr.Case(operand, List.copyOf(whens), otherwise);
    }

    private Expr identifierExpr() {
        Token first = advance();
        if (peek().is(TokenType.LP) && !first.is(TokenType.QUOTED_ID)) {
            return functionCall(first.text());
        }
        if (peek().is(TokenType.DOT) && isName(peek(1))) {
            advance();
            Token second = advance();
            if (peek().is(TokenType.DOT) && isName(peek(1))) {
                advance();
                Token third = advance();
                return new Expr.ColumnRef(first.text(), second.text(), third.text(), false);
            }
            return new Expr.ColumnRef(null, first.text(), second.text(), false);
        }
        boolean dq = first.is(TokenType.QUOTED_ID) && sql.charAt(first.start()) == '"';
        return new Expr.ColumnRef(null, null, first.text(), dq);
    }

    private Expr functionCall(String name) {
        expect(TokenType.LP);
        boolean distinct = false;
        boolean star = false;
        List<Expr> args = List.of();
        List<Select.OrderingTerm> orderBy = List.of();
        if (accept(TokenType.STAR)) {
            star = true;
        } else if (!peek().is(TokenType.RP)) {
            if (accept(Keyword.DISTINCT)) {
                distinct = true;
            } else {
                accept(Keyword.ALL);
            }
            args = exprList();
            orderBy = orderBy();
        }
        expect(TokenType.RP);
        Expr filter = null;
        if (peek().is(Keyword.FILTER) && peek(1).is(TokenType.LP)) {
            advance();
            advance();
            expect(Keyword.WHERE);
            filter = expr();
            expect(TokenType.RP);
        }
        Select.Window over = null;
        if (peek().is(Keyword.OVER)) {
            advance();
            if (peek().is(TokenType.LP)) {
                over = windowDefinition();
            } else {
                over = new Select.Window(name(), List.of(), List.of(), null);
            }
        }
        return new Expr.Function(name, distinct, args, star, orderBy, filter, over);
    }

    private Expr parameter(Token t) {
        String text = t.text();
        int index;
        if (text.charAt(0) == '?') {
            if (text.length() == 1) {
                index = paramNames.size() + 1;
                paramNames.add(null);
                return new Expr.Param(index, null);
            }
            long n;
            try {
                n = Long.parseLong(text.substring(1));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_VARIABLE_NUMBER) {
                throw new DatabaseException(ResultCode.ERROR,
                        "variable number must be between ?1 and ?" + MAX_VARIABLE_NUMBER);
            }
            index = (int) n;
            while (paramNames.size() < index) {
                paramNames.add(null);
            }
            if (paramNames.get(index - 1) == null) {
                paramNames.set(index - 1, text);
            }
            paramIndex.putIfAbsent(text, index);
            return new Expr.Param(index, text);
        }
        Integer known = paramIndex.get(text);
        if (known != null) {
            return new Expr.Param(known, text);
        }
        index = paramNames.size() + 1;
        paramNames.add(text);
        paramIndex.put(text, index);
        return new Expr.Param(index, text);
    }

    private Expr numberLiteral(Token t) {
        String text = t.text();
        if (t.is(TokenType.FLOAT)) {
            return new Expr.Literal(DecimalText.toDouble(text));
        }
        if (text.length() > 2 && (text.charAt(1) == 'x' || text.charAt(1) == 'X')) {
            String digits = text.substring(2).replaceFirst("^0+(?=.)", "");
            if (digits.length() > 16) {
                throw new DatabaseException(ResultCode.ERROR, "hex literal too big: " + text);
            }
            return new Expr.Literal(Long.parseUnsignedLong(digits, 16));
        }
        try {
            return new Expr.Literal(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // Too big for a 64-bit integer: SQLite reads it as a REAL.
            return new Expr.Literal(DecimalText.toDouble(text));
        }
    }
}
