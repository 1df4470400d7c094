"""verl: each tool of an awm world as a verl ``BaseTool``, all of a rollout's tools acting on one episode.

verl creates, calls and releases tools with an instance id; in its multi-turn rollout that id is the rollout's
request id, shared by every tool of the rollout. The episode is keyed on it: each tool's ``create`` asks the server
for the episode with that request id (creation is idempotent by request id, so they all get the same one), and the
last ``release`` deletes it. Give the world and task per row in ``extra_info.tools_kwargs.<tool>.create_kwargs``.

    python verl_tool.py banking_1 > awm_tools.json          # verl's tool config (JSON is YAML): one entry per tool
    actor_rollout_ref.rollout.multi_turn.tool_config_path=awm_tools.json
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading

from awm_client import Client, Episode

try:
    from verl.tools.base_tool import BaseTool
    from verl.tools.schemas import OpenAIFunctionToolSchema, ToolResponse
except ImportError:  # lets the class be read and tested without verl
    OpenAIFunctionToolSchema = None

    class ToolResponse:
        def __init__(self, text: str = ""):
            self.text = text

    class BaseTool:
        def __init__(self, config: dict, tool_schema):
            self.config, self.tool_schema = config, tool_schema
            self.name = tool_schema["function"]["name"] if isinstance(tool_schema, dict) else tool_schema.function.name

_EPISODES: dict[str, tuple[Episode, int]] = {}  # rollout request id -> (episode, tools holding it)
_LOCK = threading.Lock()
_CLIENTS: dict[str, Client] = {}


def _client(config: dict) -> Client:
    url = config.get("url") or None
    with _LOCK:
        key = url or ""
        if key not in _CLIENTS:
            _CLIENTS[key] = Client(url, token=config.get("token"))
        return _CLIENTS[key]


class AwmTool(BaseTool):
    def __init__(self, config: dict, tool_schema):
        super().__init__(config, tool_schema)
        self.client = _client(config)

    async def create(self, instance_id: str | None = None, **kwargs):
        kw = kwargs.get("create_kwargs", kwargs)
        key = kw.get("rollout_id") or instance_id
        if key is None:
            raise ValueError("verl gave no request id: pass the rollout's id as instance_id or create_kwargs.rollout_id")
        episode = await asyncio.to_thread(self.client.create, kw["world"], int(kw["task"]), f"verl:{key}")
        with _LOCK:
            held = _EPISODES.get(key, (episode, 0))[1]
            _EPISODES[key] = (episode, held + 1)
        return key, ToolResponse()

    async def execute(self, instance_id: str, parameters: dict, **kwargs):
        episode = _EPISODES[instance_id][0]
        r = await asyncio.to_thread(episode.step, self.name, parameters or {})
        return ToolResponse(text=r.result), 0.0, {"is_error": r.is_error, "error_kind": r.error_kind}

    async def calc_reward(self, instance_id: str, **kwargs) -> float:
        """The episode's reward for the final answer (``answer`` in kwargs)."""
        episode = _EPISODES[instance_id][0]
        return float((await asyncio.to_thread(episode.evaluate, kwargs.get("answer", "")))["reward"])

    async def release(self, instance_id: str, **kwargs) -> None:
        with _LOCK:
            episode, held = _EPISODES.get(instance_id, (None, 0))
            if episode is None:
                return
            if held > 1:
                _EPISODES[instance_id] = (episode, held - 1)
                return
            del _EPISODES[instance_id]
        await asyncio.to_thread(episode.close)


def tool_config(world: str, client: Client | None = None) -> dict:
    """verl's tool config for every tool of ``world``."""
    client = client or Client()
    task = next(w for w in client.worlds() if w["world"] == world)["tasks"][0]["task"]
    probe = client.create(world, task)
    probe.close()
    return {"tools": [{"class_name": "verl_tool.AwmTool", "config": {"type": "native", "url": client.urls[0]},
                       "tool_schema": {"type": "function", "function": {"name": t["name"], "description": t["description"],
                                                                         "parameters": t["inputSchema"]}}}
                      for t in probe.tools]}


if __name__ == "__main__":
    json.dump(tool_config(sys.argv[1]), sys.stdout, indent=2)
