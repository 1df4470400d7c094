package dev.awm.server;

import dev.awm.world.TaskSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests against one served instance of banking_1, shared by the class, and a task whose reference solution writes. */
abstract class ServedTest {

    static Served s;
    static final TaskSpec TASK = Served.writingTask(Served.BANKING);

    @BeforeAll
    static void start() {
        s = Served.basic();
    }

    @AfterAll
    static void stop() {
        s.close();
    }
}
