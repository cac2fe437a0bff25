/**
 * SQL text to AST: {@link io.ringlite.engine.sql.Lexer} (SQLite's token kinds, one token at a
 * time), {@link io.ringlite.engine.sql.Parser} (recursive descent over the whole of SQLite's
 * grammar, SQLite's operator precedence and error wording) and the AST as sealed records:
 * {@link io.ringlite.engine.sql.Expr}, {@link io.ringlite.engine.sql.Select},
 * {@link io.ringlite.engine.sql.Statement}.
 *
 * <p>The parser accepts every statement SQLite accepts; deciding what compiles is the
 * compiler's job ({@code io.ringlite.engine.compile}), which names unsupported features in a
 * "not supported yet: ..." error. Errors here are SQLite's: {@code near "x": syntax error},
 * {@code incomplete input}, {@code unrecognized token: "x"}.
 */
package io.ringlite.engine.sql;
