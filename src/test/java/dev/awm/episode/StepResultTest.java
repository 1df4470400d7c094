package dev.awm.episode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.runtime.ToolResult;
import org.junit.jupiter.api.Test;

/** A step says whose fault a failed call was as the runtime does: trainers punish the agent's errors and mask the environment's. */
class StepResultTest {

    @Test
    void aFailedCallKeepsTheRuntimesErrorKind() {
        assertThat(StepResult.of(ToolResult.agentError("No account 9."), 3).errorKind()).isEqualTo(ToolResult.ErrorKind.AGENT);
        StepResult env = StepResult.of(ToolResult.environmentError("The database ran out of memory."), 4);
        assertThat(env.errorKind()).isEqualTo(ToolResult.ErrorKind.ENVIRONMENT);
        assertThat(env.toolResult().kind()).isEqualTo(ToolResult.ErrorKind.ENVIRONMENT);
        assertThat(StepResult.of(new ToolResult(false, "{}", java.util.Map.of()), 5).errorKind()).isNull();
    }
}
