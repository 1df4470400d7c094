package dev.awm.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Where SQLite's native library is loaded from. The driver copies it out of the jar into the temporary directory on
 * every start, and first lists that directory to delete stale copies: a tenth of a second of each command's start.
 * Run from a jar, awm copies it once, beside the jar ({@code target/native} for ./awm), and loads it from there.
 */
public final class SqliteLibrary {

    private SqliteLibrary() {}

    /**
     * Points the driver at a copy of the library beside {@code jar}, made when missing or older than the jar. Anything
     * that fails leaves the driver to its own way, which works everywhere.
     */
    public static void useCopyBeside(Path jar) {
        try {
            if (jar == null || !Files.isRegularFile(jar) || jar.getParent() == null) return;
            String folder = LibraryLoaderUtil.getNativeLibResourcePath(), name = LibraryLoaderUtil.getNativeLibName();
            Path dir = jar.getParent().resolve("native"), lib = dir.resolve(name);
            if (!Files.isRegularFile(lib) || Files.getLastModifiedTime(lib).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                try (InputStream in = SqliteLibrary.class.getResourceAsStream(folder + "/" + name)) {
                    if (in == null) return; // no library for this platform in the jar: the driver says so itself
                    Files.createDirectories(dir);
                    Path part = Files.createTempFile(dir, name, ".part");
                    try {
                        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(part, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } finally {
                        Files.deleteIfExists(part);
                    }
                }
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
            System.setProperty("org.sqlite.tmpdir", dir.toString()); // the stale copies it looks for are only ever in here
        } catch (IOException | RuntimeException e) {
            // not writable, or a platform the driver names differently: it extracts the library as it always does
        }
    }

    /** The jar this class was loaded from, or null when it was loaded from a directory of classes. */
    public static Path runningJar() {
        try {
            Path p = Path.of(SqliteLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
