package dev.awm.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** Concurrent request load: the calls measured, their errors and their latencies in nanoseconds, sorted. */
record Load(long calls, double seconds, long errors, long[] latencies) {

    @FunctionalInterface
    interface Call {
        /** One request; true when it answered as expected. */
        boolean call() throws IOException;
    }

    double rate() {
        return calls / seconds;
    }

    /** The latency at quantile {@code q}, in milliseconds. */
    double p(double q) {
        return latencies.length == 0 ? 0 : latencies[Math.min(latencies.length - 1, (int) (latencies.length * q))] / 1e6;
    }

    /** Runs every caller in a loop on its own virtual thread for the warm-up, then measures for {@code seconds}. */
    static Load run(List<Call> callers, int warmupSeconds, int seconds) throws Exception {
        long start = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = start + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> running = new ArrayList<>();
            for (Call c : callers) {
                running.add(pool.submit(() -> {
                    long[] lat = new long[1 << 12];
                    int n = 0;
                    for (long s = System.nanoTime(); s < end; s = System.nanoTime()) {
                        boolean ok;
                        try {
                            ok = c.call();
                        } catch (IOException e) {
                            ok = false;
                        }
                        if (s < start) continue;
                        if (!ok) errors.incrementAndGet();
                        if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
                        lat[n++] = System.nanoTime() - s;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : running) all.add(f.get());
            long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Load(lat.length, seconds, errors.get(), lat);
        }
    }
}
