package io.ringlite.storage.btree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Locates /shared/fixtures by walking up from the working directory. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path f = p.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no shared/fixtures above " + Path.of("").toAbsolutePath());
    }

    /** A private copy of fixture {@code name} in {@code tmp} (fixtures must not be modified). */
    static Path copy(String name, Path tmp) throws IOException {
        Path dst = tmp.resolve(name);
        Files.copy(dir().resolve(name), dst, StandardCopyOption.REPLACE_EXISTING);
        return dst;
    }
}
