package dev.awm;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worlds the tests use: the small test shop, and real AWM-1K stage files from the directory named by the
 * environment variable AWM1K_DIR (default ../shared/awm1k, relative to the repository).
 */
public final class TestWorlds {

    public static final Path TEST_WORLDS = Path.of("src/test/resources/worlds");
    private static final Path AWM1K = Path.of(System.getenv().getOrDefault("AWM1K_DIR", "../shared/awm1k"));

    private TestWorlds() {}

    public static World tinyShop() {
        return WorldFiles.load(TEST_WORLDS.resolve("tiny_shop")).get(0);
    }

    public static WorldRuntime tinyShopRuntime() {
        return WorldRuntime.load(tinyShop());
    }

    /** The AWM-1K directory; the calling test is skipped where it is missing (see {@link Prerequisite}). */
    public static Path awm1kDir() {
        Prerequisite.require(Files.isRegularFile(AWM1K.resolve("gen_db.jsonl")),
                "AWM-1K's stage files (gen_db.jsonl, gen_sample.jsonl, gen_tasks.jsonl, ...) are not in " + AWM1K.toAbsolutePath().normalize()
                        + ": set AWM1K_DIR to a directory holding them. AWM-1K is the dataset of the Agent World Model paper (arXiv 2602.10090);"
                        + " download it from Hugging Face (dataset Snowflake/AgentWorldModel-1K); its pipeline is github.com/Snowflake-Labs/agent-world-model");
        return AWM1K;
    }

    public static World awm1k(String scenario) {
        return WorldFiles.load(awm1kDir()).stream().filter(w -> w.scenario().equals(scenario)).findFirst()
                .orElseThrow(() -> new AssertionError(AWM1K + " holds no world " + scenario));
    }
}
