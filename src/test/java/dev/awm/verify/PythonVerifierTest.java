package dev.awm.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.awm.TestWorlds;
import dev.awm.runtime.Instance;
import dev.awm.runtime.Json;
import dev.awm.runtime.WorldRuntime;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AWM's Python verifiers read both states and the answer (in the sandbox; PythonVerifierSandboxTest shows what it keeps out). */
class PythonVerifierTest {

    static PythonVerifier.Sandbox sandbox;
    static final String CART_VERIFIER = """
            def verify_task_completion(initial_db_path: str, final_db_path: str, final_answer: str | None = None) -> dict:
                import sqlite3
                conn = sqlite3.connect(f"file:{final_db_path}?mode=ro", uri=True)
                n = conn.execute("SELECT COUNT(*) FROM cart_items WHERE user_id = 1 AND product_id = 1 AND quantity = 2").fetchone()[0]
                return {"result": "complete" if n == 1 and "mug" in (final_answer or "").lower() else "others"}
            """;

    @BeforeAll
    static void findSandbox() {
        sandbox = PythonVerifierSandboxTest.sandboxOrSkip();
    }

    @Test
    void readsBothStatesAndTheAnswer() {
        WorldRuntime shop = TestWorlds.tinyShopRuntime();
        byte[] initial = shop.initialImage();
        try (Instance i = shop.newInstance()) {
            i.call("add_to_cart", Json.parse("{\"product_id\": 1, \"quantity\": 2}"));
            byte[] fin = i.image();
            assertThat(PythonVerifier.run(sandbox, CART_VERIFIER, initial, fin, "Added 2 Blue Mugs.", Duration.ofSeconds(30)).complete()).isTrue();
            assertThat(PythonVerifier.run(sandbox, CART_VERIFIER, initial, fin, "", Duration.ofSeconds(30)).result()).isEqualTo("others");
            assertThat(PythonVerifier.run(sandbox, CART_VERIFIER, initial, initial, "mug", Duration.ofSeconds(30)).result()).isEqualTo("others");
        }
    }

    @Test
    void aHangingOrBrokenVerifierIsReportedNotFatal() {
        byte[] db = TestWorlds.tinyShopRuntime().initialImage();
        PythonVerifier.Outcome hang = PythonVerifier.run(sandbox, "def verify_task_completion(a, b, c=None):\n    while True: pass\n", db, db, "", Duration.ofSeconds(1));
        assertThat(hang.result()).isNull();
        assertThat(hang.error()).contains("timed out");
        PythonVerifier.Outcome broken = PythonVerifier.run(sandbox, "def verify_task_completion(a, b, c=None):\n    raise ValueError('bad sql')\n", db, db, "", Duration.ofSeconds(30));
        assertThat(broken.error()).contains("ValueError: bad sql");
    }
}
