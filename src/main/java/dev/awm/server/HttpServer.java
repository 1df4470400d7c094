package dev.awm.server;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty on virtual threads, bound to one host and port, with servlets mounted at paths. */
public final class HttpServer implements AutoCloseable {

    private final Server jetty;
    private final ServerConnector connector;
    private final ServletContextHandler context = new ServletContextHandler();
    private boolean webSockets;

    public HttpServer(String host, int port) {
        QueuedThreadPool pool = new QueuedThreadPool(256, 8);
        pool.setName("awm-http");
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        jetty = new Server(pool);
        connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        jetty.addConnector(connector);
        jetty.setHandler(context);
        jetty.setStopAtShutdown(true);
        context.setErrorHandler(new PlainErrors());
    }

    /** Errors Jetty answers itself (a failed upgrade, a bad request line...) as plain JSON: never an exception or a class name. */
    private static final class PlainErrors extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        @Override
        protected boolean generateAcceptableResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                org.eclipse.jetty.util.Callback callback, String contentType, java.util.List<java.nio.charset.Charset> charsets, int code, String message,
                Throwable cause) {
            String reason = code >= 500 ? "the server failed to handle the request" : org.eclipse.jetty.http.HttpStatus.getMessage(code);
            String body = "{\"error\":{\"message\":\"" + reason + "\",\"code\":\"http_" + code + "\"},\"retryable\":" + (code >= 500) + "}";
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, java.nio.ByteBuffer.wrap(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    public HttpServer mount(String pathSpec, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, pathSpec);
        return this;
    }

    /** Mounts a WebSocket endpoint (Jetty's WebSocket servlet) at {@code pathSpec}. */
    public HttpServer mountWebSocket(String pathSpec, JettyWebSocketServlet servlet) {
        if (!webSockets) {
            JettyWebSocketServletContainerInitializer.configure(context, null);
            webSockets = true;
        }
        return mount(pathSpec, servlet);
    }

    /** Runs {@code filter} before every servlet, WebSocket upgrades included. */
    public HttpServer filter(Filter filter) {
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        return this;
    }

    /**
     * On stop, refuse new connections and requests but let those in flight finish, for at most {@code timeout}. Call
     * before {@link #start()}.
     */
    public HttpServer graceful(Duration timeout) {
        jetty.setHandler(new GracefulHandler(context));
        jetty.setStopTimeout(timeout.toMillis());
        return this;
    }

    /** Starts listening; a port already in use is reported in plain words. */
    public HttpServer start() {
        try {
            jetty.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + connector.getHost() + ":" + connector.getPort() + ": " + e.getMessage()
                    + " (is another server on that port? choose another with --port)");
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server failed to start: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server failed to stop: " + e.getMessage(), e);
        }
    }
}
