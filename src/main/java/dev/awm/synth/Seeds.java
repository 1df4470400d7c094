package dev.awm.synth;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Seed platforms, {@code {name, description}} per JSONL line: a user's file, or the list shipped in the jar. */
record Seeds(String name, String description) {

    static final String DEFAULT = "/seeds/platforms.jsonl";

    static List<Seeds> read(Path file) {
        List<String> lines;
        String where = file == null ? "the default seed list" : file.toString();
        try {
            if (file == null) {
                try (InputStream in = Seeds.class.getResourceAsStream(DEFAULT)) {
                    if (in == null) throw new IllegalStateException("the jar has no " + DEFAULT);
                    lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                }
            } else {
                if (!Files.isRegularFile(file)) throw new IllegalArgumentException("the seed file " + file + " does not exist; --seeds takes a JSONL file of {\"name\", \"description\"} lines");
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the seed file " + where + ": " + e.getMessage());
        }
        List<Seeds> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) continue;
            JsonNode n;
            try {
                n = WorldFiles.JSON.readTree(l);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + " line " + (i + 1) + " is not JSON; each line must be {\"name\": ..., \"description\": ...}");
            }
            String name = n.path("name").asString("").strip();
            if (name.isEmpty()) throw new IllegalArgumentException(where + " line " + (i + 1) + " has no \"name\"; each line must be {\"name\": ..., \"description\": ...}");
            out.add(new Seeds(name, n.path("description").asString("").strip()));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(where + " holds no seed; each line must be {\"name\": ..., \"description\": ...}");
        return out;
    }
}
