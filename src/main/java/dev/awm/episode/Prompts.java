package dev.awm.episode;

import dev.awm.mcp.McpEndpoint;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;

/** What an agent is told at the start of an episode: the app it acts in, for whom, when, and the task. */
public final class Prompts {

    private Prompts() {}

    /** The world's instructions (as its MCP server gives them), the task, and how to finish: the prompt of an episode. */
    public static String task(WorldRuntime world, TaskSpec task) {
        return McpEndpoint.instructions(world) + "\n\nTask: " + task.task()
                + "\n\nUse the tools to do the task. When you are done, give your final answer: what you did, or what you found.";
    }
}
