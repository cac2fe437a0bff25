package io.ringlite.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A byte sink for shell output. sqlite3 writes bytes, not characters: a BLOB goes out raw and
 * TEXT as its UTF-8 bytes, so the shell writes through this rather than a {@code Writer}.
 */
final class Out {
    private final OutputStream stream;

    Out(OutputStream stream) {
        this.stream = stream;
    }

    Out text(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    Out bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    Out bytes(byte[] b, int off, int len) {
        try {
            stream.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Out ch(char c) {
        assert c < 0x80 : "invariant: ch() writes ASCII only";
        try {
            stream.write(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes {@code b} as C's {@code %s} would: up to, not including, the first NUL byte. */
    Out cstring(byte[] b) {
        return bytes(b, 0, Values.cLength(b));
    }

    /** Writes {@code n} spaces. */
    Out spaces(int n) {
        for (int i = 0; i < n; i++) {
            ch(' ');
        }
        return this;
    }

    void flush() {
        try {
            stream.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
