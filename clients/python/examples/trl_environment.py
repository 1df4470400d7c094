"""TRL: an awm world as a ``GRPOTrainer(environment_factory=...)`` class.

TRL makes one environment per rollout, calls ``reset(**row)`` with the dataset row's columns, exposes every public
method as a tool (its signature and docstring become the tool schema) and hands the environments to the reward
functions. ``make_environment`` builds such a class for one world, one method per tool of the world:

    from trl import GRPOConfig, GRPOTrainer
    from trl_environment import make_environment, reward_func

    Banking = make_environment("banking_1")        # server: $AWM_URL, default http://127.0.0.1:8000
    dataset = Dataset.from_list([{"prompt": [{"role": "user", "content": "Start."}], "task": t} for t in range(10)])
    trainer = GRPOTrainer(model=..., train_dataset=dataset, reward_funcs=reward_func,
                          environment_factory=Banking, args=GRPOConfig(...))

The episode's prompt (the task and the agent's instructions) is what ``reset`` returns, so TRL shows it to the model.
"""

from __future__ import annotations

import inspect
import typing

from awm_client import Client, Episode

_TYPES = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list, "object": dict}


def make_environment(world: str, client: Client | None = None) -> type:
    """A TRL environment class for ``world``: ``reset(task=...)`` opens an episode, each tool is a method."""
    client = client or Client()
    spec = next((w for w in client.worlds() if w["world"] == world), None)
    if spec is None:
        raise ValueError(f"the server has no world {world!r}")
    probe = client.create(world, spec["tasks"][0]["task"])  # the tool list, with schemas
    tools = probe.tools
    probe.close()

    class AwmEnvironment:
        def __init__(self):
            self._episode: Episode | None = None
            self.reward = 0.0

        def reset(self, **kwargs) -> str | None:
            """Starts an episode of the row's task (column ``task``); returns its prompt."""
            self._close()
            self.reward = 0.0
            self._episode = client.create(world, int(kwargs["task"]))
            return self._episode.prompt

        def _score(self, answer: str) -> float:
            if self._episode is None:
                return 0.0
            self.reward = self._episode.evaluate(answer)["reward"]
            self._close()
            return self.reward

        def _close(self):
            if self._episode is not None:
                self._episode.close()
                self._episode = None

    for tool in tools:
        setattr(AwmEnvironment, tool["name"], _method(tool))
    AwmEnvironment.__name__ = AwmEnvironment.__qualname__ = "".join(p.title() for p in world.split("_")) + "Environment"
    return AwmEnvironment


def _method(tool: dict):
    name, schema = tool["name"], tool.get("inputSchema") or {}
    props, required = schema.get("properties", {}), set(schema.get("required", []))
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    annotations = {}
    doc_args = []
    for arg, prop in props.items():
        kind = _TYPES.get(prop.get("type"), str)
        annotations[arg] = kind if arg in required else typing.Optional[kind]
        params.append(inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY, annotation=annotations[arg],
                                        default=inspect.Parameter.empty if arg in required else None))
        choices = f" (choices: {prop['enum']})" if "enum" in prop else ""
        doc_args.append(f"    {arg}: {prop.get('description', arg)}{choices}")
    annotations["return"] = str

    def call(self, **kwargs) -> str:
        if self._episode is None:
            raise ValueError("No episode: the environment was not reset.")
        return self._episode.step(name, {k: v for k, v in kwargs.items() if v is not None}).result

    call.__name__ = call.__qualname__ = name
    call.__signature__ = inspect.Signature(params, return_annotation=str)
    call.__annotations__ = annotations
    call.__doc__ = tool.get("description", name) + ("\n\nArgs:\n" + "\n".join(doc_args) if doc_args else "") + "\n\nReturns:\n    The tool's result."
    return call


def reward_func(environments, completions, **kwargs) -> list[float]:
    """Scores each rollout's episode with the model's last message as its final answer."""
    return [env._score(_last_text(c)) for env, c in zip(environments, completions)]


def _last_text(completion) -> str:
    if isinstance(completion, str):
        return completion
    for message in reversed(completion or []):
        if message.get("role") == "assistant" and isinstance(message.get("content"), str):
            return message["content"]
    return ""
