package dev.awm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteLibraryTest {

    static final String[] PROPERTIES = {"org.sqlite.lib.path", "org.sqlite.lib.name", "org.sqlite.tmpdir"};
    Map<String, String> saved;

    @BeforeEach
    void save() {
        saved = Stream.of(PROPERTIES).filter(p -> System.getProperty(p) != null).collect(Collectors.toMap(Function.identity(), System::getProperty));
    }

    @AfterEach
    void restore() {
        for (String p : PROPERTIES) System.clearProperty(p);
        saved.forEach(System::setProperty);
    }

    @Test
    void theLibraryIsCopiedBesideTheJarOnceAndAgainWhenTheJarIsRebuilt(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("awm.jar"), "a jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_000_000L));
        SqliteLibrary.useCopyBeside(jar);

        Path lib = dir.resolve("native").resolve(LibraryLoaderUtil.getNativeLibName());
        assertThat(Files.readAllBytes(lib)).isEqualTo(resource());
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(lib.getParent().toString());
        assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo(lib.getFileName().toString());

        Files.write(lib, new byte[] {1, 2, 3}); // newer than the jar: kept as it is
        SqliteLibrary.useCopyBeside(jar);
        assertThat(Files.readAllBytes(lib)).containsExactly(1, 2, 3);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000)); // rebuilt: copied again
        SqliteLibrary.useCopyBeside(jar);
        assertThat(Files.readAllBytes(lib)).isEqualTo(resource());
        try (Stream<Path> files = Files.list(lib.getParent())) {
            assertThat(files).containsExactly(lib);
        }
    }

    @Test
    void withoutAJarOrAWritableDirectoryTheDriverKeepsItsOwnWay(@TempDir Path dir) throws Exception {
        for (String p : PROPERTIES) System.clearProperty(p);
        SqliteLibrary.useCopyBeside(null);
        SqliteLibrary.useCopyBeside(dir); // a directory of classes, not a jar
        Path jar = Files.writeString(dir.resolve("awm.jar"), "a jar");
        Files.writeString(dir.resolve("native"), "a file where the directory would go");
        SqliteLibrary.useCopyBeside(jar);
        for (String p : PROPERTIES) assertThat(System.getProperty(p)).as(p).isNull();
    }

    private static byte[] resource() throws Exception {
        try (InputStream in = SqliteLibrary.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }
}
