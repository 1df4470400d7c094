package dev.awm.mcp;

import dev.awm.runtime.Json;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Wraps the MCP SDK's servlet so that its error responses (malformed JSON, unknown session, ...) reach clients as
 * plain JSON-RPC errors: the SDK serializes the whole exception, stack trace included, which no client should see.
 * Successful responses, SSE streams included, pass through untouched.
 */
final class CleanErrors extends HttpServlet {

    private final HttpServlet sdk;

    CleanErrors(HttpServlet sdk) {
        this.sdk = sdk;
    }

    @Override
    public void init() throws ServletException {
        sdk.init(getServletConfig());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        ErrorCatcher wrapped = new ErrorCatcher(resp);
        sdk.service(req, wrapped);
        wrapped.finish();
    }

    @Override
    public void destroy() {
        sdk.destroy();
    }

    /** Buffers the body of a response whose status is 400 or more, then rewrites it. */
    private static final class ErrorCatcher extends HttpServletResponseWrapper {
        private final HttpServletResponse real;
        private ByteArrayOutputStream buffer;
        private PrintWriter writer;

        ErrorCatcher(HttpServletResponse real) {
            super(real);
            this.real = real;
        }

        private boolean failing() {
            return real.getStatus() >= 400;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (!failing()) return real.getWriter();
            if (writer == null) {
                buffer = new ByteArrayOutputStream();
                writer = new PrintWriter(buffer, true, StandardCharsets.UTF_8);
            }
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (!failing()) return real.getOutputStream();
            if (buffer == null) buffer = new ByteArrayOutputStream();
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    buffer.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener l) {
                    throw new UnsupportedOperationException("error bodies are written at once");
                }
            };
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            real.setStatus(sc);
            write(sc, msg == null || msg.isBlank() ? reason(sc) : msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            sendError(sc, null);
        }

        void finish() throws IOException {
            if (buffer == null) return;
            if (writer != null) writer.flush();
            String body = buffer.toString(StandardCharsets.UTF_8);
            buffer = null;
            String message = reason(real.getStatus());
            int code = -32600;
            try {
                JsonNode n = Json.parse(body);
                JsonNode err = n.has("jsonRpcError") ? n.get("jsonRpcError") : n.path("error");
                message = err.path("message").asString(n.path("message").asString(message));
                code = err.path("code").asInt(code);
            } catch (RuntimeException notJson) {
                if (!body.isBlank() && body.length() < 300) message = body.strip();
            }
            write(code, message);
        }

        private void write(int code, String message) throws IOException {
            real.setContentType("application/json");
            real.setCharacterEncoding("UTF-8");
            int rpcCode = code >= 400 && code < 600 ? -32600 : code;
            real.getWriter().write(Json.write(Map.of("jsonrpc", "2.0", "id", "null-id", "error", Map.of("code", rpcCode, "message", message)))
                    .replace("\"null-id\"", "null"));
            real.getWriter().flush();
        }

        private static String reason(int status) {
            return switch (status) {
                case 404 -> "Unknown or expired MCP session: initialize a new one";
                case 405 -> "Method not allowed";
                case 413 -> "Request too large";
                default -> "Request failed (HTTP " + status + ")";
            };
        }
    }
}
