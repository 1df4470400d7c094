package dev.awm.synth;

import dev.awm.world.WorldFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A stage's prompt file, {@code /prompts/<stage>.md}: sections headed {@code ## name} (at least {@code system},
 * {@code user} and {@code schema}, the JSON Schema of the answer its parser enforces), with {@code {{placeholders}}}.
 */
final class Prompts {

    private static final Map<String, Prompts> LOADED = new ConcurrentHashMap<>();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private final String stage;
    private final Map<String, String> sections;

    private Prompts(String stage, Map<String, String> sections) {
        this.stage = stage;
        this.sections = sections;
    }

    static Prompts of(String stage) {
        return LOADED.computeIfAbsent(stage, Prompts::load);
    }

    private static Prompts load(String stage) {
        String resource = "/prompts/" + stage + ".md";
        try (InputStream in = Prompts.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the jar has no " + resource);
            Map<String, String> sections = new LinkedHashMap<>();
            String name = null;
            StringBuilder text = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.startsWith("## ")) {
                    if (name != null) sections.put(name, text.toString().strip());
                    name = line.substring(3).strip();
                    text.setLength(0);
                } else if (name != null) {
                    text.append(line).append('\n');
                }
            }
            if (name != null) sections.put(name, text.toString().strip());
            return new Prompts(stage, sections);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String section(String name) {
        String s = sections.get(name);
        if (s == null) throw new IllegalStateException("/prompts/" + stage + ".md has no section '## " + name + "'");
        return s;
    }

    /** A section with its placeholders filled; a placeholder without a value is an error in the prompt file. */
    String fill(String name, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(section(name));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalStateException("/prompts/" + stage + ".md section " + name + " uses {{" + m.group(1) + "}}, which the stage does not fill");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The JSON Schema in a section (in a ```json fence or bare). */
    JsonNode schema(String name) {
        String s = section(name).replaceAll("(?s)^```[a-z]*\\s*", "").replaceAll("(?s)```\\s*$", "");
        return WorldFiles.JSON.readTree(s);
    }
}
