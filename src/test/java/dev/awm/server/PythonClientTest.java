package dev.awm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awm.runtime.Json;
import dev.awm.world.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client (clients/python), installed with pip into a fresh directory without any download, and its tests (the client, and the TRL, OpenRLHF and verl glue) run against a served instance with the machine's python3.
 */
class PythonClientTest {

    static final Path CLIENT = Path.of("clients/python").toAbsolutePath();

    @Test
    void theClientAndTheTrainerGlueWorkAgainstAServedInstance(@TempDir Path tmp) throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean present = run(List.of("python3", "-c", "import sys; assert sys.version_info >= (3, 10)"), tmp, Map.of()).exit == 0;
        if (!present) {
            assertThat(ci).as("python3 (3.10 or newer) is needed to test the Python client in CI").isFalse();
            assumeTrue(false, "python3 3.10+ is not installed: the Python client's tests are skipped");
        }
        Path site = tmp.resolve("site");
        Result installed = run(List.of("python3", "-m", "pip", "install", "--no-index", "--disable-pip-version-check", "--target", site.toString(), CLIENT.toString()),
                tmp, Map.of());
        assertThat(installed.exit).as("pip install ./clients/python, offline: " + installed.out).isZero();

        TaskSpec task = Served.writingTask(Served.BANKING);
        String taskJson = Json.write(Map.of("world", "banking_1", "task", task.index(), "answer", task.solution().answer(),
                "calls", task.solution().calls().stream().map(c -> Map.of("tool", c.tool(), "arguments", c.arguments() == null ? Map.of() : c.arguments())).toList()));
        try (Served s = new Served(64, Duration.ofMinutes(5), null)) {
            Result tests = run(List.of("python3", "-m", "unittest", "discover", "-v", "-s", CLIENT.resolve("tests").toString()), tmp,
                    Map.of("AWM_URL", s.base, "AWM_TEST_TASK", taskJson, "AWM_EXAMPLES", CLIENT.resolve("examples").toString(), "PYTHONPATH", site.toString(),
                            "PYTHONDONTWRITEBYTECODE", "1"));
            assertThat(tests.exit).as(tests.out).isZero();
            assertThat(tests.out).contains("test_trl_environment_factory").contains("OK");
            assertThat(tests.out).as("the installed package is tested, not the source tree").doesNotContain("Traceback");
        }
    }

    record Result(int exit, String out) {}

    static Result run(List<String> command, Path dir, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException notInstalled) {
            return new Result(127, notInstalled.getMessage());
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
