package io.ringlite.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Binding: Java values to SQLite storage classes, parameter metadata, bad argument lists. */
class ParametersTest {
    private Database db;
    private Session s;

    @BeforeEach
    void open() {
        db = Databases.open(DatabaseConfig.memory()).block(Sql.WAIT);
        s = db.connect();
        Sql.run(s, "CREATE TABLE v(x)");
    }

    @AfterEach
    void close() {
        db.close().block(Sql.WAIT);
    }

    @Test
    void commonJavaTypesAreStoredAsTheirSqliteStorageClass() {
        List<Object> values = Arrays.asList(7, (short) 3, (byte) 2, true, 1.5f, new BigInteger("12345678901"),
                new BigDecimal("42"), new BigDecimal("2.5"), 'c', ByteBuffer.wrap(new byte[] {1, 2}), null);
        for (Object v : values) {
            Sql.run(s, "INSERT INTO v VALUES (?)", v);
        }
        List<List<Object>> rows = Sql.rows(s, "SELECT x, typeof(x) FROM v");
        assertThat(rows.stream().map(r -> r.get(1)).toList()).containsExactly("integer", "integer", "integer",
                "integer", "real", "integer", "integer", "real", "text", "blob", "null");
        assertThat(rows.get(0).get(0)).isEqualTo(7L);
        assertThat(rows.get(3).get(0)).isEqualTo(1L);
        assertThat(rows.get(5).get(0)).isEqualTo(12345678901L);
        assertThat(rows.get(7).get(0)).isEqualTo(2.5);
        assertThat((byte[]) rows.get(9).get(0)).containsExactly(1, 2);
    }

    @Test
    void namedAndNumberedParametersAreDescribedAsSqliteDoes() {
        PreparedStatement p = Sql.prepare(s, "SELECT :a, ?, ?5, @b");
        assertThat(p.parameterCount()).isEqualTo(6);
        assertThat(p.parameterName(1)).isEqualTo(":a");
        assertThat(p.parameterName(2)).isNull();
        assertThat(p.parameterName(5)).isEqualTo("?5");
        assertThat(p.parameterIndex(":a")).isEqualTo(1);
        assertThat(p.parameterIndex("@b")).isEqualTo(6);
        assertThat(p.parameterIndex(":nope")).isZero();
        List<List<Object>> rows = Sql.rows(s, "SELECT :a, ?, ?5, @b", "A", "B", null, null, "E", "F");
        assertThat(rows).containsExactly(Arrays.asList("A", "B", "E", "F"));
    }

    @Test
    void missingArgumentsAreNullAndSurplusOnesAreARangeError() {
        assertThat(Sql.rows(s, "SELECT ?, ?", 1)).containsExactly(Arrays.asList(1L, null));
        assertThatThrownBy(() -> Sql.run(s, "SELECT ?", 1, 2))
                .isInstanceOfSatisfying(DatabaseException.class, e -> {
                    assertThat(e.code()).isEqualTo(ResultCode.RANGE);
                    assertThat(e.getMessage()).isEqualTo("column index out of range");
                });
        assertThat(Sql.rows(s, "SELECT 1")).containsExactly(List.of(1L));
    }
}
