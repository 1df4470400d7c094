"""The client and the trainer glue against a served instance of awm: run by the Maven suite (PythonClientTest),
which starts ``awm serve`` and sets AWM_URL, and AWM_TEST_TASK to a task with its reference solution."""

import asyncio
import inspect
import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from awm_client import AwmError, Client, Episode

URL = os.environ["AWM_URL"]
TASK = json.loads(os.environ["AWM_TEST_TASK"])  # {world, task, calls: [{tool, arguments}], answer}
sys.path.insert(0, os.environ.get("AWM_EXAMPLES", os.path.join(os.path.dirname(__file__), "..", "examples")))


def solve(ep):
    for call in TASK["calls"]:
        r = ep.step(call["tool"], call["arguments"])
        assert not r.is_error, r.result


class EpisodeTest(unittest.TestCase):
    client = Client(URL)

    def test_reference_solution_earns_one_and_doing_nothing_zero(self):
        with self.client.create(TASK["world"], TASK["task"]) as ep:
            self.assertIn("user id 1", ep.prompt)
            self.assertTrue(ep.tools and "inputSchema" in ep.tools[0])
            self.assertTrue(ep.mcp_url.endswith(f"/v1/episodes/{ep.id}/mcp"))
            solve(ep)
            score = ep.evaluate(TASK["answer"])
            self.assertEqual(score["reward"], 1.0)
            self.assertTrue(all(c["passed"] for c in score["checks"]))
            self.assertEqual(ep.info()["steps"], len(TASK["calls"]))
            self.assertTrue(ep.diff())
        with Episode.create(TASK["world"], TASK["task"], client=self.client) as idle:
            self.assertEqual(idle.evaluate("")["reward"], 0.0)

    def test_forks_diverge_and_leave_the_parent_unchanged(self):
        parent = self.client.create(TASK["world"], TASK["task"])
        group = [parent.fork() for _ in range(3)]
        self.assertTrue(all(f.parent_id == parent.id and f.info()["state_hash"] == parent.state_hash for f in group))
        self.assertEqual(group[0].tools, parent.tools)
        self.assertEqual(group[0].prompt, parent.prompt)
        solve(group[0])
        self.assertEqual(parent.info()["state_hash"], parent.state_hash)
        self.assertEqual(group[1].info()["state_hash"], parent.state_hash)
        self.assertNotEqual(group[0].info()["state_hash"], parent.state_hash)
        self.assertEqual(group[0].evaluate(TASK["answer"])["reward"], 1.0)
        self.assertEqual(group[0].reset(), parent.state_hash)
        for e in [parent] + group:
            e.close()

    def test_a_bad_call_is_an_observation_and_a_retried_request_acts_once(self):
        with self.client.create(TASK["world"], TASK["task"]) as ep:
            r = ep.step("launch_rocket", {})
            self.assertTrue(r.is_error)
            self.assertEqual(r.error_kind, "agent")
            call = TASK["calls"][0]
            first = ep.step(call["tool"], call["arguments"], request_id="same")
            again = ep.step(call["tool"], call["arguments"], request_id="same")
            self.assertEqual(first, again)
            self.assertEqual(ep.info()["steps"], 2)
        a = self.client.create(TASK["world"], TASK["task"], request_id="create-once")
        b = self.client.create(TASK["world"], TASK["task"], request_id="create-once")
        self.assertEqual(a.id, b.id)
        a.close()
        b.close()  # already gone: closing is idempotent

    def test_unknown_worlds_and_episodes_raise_plain_errors(self):
        with self.assertRaises(AwmError) as e:
            self.client.create("atlantis", 0)
        self.assertEqual(e.exception.status, 400)
        self.assertFalse(e.exception.retryable)
        self.assertIn("banking_1", str(e.exception))
        with self.assertRaises(AwmError) as e:
            self.client.episode("ep_nothing")
        self.assertEqual(e.exception.status, 404)

    def test_episodes_are_spread_over_several_servers(self):
        other = URL.replace("127.0.0.1", "localhost")
        client = Client([URL, other])
        eps = [client.create(TASK["world"], TASK["task"]) for _ in range(4)]
        self.assertEqual([e.url for e in eps], [URL, other, URL, other])
        fork = eps[1].fork()
        self.assertEqual(fork.url, other)
        for e in eps + [fork]:
            e.close()

    def test_one_client_is_safe_to_share_between_threads(self):
        errors = []

        def rollout():
            try:
                with self.client.create(TASK["world"], TASK["task"]) as ep:
                    solve(ep)
                    if ep.evaluate(TASK["answer"])["reward"] != 1.0:
                        errors.append("wrong reward")
            except Exception as e:  # noqa: BLE001 - collected for the assertion
                errors.append(repr(e))

        threads = [threading.Thread(target=rollout) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


class RetryTest(unittest.TestCase):
    """429 and 5xx are retried with the same request_id; 4xx are not."""

    def serve(self, replies):
        seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                seen.append(body.get("request_id"))
                status, headers, reply = replies.pop(0)
                data = json.dumps(reply).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}", seen

    def test_capacity_and_server_errors_are_retried_with_the_same_request_id(self):
        created = {"episode_id": "ep_1", "world": "w", "task": 0, "tools": []}
        url, seen = self.serve([(429, {"Retry-After": "0"}, {"error": {"message": "full"}}),
                                (503, {}, {"error": {"message": "busy"}, "retryable": True}),
                                (201, {}, created)])
        ep = Client(url, max_backoff=0.01).create("w", 0)
        self.assertEqual(ep.id, "ep_1")
        self.assertEqual(len(seen), 3)
        self.assertEqual(len(set(seen)), 1)

    def test_the_callers_mistakes_are_not_retried(self):
        url, seen = self.serve([(400, {}, {"error": {"message": "no world named 'w'", "code": "bad_request"}})])
        with self.assertRaises(AwmError) as e:
            Client(url, max_backoff=0.01).create("w", 0)
        self.assertEqual(str(e.exception), "no world named 'w'")
        self.assertEqual(e.exception.code, "bad_request")
        self.assertEqual(len(seen), 1)

    def test_giving_up_says_the_failure_is_retryable(self):
        url, _ = self.serve([(429, {"Retry-After": "0"}, {"error": {"message": "full"}})] * 3)
        with self.assertRaises(AwmError) as e:
            Client(url, retries=2, max_backoff=0.01).create("w", 0)
        self.assertTrue(e.exception.retryable)
        self.assertEqual(e.exception.status, 429)


