"""The client: one Client per trainer process (thread-safe), Episode objects bound to the server that holds them."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any, Iterable


class AwmError(Exception):
    """A request the server refused or could not answer. ``retryable`` is true for failures that are not the caller's
    (capacity, server errors, lost connections): mask such episodes rather than punish the policy."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None, retryable: bool = False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class StepResult:
    """What a tool call returned: the text the agent reads, whether it failed, whose fault (``agent`` or
    ``environment``), and the episode's step count after it."""

    result: str
    is_error: bool
    error_kind: str | None
    step: int


class Client:
    """Talks to one or more ``awm serve`` servers. Safe to share between threads: each thread keeps its own
    keep-alive connection per server. Requests are retried on 429 (honouring Retry-After), 5xx and dropped
    connections, with the same ``request_id``, so that a retried create, step or evaluate does not act twice."""

    def __init__(self, urls: str | Iterable[str] | None = None, token: str | None = None, timeout: float = 60.0,
                 retries: int = 6, max_backoff: float = 10.0):
        if urls is None:
            urls = os.environ.get("AWM_URL", "http://127.0.0.1:8000")
        if isinstance(urls, str):
            urls = [u for u in urls.split(",") if u.strip()]
        self.urls = [u.strip().rstrip("/") for u in urls]
        if not self.urls:
            raise ValueError("give at least one server URL, such as http://127.0.0.1:8000")
        for u in self.urls:
            if urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                raise ValueError(f"{u!r} is not an http:// or https:// URL")
        self.token = token if token is not None else os.environ.get("AWM_TOKEN")
        self.timeout = timeout
        self.retries = retries
        self.max_backoff = max_backoff
        self._local = threading.local()
        self._next = itertools.cycle(range(len(self.urls)))
        self._lock = threading.Lock()

    # ----- episodes

    def create(self, world: str, task: int, request_id: str | None = None, url: str | None = None) -> Episode:
        """A new episode of ``world`` with task number ``task`` (as ``awm worlds --tasks`` numbers them). With several
        servers, episodes are spread over them in turn; ``url`` picks one."""
        if url is None:
            with self._lock:
                url = self.urls[next(self._next)]
        body = self.request(url, "POST", "/v1/episodes", {"world": world, "task": task}, request_id=request_id or _new_id())
        return Episode(self, url, body)

    def episode(self, episode_id: str, url: str | None = None) -> Episode:
        """An existing episode by id (on ``url``, or the first server)."""
        url = url or self.urls[0]
        body = self.request(url, "GET", f"/v1/episodes/{episode_id}")
        return Episode(self, url, body)

    def worlds(self, url: str | None = None) -> list[dict]:
        return self.request(url or self.urls[0], "GET", "/v1/worlds")["worlds"]

    def capacity(self, url: str | None = None) -> dict:
        return self.request(url or self.urls[0], "GET", "/v1/capacity")

    # ----- HTTP

    def request(self, url: str, method: str, path: str, body: dict | None = None, request_id: str | None = None) -> dict:
        """Sends one request, retrying what can be retried, and returns the JSON answer; raises AwmError otherwise."""
        payload = dict(body or {})
        if request_id is not None:
            payload["request_id"] = request_id
        data = json.dumps(payload).encode() if method in ("POST", "PUT") else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if request_id is not None:
            headers["X-Request-Id"] = request_id
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        attempt = 0
        while True:
            try:
                status, reply_headers, raw = self._send(url, method, path, data, headers)
            except (OSError, http.client.HTTPException) as e:
                self._drop(url)
                if attempt >= self.retries:
                    raise AwmError(f"cannot reach {url}: {e}", retryable=True) from e
                attempt += 1
                time.sleep(self._backoff(attempt, None))
                continue
            reply = _json(raw)
            if status < 400:
                return reply
            error = reply.get("error", {}) if isinstance(reply, dict) else {}
            message = error.get("message") or f"HTTP {status} from {url}{path}"
            retryable = status == 429 or status >= 500
            if retryable and attempt < self.retries:
                attempt += 1
                time.sleep(self._backoff(attempt, reply_headers.get("retry-after")))
                continue
            raise AwmError(message, status=status, code=error.get("code"), retryable=retryable)

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff) * (0.5 + random.random())
            except ValueError:
                pass
        return min(0.1 * 2 ** attempt, self.max_backoff) * (0.5 + random.random())

    def _connection(self, url: str) -> http.client.HTTPConnection:
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        conn = conns.get(url)
        if conn is None:
            parts = urllib.parse.urlsplit(url)
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = conns[url] = cls(parts.hostname, parts.port, timeout=self.timeout)
        return conn

    def _drop(self, url: str) -> None:
        conn = getattr(self._local, "conns", {}).pop(url, None)
        if conn is not None:
            conn.close()

    def _send(self, url: str, method: str, path: str, data: bytes | None, headers: dict):
        prefix = urllib.parse.urlsplit(url).path.rstrip("/")
        conn = self._connection(url)
        try:
            conn.request(method, prefix + path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException):
            # a keep-alive connection the server closed: retry once at once on a fresh one
            self._drop(url)
            conn = self._connection(url)
            conn.request(method, prefix + path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        if resp.getheader("connection", "").lower() == "close":
            self._drop(url)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw


class Episode:
    """An episode on one server: an instance of a world with a task. Methods are safe to call from several threads;
    calls on one episode run one at a time on the server."""

    def __init__(self, client: Client, url: str, body: dict):
        self.client = client
        self.url = url
        self.id: str = body["episode_id"]
        self.world: str = body.get("world")
        self.task: int | None = body.get("task")
        self.prompt: str | None = body.get("prompt")
        self.tools: list[dict] = body.get("tools", [])
        self.state_hash: str | None = body.get("state_hash")  # at creation; a fork's is read with info()["state_hash"]
        self.mcp_url: str | None = body.get("mcp_url")
        self.parent_id: str | None = body.get("parent_id")

    @classmethod
    def create(cls, world: str, task: int, client: Client | None = None, request_id: str | None = None) -> Episode:
        """``Episode.create("banking_1", 3)``: on ``client``, or on a client for $AWM_URL (default http://127.0.0.1:8000)."""
        return (client or Client()).create(world, task, request_id=request_id)

    def fork(self, request_id: str | None = None) -> Episode:
        """A new episode from this one's current state, on the same server, scored against the same start state."""
        body = self.client.request(self.url, "POST", f"/v1/episodes/{self.id}/fork", {}, request_id=request_id or _new_id())
        fork = Episode(self.client, self.url, body)
        fork.prompt, fork.tools = self.prompt, self.tools  # a fork's answer leaves out what it shares with its parent
        return fork

    def step(self, tool: str, arguments: dict | None = None, request_id: str | None = None) -> StepResult:
        """Calls a tool. A bad call is not an exception: it comes back with ``is_error`` and ``error_kind`` 'agent'."""
        body = self.client.request(self.url, "POST", f"/v1/episodes/{self.id}/step",
                                   {"tool": tool, "arguments": arguments or {}}, request_id=request_id or _new_id())
        return StepResult(body["result"], body["is_error"], body.get("error_kind"), body["step"])

    def evaluate(self, answer: str = "", request_id: str | None = None) -> dict:
        """Scores the current state with the agent's final answer: ``reward``, ``complete``, ``checks``, ``components``."""
        return self.client.request(self.url, "POST", f"/v1/episodes/{self.id}/evaluate", {"answer": answer},
                                   request_id=request_id or _new_id())

    def reset(self) -> str:
        """Back to the start state; returns its state hash."""
        return self.client.request(self.url, "POST", f"/v1/episodes/{self.id}/reset", {})["state_hash"]

    def diff(self) -> dict:
        """Row-level changes since the start: ``{table: {inserted, deleted, updated}}``."""
        return self.client.request(self.url, "GET", f"/v1/episodes/{self.id}/diff")["tables"]

    def info(self) -> dict:
        """World, task, steps, state hash, age, verdict and the tool-call log."""
        return self.client.request(self.url, "GET", f"/v1/episodes/{self.id}")

    def close(self) -> None:
        """Deletes the episode; closing one already gone (deleted, or reclaimed when idle) is fine."""
        try:
            self.client.request(self.url, "DELETE", f"/v1/episodes/{self.id}")
        except AwmError as e:
            if e.status != 404:
                raise

    def __enter__(self) -> Episode:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Episode({self.id!r}, world={self.world!r}, task={self.task!r}, url={self.url!r})"


def _new_id() -> str:
    return uuid.uuid4().hex


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return {}
