package dev.awm.bench;

import dev.awm.server.ResidentMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An awm command run as its own process, as a user runs it: through the ./awm launcher when the working directory is
 * the project (so its JVM options and class cache count), else with this JVM's java and jar. Its output is read for
 * the address it prints.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern ADDRESS = Pattern.compile("http://([0-9.]+):(\\d+)");

    final Process process;
    final long startNanos;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private ServerProcess(List<String> command) throws IOException {
        this.startNanos = System.nanoTime();
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(l);
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    static ServerProcess start(String... args) throws IOException {
        return new ServerProcess(command(args));
    }

    /** How an awm command is started here: ./awm in the project, else java -jar with the running jar. */
    static List<String> command(String... args) {
        List<String> c = new ArrayList<>();
        Path launcher = Path.of("awm");
        if (Files.isExecutable(launcher) && Files.isRegularFile(Path.of("pom.xml"))) {
            c.add(launcher.toAbsolutePath().toString());
        } else {
            c.add(ProcessHandle.current().info().command().orElse("java"));
            c.add("--enable-native-access=ALL-UNNAMED");
            c.add("-jar");
            try {
                c.add(Path.of(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("cannot find the awm jar to start a server with", e);
            }
        }
        c.addAll(List.of(args));
        return c;
    }

    /** The port of the first http:// address the command prints; fails with its output when it exits first. */
    int awaitPort(int timeoutSeconds) throws InterruptedException {
        long end = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l == null) {
                if (!process.isAlive() && lines.isEmpty()) break;
                continue;
            }
            output.add(l);
            Matcher m = ADDRESS.matcher(l);
            if (m.find()) return Integer.parseInt(m.group(2));
        }
        throw new IllegalStateException("the server did not start: " + String.join("\n", output));
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory of the process, in bytes; -1 when it cannot be read. */
    long residentBytes() {
        return ResidentMemory.of(process.pid());
    }

    /** CPU seconds (user + system) the process has used. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Stops it as an operator would, with SIGTERM, and waits. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