class TrainerGlueTest(unittest.TestCase):
    client = Client(URL)

    def test_trl_environment_factory(self):
        from trl_environment import make_environment, reward_func

        env_class = make_environment(TASK["world"], self.client)
        envs = [env_class(), env_class()]
        tool = TASK["calls"][0]["tool"]
        self.assertTrue(hasattr(envs[0], tool))
        self.assertIn("Args:", getattr(env_class, tool).__doc__ or "Args:")
        self.assertEqual(list(inspect.signature(getattr(env_class, tool)).parameters)[0], "self")
        prompts = [e.reset(task=TASK["task"], prompt="ignored") for e in envs]
        self.assertIn("user id 1", prompts[0])
        for call in TASK["calls"]:
            getattr(envs[0], call["tool"])(**call["arguments"])
        rewards = reward_func(envs, [[{"role": "assistant", "content": TASK["answer"]}], [{"role": "assistant", "content": "Done."}]])
        self.assertEqual(rewards, [1.0, 0.0])

    def test_openrlhf_agent_instance(self):
        from openrlhf_agent import AgentInstance

        async def run():
            agent = AgentInstance()
            first = await agent.reset({"observation": "Go.", "label": json.dumps({"world": TASK["world"], "task": TASK["task"]})})
            self.assertIn("Tools:", first["observation"])
            for call in TASK["calls"]:
                text = f'<tool_call>{json.dumps({"name": call["tool"], "arguments": call["arguments"]})}</tool_call>'
                r = await agent.step({"action_text": text, "label": None})
                self.assertFalse(r["done"])
                self.assertIn("<tool_response>", r["environment_feedback"])
            end = await agent.step({"action_text": TASK["answer"], "label": None})
            self.assertTrue(end["done"])
            return end["rewards"]

        self.assertEqual(asyncio.run(run()), 1.0)

    def test_verl_tools_share_one_episode_per_rollout(self):
        import verl_tool

        config = verl_tool.tool_config(TASK["world"], self.client)
        schemas = {t["tool_schema"]["function"]["name"]: t for t in config["tools"]}
        tools = {name: verl_tool.AwmTool(t["config"], t["tool_schema"]) for name, t in schemas.items()}

        async def rollout(request_id):
            kw = {"create_kwargs": {"world": TASK["world"], "task": TASK["task"]}}
            for t in tools.values():
                await t.create(request_id, **kw)
            for call in TASK["calls"]:
                response, _, metrics = await tools[call["tool"]].execute(request_id, call["arguments"])
                self.assertFalse(metrics["is_error"], response.text)
            reward = await tools[TASK["calls"][0]["tool"]].calc_reward(request_id, answer=TASK["answer"])
            for t in tools.values():
                await t.release(request_id)
            return reward

        before = self.client.capacity()["active"]
        self.assertEqual(asyncio.run(rollout("rollout-1")), 1.0)
        self.assertEqual(self.client.capacity()["active"], before)


if __name__ == "__main__":
    unittest.main()
