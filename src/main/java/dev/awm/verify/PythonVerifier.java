package dev.awm.verify;

import dev.awm.runtime.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Runs one of AWM's generated Python verifiers ({@code verify_task_completion(initial_db_path, final_db_path,
 * final_answer)}) for an imported world, as DESIGN 5 allows: in a {@code python3} subprocess with a timeout, on
 * copies of the two states in a scratch directory (read-only files, though root may still write them). Nothing it
 * does can reach an instance: instances live in memory and the copies are deleted afterwards.
 */
public final class PythonVerifier {

    /** AWM's verdict ("complete", "others", ...), or null with {@code error} saying why there is none. */
    public record Outcome(String result, String error) {
        public boolean complete() {
            return "complete".equals(result);
        }

        @Override
        public String toString() {
            return result != null ? result : "error (" + error + ")";
        }
    }

    private static final String DRIVER = """
            import json, sys
            namespace = {}
            exec(open(sys.argv[1], encoding="utf-8").read(), namespace)
            answer = open(sys.argv[4], encoding="utf-8").read()
            verdict = namespace["verify_task_completion"](sys.argv[2], sys.argv[3], answer or None)
            print(json.dumps(verdict, default=str))
            """;

    private PythonVerifier() {}

    /** The python3 on PATH, if any. */
    public static Optional<Path> python3() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        return Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, "python3")).filter(Files::isExecutable).findFirst();
    }

    public static Outcome run(Path python, String code, byte[] initial, byte[] fin, String answer, Duration timeout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("awm-pyverify");
            Path driver = Files.writeString(dir.resolve("driver.py"), DRIVER);
            Path verifier = Files.writeString(dir.resolve("verifier.py"), code);
            Path answerFile = Files.writeString(dir.resolve("answer.txt"), answer == null ? "" : answer);
            Path initialDb = readOnly(Files.write(dir.resolve("initial.db"), initial));
            Path finalDb = readOnly(Files.write(dir.resolve("final.db"), fin));
            Process p = new ProcessBuilder(python.toString(), driver.toString(), verifier.toString(), initialDb.toString(), finalDb.toString(), answerFile.toString())
                    .directory(dir.toFile()).redirectErrorStream(false).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome(null, "timed out after " + timeout.toSeconds() + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) return new Outcome(null, "exit " + p.exitValue() + ": " + lastLine(err));
            JsonNode verdict = Json.parse(lastLine(out));
            String result = verdict.path("result").asString(null);
            return result == null ? new Outcome(null, "no \"result\" in " + lastLine(out)) : new Outcome(result, null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        } finally {
            if (dir != null) delete(dir);
        }
    }

    private static Path readOnly(Path file) {
        file.toFile().setWritable(false, false);
        return file;
    }

    private static String lastLine(String text) {
        String[] lines = text.split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a scratch directory left in the temp folder is harmless
        }
    }
}
