package dev.awm.agent;

import dev.awm.TestWorlds;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.llm.LlmClient;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.runtime.WorldRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** What the agent tests share: the tiny shop served over MCP on real HTTP, and a scripted model per test. */
abstract class ShopEpisodes {

    static WorldRuntime shop;
    static EpisodeServer server;
    @AutoClose
    final ScriptedLlmServer llm;
    @TempDir
    Path tmp;

    @BeforeAll
    static void serve() {
        shop = TestWorlds.tinyShopRuntime();
        server = new EpisodeServer();
    }

    @AfterAll
    static void stopServing() {
        server.close();
    }

    ShopEpisodes() {
        try {
            llm = new ScriptedLlmServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An agent on the scripted model, with the style's model settings. */
    Agent agent(AgentSettings settings) {
        return new Agent(new LlmClient(Agent.modelConfig(llm.config(), settings.style(), null, null, null)), settings);
    }

    AgentSettings awmSettings() {
        return AgentSettings.defaults(Style.AWM, llm.baseUrl());
    }

    /** Plays task {@code task} of the shop into tmp/run. */
    EpisodeRunner.Finished play(AgentSettings settings, int task, Scoring scoring) {
        return new EpisodeRunner(server, agent(settings), scoring)
                .run(shop, new Agent.Task("tiny_shop", task, shop.world.tasks().get(task)), shop.world.verifier(task).orElseThrow(), tmp.resolve("run"), null, null);
    }
}
