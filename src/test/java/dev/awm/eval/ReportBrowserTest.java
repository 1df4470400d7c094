package dev.awm.eval;

import static dev.awm.llm.ScriptedLlmServer.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awm.TestWorlds;
import dev.awm.agent.Agent;
import dev.awm.agent.AgentSettings;
import dev.awm.agent.AgentSettings.Style;
import dev.awm.agent.EpisodeRunner;
import dev.awm.agent.EpisodeServer;
import dev.awm.agent.Scoring;
import dev.awm.agent.ShopModel;
import dev.awm.llm.LlmClient;
import dev.awm.llm.ScriptedLlmServer;
import dev.awm.world.WorldFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eval report opened in headless Chromium (Debian's chromium package): it must run without a JavaScript error,
 * list the failed episodes, and show a failed episode's trajectory on one click. Skipped when no Chromium is on the
 * PATH, unless -Dawm.requireChromium=true asks for it.
 */
class ReportBrowserTest {

    @TempDir
    Path tmp;

    static Optional<Path> chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Records errors, then once the page has run, clicks the first trajectory button and writes what it saw into the page. */
    static final String PROBE = """
            <script>
            window.__errors = [];
            window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
            window.addEventListener('load', function () {
              setTimeout(function () {
                var rows = document.querySelectorAll('#episodes tbody tr').length;
                var button = document.querySelector('#episodes button.open');
                if (button) button.click();
                var turns = document.querySelectorAll('tr.detail .turn').length;
                var calls = document.querySelectorAll('tr.detail .call').length;
                var out = document.createElement('pre');
                out.id = 'probe';
                out.textContent = JSON.stringify({errors: window.__errors, rows: rows, turns: turns, calls: calls, charts: document.querySelectorAll('svg.chart').length});
                document.body.appendChild(out);
              }, 50);
            });
            </script>
            """;

    @Test
    void theReportRunsInABrowserAndOpensAFailedTrajectory() throws Exception {
        Optional<Path> browser = chromium();
        if (Boolean.getBoolean("awm.requireChromium")) assertThat(browser).as("-Dawm.requireChromium=true, but no chromium on the PATH (apt-get install -y chromium)").isPresent();
        assumeTrue(browser.isPresent(), "no chromium on the PATH: the report's browser test is skipped (apt-get install -y chromium to run it)");

        Path out = tmp.resolve("eval");
        try (ScriptedLlmServer llm = new ScriptedLlmServer(); EpisodeServer server = new EpisodeServer()) {
            llm.always(stage("agent"), ShopModel.reply());
            AgentSettings settings = AgentSettings.defaults(Style.AWM, llm.baseUrl());
            Agent agent = new Agent(new LlmClient(Agent.modelConfig(llm.config(), Style.AWM, null, null, null)), settings);
            EvalRunner.Summary s = new EvalRunner(new EpisodeRunner(server, agent, Scoring.code()), out)
                    .run(List.of(TestWorlds.tinyShopRuntime()), (w, t) -> true, 2, 4, false, null);
            Report.write(out, WorldFiles.JSON.createObjectNode().put("model", "scripted"), s.episodes(), Metrics.of(s.episodes(), 2));
        }
        String html = Files.readString(out.resolve(Report.FILE));
        Path probed = out.resolve("probed.html");
        Files.writeString(probed, html.replaceFirst("<head>", "<head>" + java.util.regex.Matcher.quoteReplacement(PROBE)));

        Process p = new ProcessBuilder(browser.get().toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                "--user-data-dir=" + tmp.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", probed.toUri().toString())
                .redirectError(tmp.resolve("chromium.log").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int at = dom.indexOf("<pre id=\"probe\">");
        assertThat(at).as("the page ran its script; chromium said: " + tail(tmp.resolve("chromium.log"))).isNotNegative();
        String probe = dom.substring(at + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", at)).replace("&quot;", "\"");
        var result = WorldFiles.JSON.readTree(probe);
        assertThat(result.path("errors")).as("JavaScript errors").isEmpty();
        assertThat(result.path("rows").asInt()).as("the failed episodes are listed").isEqualTo(2);
        assertThat(result.path("turns").asInt()).as("one click shows the trajectory").isEqualTo(3);
        assertThat(result.path("calls").asInt()).isEqualTo(2);
        assertThat(result.path("charts").asInt()).isEqualTo(3);
    }

    private static String tail(Path log) throws Exception {
        if (!Files.exists(log)) return "";
        try (Stream<String> lines = Files.lines(log)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 5), all.size()));
        }
    }
}
