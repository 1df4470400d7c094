package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every world awm ships is accepted: it loads whole, its tools pass the static check, and awm check proves it. */
class BundledWorldsTest {

    static Stream<World> bundled() {
        return WorldFiles.bundled().stream();
    }

    @Test
    void theIndexListsEveryBundledWorldDirectory() throws Exception {
        List<String> dirs;
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/worlds"))) {
            dirs = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(bundled().map(World::scenario).sorted().toList()).isEqualTo(dirs);
        assertThat(dirs).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void everyBundledWorldPassesAwmCheck(World world) {
        assertThat(world.problems()).isEmpty();
        assertThat(world.tables().size()).isBetween(15, 25);
        assertThat(world.toolCount()).isBetween(30, 45);
        assertThat(world.tasks()).hasSize(10);
        WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(world));
        assertThat(r.errors()).isEmpty();
        assertThat(r.solved()).isEqualTo(10);
        assertThat(r.passedByNothing()).isZero();
    }

    @Test
    void eCommerce33IsProvenOverItsPublishedFiles() {
        WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(TestWorlds.awm1k("e_commerce_33")));
        assertThat(r.errors()).isEmpty();
        assertThat(r.tools()).isGreaterThanOrEqualTo(30);
        assertThat(r.solved()).isEqualTo(10);
        assertThat(r.passedByNothing()).isZero();
    }
}
