package dev.awm.agent;

import dev.awm.llm.ScriptedLlmServer.Reply;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A scripted model for the tiny shop in awm style that solves task 0 and answers task 1 wrongly, deciding each reply
 * from the conversation so far, so that any number of episodes can run at once against it.
 */
public final class ShopModel {

    private ShopModel() {}

    public static Reply reply() {
        return Reply.dynamic(r -> {
            String task = r.messages().get(1).path("content").asString();
            long turn = 0;
            for (JsonNode m : r.messages()) if (m.path("role").asString().equals("assistant")) turn++;
            boolean cart = task.startsWith("Put 2 Blue Mugs");
            List<String> calls = cart ? List.of("{\"tool_name\": \"search_products\", \"arguments\": \"{\\\"query\\\": \\\"Blue Mug\\\"}\"}",
                    "{\"tool_name\": \"add_to_cart\", \"arguments\": \"{\\\"product_id\\\": 1, \\\"quantity\\\": 2}\"}")
                    : List.of("{\"tool_name\": \"search_products\", \"arguments\": \"{}\"}");
            if (turn == 0) return Reply.content("<tool_call>\n{\"name\": \"list_tools\", \"arguments\": null}\n</tool_call>");
            if (turn <= calls.size()) return Reply.content("<tool_call>\n{\"name\": \"call_tool\", \"arguments\": " + calls.get((int) turn - 1) + "}\n</tool_call>");
            return Reply.content(cart ? "Added 2 Blue Mugs." : "The Red Mug at $9.00 </script><script>alert('x')</script>");
        });
    }
}
