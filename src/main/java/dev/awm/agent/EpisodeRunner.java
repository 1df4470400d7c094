package dev.awm.agent;

import dev.awm.llm.Usage;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.world.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One episode from start to verdict: a fresh instance served over MCP, the agent connected to it as any MCP client
 * over HTTP, the final state taken, the episode scored, and its run directory written.
 */
public final class EpisodeRunner {

    /** An episode played and scored; {@code result} is what result.json holds. */
    public record Finished(Episode episode, Verdict verdict, ObjectNode result, Path dir) {}

    private final EpisodeServer server;
    private final Agent agent;
    private final Scoring scoring;

    public EpisodeRunner(EpisodeServer server, Agent agent, Scoring scoring) {
        this.server = server;
        this.agent = agent;
        this.scoring = scoring;
    }

    /**
     * Plays {@code task} on a fresh instance of {@code world} and writes {@code dir}.
     *
     * @param spec the task's verifier, or null for a free-text task
     * @param initialFile a file holding the world's initial state to link into {@code dir}, or null to write it
     */
    public Finished run(WorldRuntime world, Agent.Task task, TaskSpec spec, Path dir, Path initialFile, Agent.Listener listener) {
        Episode episode;
        byte[] fin;
        try (Instance instance = world.newInstance()) {
            try (EpisodeServer.Served served = server.serve(world, instance)) {
                episode = play(served.url(), task, listener);
            }
            fin = instance.image();
        }
        byte[] initial = world.initialImage();
        return finish(episode, new Scoring.Evidence(world, spec, initial, fin, task.text(), episode.finalAnswer(), null), dir, initialFile, initial, fin);
    }

    /** Plays {@code task} against the MCP server at {@code url}: no databases are at hand, so code checks cannot run. */
    public Finished runRemote(String url, Agent.Task task, Path dir, Agent.Listener listener) {
        Episode episode = play(url, task, listener);
        return finish(episode, new Scoring.Evidence(null, null, null, null, task.text(), episode.finalAnswer(), null), dir, null, null, null);
    }

    private Episode play(String url, Agent.Task task, Agent.Listener listener) {
        try (McpTools tools = McpTools.connect(url)) {
            return agent.run(task, tools, listener);
        } catch (McpTools.Unreachable e) {
            return new Episode(task.world(), task.taskId(), task.text(), agent.settings(), null, url, List.of(), List.of(), null, Episode.Outcome.ENVIRONMENT_ERROR,
                    e.getMessage(), 0, 0, 0, 0, Usage.NONE, 0, 0, 0);
        }
    }

    private Finished finish(Episode episode, Scoring.Evidence evidence, Path dir, Path initialFile, byte[] initial, byte[] fin) {
        ObjectNode trajectory = RunDirectory.trajectory(episode, agentBaseUrl(), agentTemperature());
        Scoring.Evidence withTrajectory = new Scoring.Evidence(evidence.world(), evidence.spec(), evidence.initial(), evidence.fin(), evidence.task(),
                evidence.answer(), trajectory.get("trajectory"));
        Verdict verdict = scoring.score(episode.outcome(), withTrajectory);
        ObjectNode result = RunDirectory.result(episode, verdict);
        RunDirectory.write(dir, trajectory, initialFile, initialFile == null ? initial : null, fin, result);
        return new Finished(episode, verdict, result, dir);
    }

    private String agentBaseUrl() {
        return agent.llmConfig().baseUrl();
    }

    private Double agentTemperature() {
        return agent.llmConfig().temperature();
    }
}
