"""Python client for ``awm serve``: episodes of executable worlds for RL trainers (standard library only).

    from awm_client import Client

    client = Client("http://127.0.0.1:8000")             # or several URLs: episodes are spread over them
    ep = client.create("banking_1", task=3)              # ep.prompt, ep.tools, ep.mcp_url
    group = [ep] + [ep.fork() for _ in range(7)]          # a GRPO group from one start state
    r = ep.step("list_accounts", {})                      # r.result, r.is_error, r.error_kind, r.step
    score = ep.evaluate("I moved $300 to savings.")       # score["reward"], score["checks"]
    ep.close()
"""

from .client import AwmError, Client, Episode, StepResult

__all__ = ["AwmError", "Client", "Episode", "StepResult"]
__version__ = "0.1.0"
