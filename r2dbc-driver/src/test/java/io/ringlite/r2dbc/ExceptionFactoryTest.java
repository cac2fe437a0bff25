package io.ringlite.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExceptionFactoryTest {

    private static R2dbcException mapped(ResultCode code) {
        return ExceptionFactory.map(new DatabaseException(code, "msg " + code), "SELECT 1");
    }

    @Test
    void eachResultCodeFamilyMapsToItsR2dbcCategory() {
        assertThat(mapped(ResultCode.ERROR)).isInstanceOf(R2dbcBadGrammarException.class);
        assertThat(mapped(ResultCode.CONSTRAINT_UNIQUE)).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(mapped(ResultCode.CONSTRAINT_NOTNULL)).isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(mapped(ResultCode.BUSY)).isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(mapped(ResultCode.BUSY_TIMEOUT)).isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(mapped(ResultCode.LOCKED)).isInstanceOf(R2dbcTransientResourceException.class);
        assertThat(mapped(ResultCode.IOERR_FSYNC)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(mapped(ResultCode.CORRUPT)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(mapped(ResultCode.CANTOPEN_ISDIR)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(mapped(ResultCode.FULL)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(mapped(ResultCode.NOTADB)).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(mapped(ResultCode.READONLY)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(mapped(ResultCode.PERM)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(mapped(ResultCode.AUTH)).isInstanceOf(R2dbcPermissionDeniedException.class);
        assertThat(mapped(ResultCode.ABORT_ROLLBACK)).isInstanceOf(R2dbcRollbackException.class);
        assertThat(mapped(ResultCode.INTERRUPT)).isInstanceOf(R2dbcTimeoutException.class);
        assertThat(mapped(ResultCode.RANGE)).isInstanceOf(R2dbcNonTransientException.class);
        assertThat(mapped(ResultCode.MISUSE)).isInstanceOf(ExceptionFactory.RingliteNonTransientException.class);
    }

    @ParameterizedTest
    @EnumSource(ResultCode.class)
    void everyMappedExceptionCarriesTheExtendedCodeMessageAndCause(ResultCode code) {
        DatabaseException cause = new DatabaseException(code, "the message");
        R2dbcException e = ExceptionFactory.map(cause, "SELECT x");
        assertThat(e.getErrorCode()).isEqualTo(code.code());
        assertThat(e.getSqlState()).isNull();
        assertThat(e.getMessage()).isEqualTo("the message");
        assertThat(e.getCause()).isSameAs(cause);
    }

    @Test
    void badGrammarKeepsTheOffendingSql() {
        var e = (R2dbcBadGrammarException) ExceptionFactory.map(
                new DatabaseException(ResultCode.ERROR, "no such table: t"), "SELECT * FROM t");
        assertThat(e.getOffendingSql()).isEqualTo("SELECT * FROM t");
        assertThat(e.getErrorCode()).isEqualTo(1);
    }

    @Test
    void otherThrowablesPassThroughUnchanged() {
        var iae = new IllegalArgumentException("x");
        assertThat(ExceptionFactory.map(iae)).isSameAs(iae);
        var already = new R2dbcTimeoutException("t");
        assertThat(ExceptionFactory.map(already)).isSameAs(already);
    }
}
