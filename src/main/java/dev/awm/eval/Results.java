package dev.awm.eval;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * results.jsonl: one line per finished episode (result.json's fields plus its key, sample and run directory),
 * appended as each episode ends. A run killed mid-line leaves at most a partial last line, which reading drops and
 * appending cuts off; an episode recorded twice (rerun after an error) counts by its last line.
 */
public final class Results implements AutoCloseable {

    public static final String FILE = "results.jsonl";

    private final Path file;
    private final FileChannel out;

    private Results(Path file, FileChannel out) {
        this.file = file;
        this.out = out;
    }

    /** The key of an episode: world, task and sample. */
    public static String key(String world, int task, int sample) {
        return world + "/" + task + "/" + sample;
    }

    /** Every episode in {@code file} by key (last line wins), in the order first seen. A missing file has none. */
    public static Map<String, JsonNode> read(Path file) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        if (!Files.exists(file)) return byKey;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode n;
            try {
                n = WorldFiles.JSON.readTree(line);
            } catch (RuntimeException e) {
                continue; // the partial last line of a run that was killed while writing it
            }
            if (n != null && n.path("key").isString()) byKey.put(n.get("key").asString(), n);
        }
        return byKey;
    }

    /** The episodes of a results file or of an eval directory holding one. */
    public static List<JsonNode> episodes(Path fileOrDir) {
        Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE) : fileOrDir;
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException("no results at " + fileOrDir + ": give an eval directory or its " + FILE);
        return new ArrayList<>(read(f).values());
    }

    /** Opens {@code file} for appending, first cutting off a partial last line left by a killed run. */
    public static Results append(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') end--;
                if (end != bytes.length) {
                    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        c.truncate(end);
                    }
                }
            }
            return new Results(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + " for writing: " + e.getMessage(), e);
        }
    }

    /** Appends one episode's line, whole, in one write. */
    public synchronized void add(ObjectNode line) {
        byte[] bytes = (WorldFiles.JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
