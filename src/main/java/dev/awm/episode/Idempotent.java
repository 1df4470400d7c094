package dev.awm.episode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Runs an action at most once per request id: a retry with the same id (even while the first is still running) gets
 * the first one's result. A failed action is forgotten, so that its retry acts. Keeps the {@code limit} latest ids.
 */
final class Idempotent<T> {

    private final Map<String, CompletableFuture<T>> results;

    Idempotent(int limit) {
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<T>> eldest) {
                return size() > limit;
            }
        };
    }

    T once(String requestId, Supplier<T> action) {
        if (requestId == null) return action.get();
        CompletableFuture<T> mine = new CompletableFuture<>(), earlier;
        synchronized (results) {
            earlier = results.putIfAbsent(requestId, mine);
        }
        if (earlier != null) {
            try {
                return earlier.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            T value = action.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException e) {
            forget(requestId, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** The result of the action run for {@code requestId}, or null when none finished. */
    T done(String requestId) {
        CompletableFuture<T> f;
        synchronized (results) {
            f = results.get(requestId);
        }
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    void forget(String requestId) {
        synchronized (results) {
            results.remove(requestId);
        }
    }

    private void forget(String requestId, CompletableFuture<T> which) {
        synchronized (results) {
            results.remove(requestId, which);
        }
    }
}
