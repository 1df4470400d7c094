package dev.awm.synth;

import dev.awm.llm.UsageMeter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A stage's progress bar on the terminal (items done, failed, in repair, tokens); nothing when output is not a terminal. */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;
    private final StageStats stats;
    private final UsageMeter usage;

    Progress(String stage, int total, StageStats stats, UsageMeter usage, boolean show) {
        this.stats = stats;
        this.usage = usage;
        this.bar = show && total > 0 ? new ProgressBarBuilder().setTaskName(String.format("%-9s", stage)).setInitialMax(total).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).hideEta().build() : null;
    }

    /** True when standard error is a terminal a bar can redraw. */
    static boolean terminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    void update() {
        if (bar == null) return;
        bar.stepTo(stats.done.get());
        long tokens = usage.stage(stats.stage).tokens();
        bar.setExtraMessage(String.format(" failed %d, in repair %d, %s tokens", stats.rejected.get(), Math.max(0, stats.inRepair.get()), GenReport.kilo(tokens)));
    }

    @Override
    public void close() {
        if (bar != null) {
            update();
            bar.close();
        }
    }
}
