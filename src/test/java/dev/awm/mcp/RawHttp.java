package dev.awm.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written by hand, so tests can send what no well-behaved client would: any Host, broken bytes, odd
 * methods. One request per connection; the reply is read to the end within {@code timeoutMillis}.
 */
final class RawHttp {

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    static final String JSON_HEADERS = "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";

    private RawHttp() {}

    /** Sends {@code method path} with {@code headers} (CRLF-terminated lines; a Host is added unless given) and {@code body}. */
    static Response send(int port, String method, String path, String headers, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (!Pattern.compile("(?im)^host:").matcher(headers).find()) head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            head.append(headers).append("Connection: close\r\n");
            if (body != null) head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();
            return read(s.getInputStream(), method.equals("HEAD"));
        }
    }

    static Response post(int port, String path, String sessionId, String json) throws IOException {
        String headers = JSON_HEADERS + (sessionId == null ? "" : "Mcp-Session-Id: " + sessionId + "\r\n");
        return send(port, "POST", path, headers, json.getBytes(StandardCharsets.UTF_8));
    }

    static Response read(InputStream in, boolean head) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("the server closed the connection without an answer");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(), l.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head) {
            // no body follows a HEAD
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).split(";")[0].strip(), 16); size > 0; size = Integer.parseInt(line(in).split(";")[0].strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) return sb.isEmpty() ? null : sb.toString();
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }
}
