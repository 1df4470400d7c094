package dev.awm;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Path;

/** The worlds the tests use: the small test shop, and the real AWM-1K sample in ../shared/awm1k. */
public final class TestWorlds {

    public static final Path AWM1K = Path.of("../shared/awm1k");
    public static final Path TEST_WORLDS = Path.of("src/test/resources/worlds");

    private TestWorlds() {}

    public static World tinyShop() {
        return WorldFiles.load(TEST_WORLDS.resolve("tiny_shop")).get(0);
    }

    public static WorldRuntime tinyShopRuntime() {
        return WorldRuntime.load(tinyShop());
    }

    public static World awm1k(String scenario) {
        return WorldFiles.load(AWM1K).stream().filter(w -> w.scenario().equals(scenario)).findFirst().orElseThrow();
    }
}
