package io.ringlite.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Locates ../shared/fixtures (relative to the repository root) and copies fixtures out of it. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && p != null; i++, p = p.getParent()) {
            Path f = p.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
            Path g = p.resolveSibling("shared").resolve("fixtures");
            if (Files.isDirectory(g)) {
                return g;
            }
        }
        throw new IllegalStateException("../shared/fixtures not found above " + Path.of("").toAbsolutePath());
    }

    /** Copies NAME and its -wal / -journal / -shm companions into {@code into}; returns the db path. */
    static Path copy(String name, Path into) {
        try {
            Path src = dir().resolve(name);
            for (String suffix : new String[] {"", "-wal", "-journal", "-shm"}) {
                Path s = Path.of(src + suffix);
                if (Files.exists(s)) {
                    Files.copy(s, into.resolve(name + suffix), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return into.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
