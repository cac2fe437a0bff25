package io.ringlite.engine.sql;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SQLite's keywords (the 147 of "SQL Keywords" in the SQLite documentation).
 *
 * <p>{@link #fallback} marks the keywords SQLite's grammar lets stand for an identifier (its
 * {@code %fallback ID} list); {@link #joinKeyword} the JOIN_KW family, which may name a table
 * or column but not stand everywhere an identifier may. WINDOW, OVER and FILTER are keywords
 * only in their clauses, so they fall back too.
 */
public enum Keyword {
    ABORT(true), ACTION(true), ADD(false), AFTER(true), ALL(false), ALTER(false), ALWAYS(true),
    ANALYZE(true), AND(false), AS(false), ASC(true), ATTACH(true), AUTOINCREMENT(false),
    BEFORE(true), BEGIN(true), BETWEEN(false), BY(true), CASCADE(true), CASE(false), CAST(true),
    CHECK(false), COLLATE(false), COLUMN(true), COMMIT(false), CONFLICT(true), CONSTRAINT(false),
    CREATE(false), CROSS(false), CURRENT(true), CURRENT_DATE(true), CURRENT_TIME(true),
    CURRENT_TIMESTAMP(true), DATABASE(true), DEFAULT(false), DEFERRABLE(false), DEFERRED(true),
    DELETE(false), DESC(true), DETACH(true), DISTINCT(false), DO(true), DROP(false), EACH(true),
    ELSE(false), END(true), ESCAPE(false), EXCEPT(false), EXCLUDE(true), EXCLUSIVE(true),
    EXISTS(false), EXPLAIN(true), FAIL(true), FILTER(true), FIRST(true), FOLLOWING(true), FOR(true),
    FOREIGN(false), FROM(false), FULL(false), GENERATED(true), GLOB(true), GROUP(false),
    GROUPS(true), HAVING(false), IF(true), IGNORE(true), IMMEDIATE(true), IN(false), INDEX(false),
    INDEXED(false), INITIALLY(true), INNER(false), INSERT(false), INSTEAD(true), INTERSECT(false),
    INTO(false), IS(false), ISNULL(false), JOIN(false), KEY(true), LAST(true), LEFT(false),
    LIKE(true), LIMIT(false), MATCH(true), MATERIALIZED(true), NATURAL(false), NO(true), NOT(false),
    NOTHING(false), NOTNULL(false), NULL(false), NULLS(true), OF(true), OFFSET(true), ON(false),
    OR(false), ORDER(false), OTHERS(true), OUTER(false), OVER(true), PARTITION(true), PLAN(true),
    PRAGMA(true), PRECEDING(true), PRIMARY(false), QUERY(true), RAISE(true), RANGE(true),
    RECURSIVE(true), REFERENCES(false), REGEXP(true), REINDEX(true), RELEASE(true), RENAME(true),
    REPLACE(true), RESTRICT(true), RETURNING(false), RIGHT(false), ROLLBACK(false), ROW(true),
    ROWS(true), SAVEPOINT(true), SELECT(false), SET(false), TABLE(false), TEMP(true),
    TEMPORARY(true), THEN(false), TIES(true), TO(false), TRANSACTION(false), TRIGGER(true),
    UNBOUNDED(true), UNION(false), UNIQUE(false), UPDATE(false), USING(false), VACUUM(true),
    VALUES(false), VIEW(true), VIRTUAL(true), WHEN(false), WHERE(false), WINDOW(true), WITH(true),
    WITHOUT(true);

    private static final Map<String, Keyword> BY_NAME = new HashMap<>();

    static {
        for (Keyword k : values()) {
            BY_NAME.put(k.name(), k);
        }
    }

    /** True if SQLite's grammar accepts this keyword where an identifier is expected. */
    public final boolean fallback;

    Keyword(boolean fallback) {
        this.fallback = fallback;
    }

    /** CROSS, FULL, INNER, LEFT, NATURAL, OUTER, RIGHT: names of tables/columns, not of functions. */
    public boolean joinKeyword() {
        return switch (this) {
            case CROSS, FULL, INNER, LEFT, NATURAL, OUTER, RIGHT -> true;
            default -> false;
        };
    }

    /** The keyword spelled {@code word} (any case), or null. */
    public static Keyword lookup(String word) {
        if (word.length() > 17 || !word.chars().allMatch(c -> c < 0x80)) {
            return null;
        }
        return BY_NAME.get(word.toUpperCase(Locale.ROOT));
    }
}
