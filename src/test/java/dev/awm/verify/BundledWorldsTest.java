package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.StateDiff;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
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

    /** What the padding probes found in each bundled world when they were introduced, for the worlds' owners to fix. */
    /** awm check proves every bundled world: its errors list every paid near miss, probe or padded answer, and every refused alternative. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void everyBundledWorldPassesAwmCheck(World world) {
        assertThat(world.problems()).isEmpty();
        assertThat(world.tables().size()).isBetween(15, 25);
        assertThat(world.seedRowCount()).isBetween(100, 200);
        assertThat(world.toolCount()).isBetween(30, 45);
        assertThat(world.tasks()).hasSize(10);
        WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(world));
        assertThat(r.errors()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.solved()).isEqualTo(10);
        assertThat(r.passedByNothing()).isZero();
        assertThat(world.verifiers()).allSatisfy(v -> assertThat(v.nearMisses()).as("near misses of task " + v.index()).hasSizeGreaterThanOrEqualTo(2));
        assertThat(r.probes().paid()).isZero();
        assertThat(r.probes().rejected()).as("collateral probes that changed the state, all refused").isGreaterThanOrEqualTo(100);
    }

    /** Issue 3's mix: at least 4 tasks of four or more calls, 3 checked answers, 3 that change several tables. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    void everyBundledWorldHasTheRequiredMixOfTasks(World world) {
        WorldRuntime rt = WorldRuntime.load(world);
        int long_ = 0, answers = 0, multiTable = 0;
        for (int i = 0; i < world.tasks().size(); i++) {
            TaskSpec spec = world.verifier(i).orElseThrow();
            if (spec.solution().calls().size() >= 4) long_++;
            if (!spec.answerChecks().isEmpty()) answers++;
            try (Instance instance = rt.newInstance()) {
                for (TaskSpec.Call c : spec.solution().calls()) instance.call(c.tool(), c.arguments());
                if (StateDiff.between(rt.initialImage(), instance.image()).tables().size() >= 2) multiTable++;
            }
        }
        assertThat(long_).as("tasks needing 4+ calls").isGreaterThanOrEqualTo(4);
        assertThat(answers).as("tasks with checked answers").isGreaterThanOrEqualTo(3);
        assertThat(multiTable).as("tasks changing several tables").isGreaterThanOrEqualTo(3);
    }

    @Test
    void eCommerce33IsProvenOverItsPublishedFiles() {
        WorldCheck.Report r = WorldCheck.run(WorldRuntime.load(TestWorlds.awm1k("e_commerce_33")));
        assertThat(r.errors()).isEmpty();
        assertThat(r.tools()).isGreaterThanOrEqualTo(30);
        assertThat(r.solved()).isEqualTo(10);
        assertThat(r.passedByNothing()).isZero();
        assertThat(r.nearMisses()).isGreaterThanOrEqualTo(20);
        assertThat(r.nearMissesRejected()).isEqualTo(r.nearMisses());
        assertThat(r.probes().paid()).isZero();
        assertThat(r.probes().rejected()).isGreaterThanOrEqualTo(100);
        // AWM's own Python verifiers run only on request, sandboxed: PythonVerifierSandboxTest runs them
        assertThat(r.awmPythonNotes()).containsExactly("AWM's Python verifiers (3 tasks) were not run: imported Python code runs only on request, in a sandbox (awm check --run-python-verifiers)");
    }
}
