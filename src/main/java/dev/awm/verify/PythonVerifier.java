package dev.awm.verify;

import dev.awm.runtime.Json;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Runs one of AWM's generated Python verifiers ({@code verify_task_completion(initial_db_path, final_db_path,
 * final_answer)}) for an imported world. That code came with a download, so it runs only on request and only in a
 * bubblewrap sandbox: no network, no host file but the system's {@code /usr} (read-only), the two database copies and
 * the code (read-only), a private 64 MiB {@code /tmp}; limits on CPU time, memory, processes, open files and file
 * size; as {@code nobody} when awm runs as root (so the process limit binds); and every process it started killed at
 * the timeout. Nothing it does can reach an instance: instances live in memory and the copies are deleted afterwards.
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

    /** A sandbox known to start on this machine: bubblewrap, a python3 it can see, and the command that drops root first (or none). */
    public record Sandbox(Path bwrap, Path python, List<String> dropRoot) {}

    /** Why no sandbox can run here, in a sentence that says what to do. */
    public static final class Unavailable extends IllegalStateException {
        Unavailable(String why) {
            super("AWM's Python verifiers run only in a sandbox, and " + why + ". Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) or leave out --run-python-verifiers.");
        }
    }

    static final Path BWRAP = Path.of("/usr/bin/bwrap");
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv"), PRLIMIT = Path.of("/usr/bin/prlimit");
    private static final int NOBODY = 65534;
    private static final long MEMORY_BYTES = 1L << 30, FILE_BYTES = 16L << 20, TMP_BYTES = 64L << 20;
    private static final int PROCESSES = 16, OPEN_FILES = 64, OUTPUT_TAIL_BYTES = 64 << 10;

    private static final String DRIVER = """
            import json, sys
            namespace = {}
            exec(open(sys.argv[1], encoding="utf-8").read(), namespace)
            answer = open(sys.argv[4], encoding="utf-8").read()
            verdict = namespace["verify_task_completion"](sys.argv[2], sys.argv[3], answer or None)
            print(json.dumps(verdict, default=str))
            """;

    private PythonVerifier() {}

    /**
     * The sandbox of this machine, proven by running a trivial verifier in it.
     *
     * @throws Unavailable when bubblewrap, a system python3 or (as root) setpriv is missing, or bubblewrap cannot start
     */
    public static Sandbox sandbox() {
        return sandbox(BWRAP);
    }

    static Sandbox sandbox(Path bwrap) {
        if (!Files.isExecutable(bwrap)) throw new Unavailable("bubblewrap (" + bwrap + ") is not installed");
        if (!Files.isExecutable(PRLIMIT)) throw new Unavailable("prlimit (" + PRLIMIT + ", from util-linux), which sets its limits, is missing");
        Path python = systemPython().orElseThrow(() -> new Unavailable("no python3 under /usr was found for it to run"));
        List<String> dropRoot = List.of();
        if (runningAsRoot()) {
            if (!Files.isExecutable(SETPRIV)) throw new Unavailable("awm runs as root and setpriv (" + SETPRIV + ", from util-linux), which drops the verifier to nobody, is missing");
            dropRoot = List.of(SETPRIV.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--");
        }
        Sandbox sandbox = new Sandbox(bwrap, python, dropRoot);
        Outcome probe = run(sandbox, "def verify_task_completion(a, b, c=None):\n    return {'result': 'complete'}\n", new byte[0], new byte[0], "", Duration.ofSeconds(20));
        if (!probe.complete()) throw new Unavailable("bubblewrap could not start a sandbox here (" + probe.error() + ")");
        return sandbox;
    }

    /** Runs {@code code}'s verifier in {@code sandbox} over copies of the two states; never throws. */
    public static Outcome run(Sandbox sandbox, String code, byte[] initial, byte[] fin, String answer, Duration timeout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("awm-pyverify");
            Path in = Files.createDirectory(dir.resolve("in"));
            Files.writeString(in.resolve("driver.py"), DRIVER);
            Files.writeString(in.resolve("verifier.py"), code);
            Files.writeString(in.resolve("answer.txt"), answer == null ? "" : answer);
            Files.write(in.resolve("initial.db"), initial);
            Files.write(in.resolve("final.db"), fin);
            readableByAll(dir, in);
            Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(command(sandbox, in, timeout))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                return new Outcome(null, "timed out after " + timeout.toSeconds() + " s");
            }
            String stdout = tail(out), stderr = tail(err);
            if (p.exitValue() != 0) return new Outcome(null, "exit " + p.exitValue() + ": " + lastLine(stderr));
            JsonNode verdict = Json.parse(lastLine(stdout));
            String result = verdict.path("result").asString(null);
            return result == null ? new Outcome(null, "no \"result\" in " + lastLine(stdout)) : new Outcome(result, null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        } finally {
            if (dir != null) delete(dir);
        }
    }

    private static List<String> command(Sandbox sandbox, Path in, Duration timeout) {
        List<String> c = new ArrayList<>(sandbox.dropRoot());
        c.addAll(List.of(sandbox.bwrap().toString(), "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv",
                "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "LANG", "C.UTF-8",
                "--ro-bind", "/usr", "/usr"));
        for (String top : List.of("/bin", "/lib", "/lib64", "/sbin")) { // merged-/usr systems link these into /usr
            Path p = Path.of(top);
            try {
                if (Files.isSymbolicLink(p)) c.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                else if (Files.isDirectory(p)) c.addAll(List.of("--ro-bind", top, top));
            } catch (IOException e) {
                // a top-level directory that cannot be read is left out of the sandbox
            }
        }
        c.addAll(List.of("--ro-bind", in.toString(), "/in", "--size", String.valueOf(TMP_BYTES), "--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev",
                "--chdir", "/tmp", "--",
                PRLIMIT.toString(), "--cpu=" + Math.max(1, timeout.toSeconds()), "--as=" + MEMORY_BYTES, "--nproc=" + PROCESSES, "--nofile=" + OPEN_FILES,
                "--fsize=" + FILE_BYTES, "--core=0", "--",
                sandbox.python().toString(), "-I", "/in/driver.py", "/in/verifier.py", "/in/initial.db", "/in/final.db", "/in/answer.txt"));
        return c;
    }

    /** Kills the sandbox and everything in it: its processes are all descendants, and its PID namespace ends with it. */
    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }

    /** The first python3 (on PATH, else the usual places) whose real file lies under /usr, which the sandbox shows. */
    static Optional<Path> systemPython() {
        String path = System.getenv("PATH");
        Stream<Path> onPath = path == null ? Stream.empty() : Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, "python3"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/bin/python3"), Path.of("/usr/local/bin/python3")))
                .filter(Files::isExecutable)
                .map(p -> {
                    try {
                        return p.toRealPath();
                    } catch (IOException e) {
                        return p;
                    }
                })
                .filter(p -> p.startsWith("/usr/"))
                .findFirst();
    }

    private static boolean runningAsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** nobody must reach the copies through the scratch directory, which Java creates private to its owner. */
    private static void readableByAll(Path dir, Path in) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(in)) {
            for (Path f : files.toList()) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        }
    }

    /** The end of an output file, however much the verifier printed. */
    private static String tail(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - OUTPUT_TAIL_BYTES);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).strip();
        }
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
