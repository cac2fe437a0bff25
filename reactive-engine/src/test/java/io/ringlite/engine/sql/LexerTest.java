package io.ringlite.engine.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

    private static List<Token> tokens(String sql) {
        Lexer lx = new Lexer(sql);
        List<Token> out = new ArrayList<>();
        for (Token t = lx.next(); !t.is(TokenType.EOF); t = lx.next()) {
            out.add(t);
        }
        return out;
    }

    private static List<TokenType> types(String sql) {
        return tokens(sql).stream().map(Token::type).toList();
    }

    private static List<String> texts(String sql) {
        return tokens(sql).stream().map(Token::text).toList();
    }

    @Test
    void everyOperatorIsOneToken() {
        assertThat(types("- -> ->> ( ) ; + * / % = == <= <> << < >= >> > != | || , & ~ ."))
                .containsExactly(TokenType.MINUS, TokenType.PTR, TokenType.PTR2, TokenType.LP, TokenType.RP,
                        TokenType.SEMI, TokenType.PLUS, TokenType.STAR, TokenType.SLASH, TokenType.REM,
                        TokenType.EQ, TokenType.EQ, TokenType.LE, TokenType.NE, TokenType.LSHIFT, TokenType.LT,
                        TokenType.GE, TokenType.RSHIFT, TokenType.GT, TokenType.NE, TokenType.BITOR,
                        TokenType.CONCAT, TokenType.COMMA, TokenType.BITAND, TokenType.BITNOT, TokenType.DOT);
    }

    @Test
    void operatorsNeedNoSpaces() {
        assertThat(types("a<=b||c")).containsExactly(TokenType.ID, TokenType.LE, TokenType.ID, TokenType.CONCAT,
                TokenType.ID);
    }

    @Test
    void keywordsAreCaseInsensitiveAndKeepTheirSpelling() {
        List<Token> ts = tokens("select SeLeCt FROM");
        assertThat(ts).allMatch(t -> t.is(TokenType.KEYWORD));
        assertThat(ts.get(1).keyword()).isEqualTo(Keyword.SELECT);
        assertThat(ts.get(1).text()).isEqualTo("SeLeCt");
    }

    @Test
    void sqliteHas147Keywords() {
        assertThat(Keyword.values()).hasSize(147);
    }

    @Test
    void quotedIdentifiersInAllThreeStylesUnescape() {
        List<Token> ts = tokens("\"a\"\"b\" [c d] `e``f`");
        assertThat(ts).extracting(Token::type).containsOnly(TokenType.QUOTED_ID);
        assertThat(ts).extracting(Token::text).containsExactly("a\"b", "c d", "e`f");
    }

    @Test
    void stringsUnescapeDoubledQuotes() {
        Token t = tokens("'it''s'").get(0);
        assertThat(t.type()).isEqualTo(TokenType.STRING);
        assertThat(t.text()).isEqualTo("it's");
        assertThat(tokens("''").get(0).text()).isEmpty();
    }

    @Test
    void blobsKeepTheirHexDigits() {
        Token t = tokens("x'0A' X'ff'").get(1);
        assertThat(t.type()).isEqualTo(TokenType.BLOB);
        assertThat(t.text()).isEqualTo("ff");
        assertThat(tokens("x'0A'").get(0).text()).isEqualTo("0A");
    }

    @Test
    void numbersInEveryForm() {
        assertThat(types("1 1.5 .5 1e5 1E+5 2.5e-3 1. 0x1F 0XAb"))
                .containsExactly(TokenType.INTEGER, TokenType.FLOAT, TokenType.FLOAT, TokenType.FLOAT,
                        TokenType.FLOAT, TokenType.FLOAT, TokenType.FLOAT, TokenType.INTEGER, TokenType.INTEGER);
    }

    @Test
    void variablesInEveryForm() {
        assertThat(texts("? ?7 :a @b $c $d::e(f) :x1"))
                .containsExactly("?", "?7", ":a", "@b", "$c", "$d::e(f)", ":x1");
        assertThat(types("? :a")).containsOnly(TokenType.VARIABLE);
    }

    @Test
    void commentsAreSkipped() {
        assertThat(texts("a -- comment\n b /* block\n */ c")).containsExactly("a", "b", "c");
        assertThat(texts("a /* never closed")).containsExactly("a");
    }

    @Test
    void identifiersMayContainDollarAndNonAscii() {
        assertThat(tokens("a$b héllo _x").stream().map(Token::type).toList()).containsOnly(TokenType.ID);
        assertThat(texts("a$b héllo _x")).containsExactly("a$b", "héllo", "_x");
    }

    @Test
    void tokensRecordTheirPosition() {
        List<Token> ts = tokens("SELECT  abc");
        assertThat(ts.get(1).start()).isEqualTo(8);
        assertThat(ts.get(1).end()).isEqualTo(11);
    }

    @Test
    void unrecognizedTokensAreReportedAsSqliteDoes() {
        // Wording checked with the sqlite3 3.40 CLI (see ErrorMessagesTest for the oracle run).
        assertUnrecognized("#", "#");
        assertUnrecognized("1 !", "!");
        assertUnrecognized("'abc", "'abc");
        assertUnrecognized("\"abc", "\"abc");
        assertUnrecognized("[abc", "[abc");
        assertUnrecognized("x'0G'", "x'0G'");
        assertUnrecognized("x'abc'", "x'abc'");
        assertUnrecognized("12abc", "12abc");
        assertUnrecognized("1e", "1e");
        assertUnrecognized("0x", "0x");
        assertUnrecognized(":", ":");
    }

    private static void assertUnrecognized(String sql, String token) {
        assertThatThrownBy(() -> tokens(sql))
                .isInstanceOf(DatabaseException.class)
                .hasMessage("unrecognized token: \"" + token + "\"")
                .extracting(e -> ((DatabaseException) e).code()).isEqualTo(ResultCode.ERROR);
    }
}
