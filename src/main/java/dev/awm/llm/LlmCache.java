package dev.awm.llm;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every answered request on disk, under the hash of what was asked (the canonical request body, the base URL and
 * the model), one file each under {@code DIR/xx/}. A file appears whole or not at all (written aside, then renamed),
 * so a run killed at any moment leaves only complete answers, and its rerun sends only what was never answered.
 */
public final class LlmCache {

    private final Path dir;

    public LlmCache(Path dir) {
        this.dir = dir;
    }

    /** The key of a request: SHA-256 of base URL, model and the body with its object keys sorted. */
    public static String key(String baseUrl, String model, JsonNode body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((baseUrl + "\n" + model + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(WorldFiles.JSON.writeValueAsString(canonical(body)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The response recorded for {@code key}, if any. A damaged entry counts as absent. */
    public Optional<JsonNode> get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode entry = WorldFiles.JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
            JsonNode response = entry.path("response");
            return response.isObject() ? Optional.of(response) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(String key, String stage, String world, JsonNode request, JsonNode response) {
        ObjectNode entry = WorldFiles.JSON.createObjectNode();
        entry.put("stage", stage);
        entry.put("world", world);
        entry.set("request", request);
        entry.set("response", response);
        writeAtomically(file(key), WorldFiles.JSON.writeValueAsString(entry));
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /** Writes {@code text} to {@code target} so that readers see the old file or the new one, never a part. */
    public static void writeAtomically(Path target, String text) {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; that is what the caller hears about
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) sorted.put(e.getKey(), canonical(e.getValue()));
            ObjectNode o = WorldFiles.JSON.createObjectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = WorldFiles.JSON.createArrayNode();
            for (JsonNode c : n) a.add(canonical(c));
            return a;
        }
        return n;
    }

}
