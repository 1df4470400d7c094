package dev.awm.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident memory of a process (its VmRSS, read from /proc on Linux), as the server reports it and benchmarks measure it. */
public final class ResidentMemory {

    private ResidentMemory() {}

    /** Of process {@code pid}, in bytes; -1 when it cannot be read (not Linux, or the process is gone). */
    public static long of(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return -1;
    }

    /** Of this process, in bytes; the Java heap in use where /proc cannot be read. */
    public static long self() {
        long rss = of(ProcessHandle.current().pid());
        if (rss >= 0) return rss;
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
