package dev.awm.synth;

import dev.awm.llm.LlmClient;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.llm.ScriptedLlmServer.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A scripted LLM that answers like a good model from the bundled worlds, unless a test scripts another answer first. */
final class GenTestSupport {

    private GenTestSupport() {}

    /** AWM-1K's stage files (AWM1K_DIR, default ../shared/awm1k); the calling test is skipped where they are missing. */
    static Path awm1k() {
        Path dir = Path.of(System.getenv().getOrDefault("AWM1K_DIR", "../shared/awm1k"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("gen_db.jsonl")), "AWM-1K's stage files are not in " + dir.toAbsolutePath().normalize());
        return dir;
    }

    /** Adds the good answers after whatever the test scripted. */
    static void answerWell(ScriptedLlmServer llm) {
        llm.always(r -> r.chat(), Reply.answer(r -> BundledAnswers.answer(r.stage(), r.world(), r.body())));
    }

    static Path seeds(Path dir, String... names) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String n : names) b.append("{\"name\": \"").append(n).append("\", \"description\": \"A ").append(n).append(" app.\"}\n");
        return Files.writeString(dir.resolve("seeds.jsonl"), b.toString());
    }

    static GenSettings settings(int target, Path seeds) {
        return new GenSettings(target, 10, seeds, List.of(), null, 4, 15, 25, 20, 50, 0, 0.85, 0.6, 2);
    }

    static Pipeline pipeline(Path out, ScriptedLlmServer llm, GenSettings settings) {
        return new Pipeline(new GenDir(out), new LlmClient(llm.config().withCache(out.resolve("llm_cache"), false)), settings, false);
    }
}
