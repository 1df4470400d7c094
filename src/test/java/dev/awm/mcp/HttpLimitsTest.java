package dev.awm.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.WorldRuntime;
import dev.awm.server.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slow and greedy clients cannot hold the server: silent connections are closed, and connections and headers are capped. */
class HttpLimitsTest {

    static WorldRuntime shop;
    static Instance instance;
    static McpEndpoint endpoint;

    @BeforeAll
    static void start() {
        shop = TestWorlds.tinyShopRuntime();
        instance = shop.newInstance();
        endpoint = new McpEndpoint(shop, "/mcp", session -> instance);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
        instance.close();
    }

    static HttpServer server(Duration idleTimeout, int maxConnections) {
        return new HttpServer("127.0.0.1", 0, new HttpServer.Limits(idleTimeout, maxConnections, 8 * 1024)).mount("/mcp", endpoint.servlet).start();
    }

    /** Seconds until the server closes {@code s}, reading (and dropping) whatever it sends; fails past 10 s. */
    static double secondsUntilClosed(Socket s) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an error answer may come first
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a stalled connection open for 10 s");
        } catch (IOException reset) {
            // closed by a reset: closed all the same
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void aClientThatStallsInItsHeadersOrBodyIsCutOff() throws Exception {
        try (HttpServer http = server(Duration.ofMillis(500), 100); Socket headers = new Socket("127.0.0.1", http.port()); Socket body = new Socket("127.0.0.1", http.port())) {
            headers.getOutputStream().write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty".getBytes(StandardCharsets.US_ASCII));
            body.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(secondsUntilClosed(headers)).isLessThan(10);
            assertThat(secondsUntilClosed(body)).isLessThan(10);
            assertThat(RawHttp.send(http.port(), "OPTIONS", "/mcp", "", null).status()).as("the server still answers").isEqualTo(204);
        }
    }

    @Test
    void connectionsPastTheLimitWaitUntilOneCloses() throws Exception {
        Socket[] held = new Socket[4];
        try (HttpServer http = server(Duration.ofSeconds(30), 4)) {
            for (int i = 0; i < held.length; i++) {
                held[i] = new Socket("127.0.0.1", http.port());
                held[i].getOutputStream().write("OPTIONS /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                held[i].setSoTimeout(5_000);
                assertThat(RawHttp.read(held[i].getInputStream(), true).status()).isEqualTo(204); // accepted, kept alive
            }
            try (Socket extra = new Socket("127.0.0.1", http.port())) {
                extra.getOutputStream().write("OPTIONS /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                extra.setSoTimeout(200);
                boolean answered;
                try {
                    answered = extra.getInputStream().read() >= 0;
                } catch (SocketTimeoutException waiting) {
                    answered = false;
                }
                assertThat(answered).as("a fifth connection is not served while four are open").isFalse();
                held[0].close();
                extra.setSoTimeout(10_000);
                assertThat(new String(extra.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).as("served once one closes").contains(" 204");
            }
        } finally {
            for (Socket s : held) if (s != null) s.close();
        }
    }

    @Test
    void errorsJettyAnswersItselfArePlainJson() throws Exception {
        try (HttpServer http = server(Duration.ofSeconds(30), 100)) {
            errorsArePlainJson(http);
        }
    }

    private static void errorsArePlainJson(HttpServer http) throws Exception {
        RawHttp.Response big = RawHttp.send(http.port(), "POST", "/mcp", "X-Padding: " + "p".repeat(20_000) + "\r\n" + RawHttp.JSON_HEADERS, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(big.status()).isEqualTo(431);
        assertThat(big.body()).contains("\"message\":\"The request headers are too large.\"");
        try (Socket s = new Socket("127.0.0.1", http.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("BROKEN\u0001 / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response bad = RawHttp.read(s.getInputStream(), false);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("\"message\":\"The request is not valid HTTP.\"");
            McpProtocolTest.assertNoInternals(bad);
        }
        McpProtocolTest.assertNoInternals(big);
    }
}
