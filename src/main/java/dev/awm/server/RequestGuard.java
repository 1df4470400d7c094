package dev.awm.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Guards every face of {@code awm serve}: a bearer token when one is set (every request but {@code /health}), the
 * Origin header as the MCP specification requires (browsers' cross-site requests refused), and, when bound to this
 * machine only, the Host header (against DNS rebinding).
 */
final class RequestGuard implements Filter {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final byte[] token;
    private final boolean loopback;
    private final List<String> allowedOrigins;

    /**
     * @param token the bearer token every request must carry, or null for none
     * @param loopback true when the server is bound to this machine only; then only local Host names are accepted
     * @param allowedOrigins further browser origins allowed (scheme://host:port), besides local ones and the server's own
     */
    RequestGuard(String token, boolean loopback, List<String> allowedOrigins) {
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.loopback = loopback;
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String host = req.getHeader("Host");
        if (loopback && host != null && !LOOPBACK_NAMES.contains(hostName(host))) {
            JsonHttp.error(resp, 403, "forbidden_host", "the server is bound to this machine and answers only requests addressed to localhost, not to " + host, false, null);
            return;
        }
        String origin = req.getHeader("Origin");
        if (origin != null && !originAllowed(origin, host)) {
            JsonHttp.error(resp, 403, "forbidden_origin", "requests from the web page at " + origin + " are not allowed; start awm serve with --allow-origin " + origin + " to allow them", false, null);
            return;
        }
        if (token != null && !"/health".equals(req.getRequestURI()) && !authorized(req.getHeader("Authorization"))) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"awm\"");
            JsonHttp.error(resp, 401, "unauthorized", "this server needs its token: send the header 'Authorization: Bearer TOKEN' (the --token or AWM_TOKEN it was started with)", false, null);
            return;
        }
        chain.doFilter(request, response);
    }

    /** A bearer token, or HTTP Basic with the token as password (what WebSocket clients send for a URL like http://awm:TOKEN@host:port). */
    private boolean authorized(String header) {
        if (header == null) return false;
        String presented = null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).strip();
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                presented = userPass.substring(userPass.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
    }

    private boolean originAllowed(String origin, String host) {
        if (allowedOrigins.contains(origin)) return true;
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null) return false; // "null" and other opaque origins
        if (LOOPBACK_NAMES.contains(uri.getHost().toLowerCase(Locale.ROOT))) return true;
        return host != null && uri.getAuthority() != null && uri.getAuthority().equalsIgnoreCase(host); // the server's own pages
    }

    static String hostName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }
}
