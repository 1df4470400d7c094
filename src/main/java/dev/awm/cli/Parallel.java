package dev.awm.cli;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Works on many items at once, one per core, and hands each result on in the items' order as soon as it is ready. */
final class Parallel {

    private Parallel() {}

    static <T, R> void inOrder(List<T> items, Function<T, R> work, BiConsumer<T, R> then) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(items.size(), Runtime.getRuntime().availableProcessors())));
        try {
            List<Future<R>> results = items.stream().map(item -> pool.submit(() -> work.apply(item))).toList();
            for (int i = 0; i < items.size(); i++) then.accept(items.get(i), get(results.get(i)));
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R get(Future<R> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        }
    }
}
