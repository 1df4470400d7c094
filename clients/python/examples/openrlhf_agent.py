"""OpenRLHF: an ``AgentInstance`` that runs each rollout as an awm episode (``--agent_func_path openrlhf_agent.py``).

Each dataset row's label is JSON naming the episode: ``{"world": "banking_1", "task": 3}``. The model calls tools in
the Hermes/Qwen format, ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``; a turn without a tool call is
the final answer, which ends the episode and is scored: reward 1.0 for a complete task, else 0.0.
"""

from __future__ import annotations

import asyncio
import json
import re

from awm_client import Client

try:
    import torch
    from openrlhf.utils.agent import AgentInstanceBase
except ImportError:  # lets the class be read and tested without OpenRLHF
    torch = None

    class AgentInstanceBase:
        pass

TOOL_CALL = re.compile(r"<tool_call>\s*(\{.*?\})\s*</tool_call>", re.S)
CLIENT = Client()


def _tensor(x: float):
    return torch.tensor(x) if torch is not None else x


class AgentInstance(AgentInstanceBase):
    def __init__(self, *args, **kwargs):
        self.episode = None

    async def reset(self, states: dict, **kwargs):
        label = json.loads(states["label"]) if isinstance(states.get("label"), str) else states["label"]
        self.episode = await asyncio.to_thread(CLIENT.create, label["world"], int(label["task"]))
        tools = "\n".join(json.dumps({"name": t["name"], "description": t["description"], "parameters": t["inputSchema"]})
                          for t in self.episode.tools)
        return {"observation": f"{self.episode.prompt}\n\nTools:\n{tools}\n\n{states.get('observation', '')}"}

    async def step(self, states: dict, **kwargs) -> dict:
        action = states["action_text"]
        calls = TOOL_CALL.findall(action)
        if calls:
            feedback = []
            for raw in calls:
                try:
                    call = json.loads(raw)
                    r = await asyncio.to_thread(self.episode.step, call["name"], call.get("arguments") or {})
                    text = r.result
                except (ValueError, KeyError, TypeError):
                    text = 'The tool call is not valid JSON of the form {"name": ..., "arguments": {...}}.'
                feedback.append(f"<tool_response>\n{text}\n</tool_response>")
            return {"rewards": _tensor(0.0), "scores": _tensor(0.0), "environment_feedback": "\n".join(feedback) + "\n",
                    "done": False, "sampling_params": states.get("sampling_params"), "extra_logs": {}}
        score = await asyncio.to_thread(self.episode.evaluate, action)
        await asyncio.to_thread(self.episode.close)
        reward = float(score["reward"])
        return {"rewards": _tensor(reward), "scores": _tensor(reward), "environment_feedback": "", "done": True,
                "sampling_params": states.get("sampling_params"),
                "extra_logs": {"fraction_passed": _tensor(score["components"].get("fraction_passed", 0.0))}}
