package dev.awm.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The bearer token of {@code awm serve}: every request but {@code /health} must carry it, on every face (Host and
 * Origin are checked before, by {@link HttpServer}).
 */
final class RequestGuard implements Filter {

    private final byte[] token;

    RequestGuard(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (!"/health".equals(req.getRequestURI()) && !authorized(req.getHeader("Authorization"))) {
            HttpServletResponse resp = (HttpServletResponse) response;
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
}
