"""The OpenAPI document drives schemathesis over every documented operation (issue 11).

A real pytest-jupyter server with the extension and token auth answers every example. It runs
with the real services, except that:

- clusters never launch (tests/fixtures/nolaunch.py: the last step of a start is refused with
  a 409), so a fuzzed `POST clusters/{name}/start` starts no JVM;
- MLflow is a SQLite store URI in the test's home (no tracking server process): every MLflow
  route runs against a real, empty store, so a fuzzed `POST serving/endpoints` finds no model
  and starts no model server;
- `POST /lakehouse/livy/sessions` is left out: starting a kernel is what it is for (its input
  checks are in tests/handlers/test_bad_inputs.py).

After the run the test process must have no new child process (psutil), which proves it.

Bounded and deterministic: a fixed number of positive and negative examples per operation,
`derandomize=True`, no example database. Pass: every answer is a 2xx the operation documents,
or a 4xx with a JSON error body (`{"error": {code, message}}`; Livy's `{"msg"}` on the Livy
routes; the UI proxies relay whatever their UI answers); never a 5xx, never a traceback.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import psutil
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

import jupyter_lakehouse

from ..fixtures.server_config import no_launch_server_config

OPENAPI = Path(jupyter_lakehouse.__file__).parent / "openapi.json"
EXAMPLES = 4  # per operation and generation mode: ~650 requests, about a minute here
# Operations whose purpose is to start a process; see the module docstring.
LEFT_OUT = {("POST", "/lakehouse/livy/sessions")}


@pytest.fixture
def jp_server_config(lakehouse_home):
    return no_launch_server_config(lakehouse_home)


def _documented(raw: dict) -> dict[tuple[str, str], set[str]]:
    return {
        (method.upper(), path): set(op.get("responses", {}))
        for path, item in raw["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


def _prefix(raw: dict, path: str) -> str:
    # Routes outside lakehouse/api/ (UI proxies, Livy) carry their own `servers: [{url: "/"}]`.
    return "" if "servers" in raw["paths"][path] else "/lakehouse/api"


def _problem(method: str, path: str, response: requests.Response, documented: set[str]) -> str:
    code = response.status_code
    text = response.text
    if code >= 500:
        return f"{code}: {text[:200]}"
    if "Traceback (most recent call last)" in text:
        return f"{code} with a traceback"
    if 200 <= code < 300:
        if str(code) not in documented and "default" not in documented:
            return f"{code} is not documented ({sorted(documented)})"
        return ""
    if path.startswith(("/lakehouse/mlflow-ui", "/lakehouse/sparkui")):
        return ""  # the proxies relay their UI's own answers
    try:
        body = json.loads(text)
    except ValueError:
        return f"{code} is not JSON: {text[:120]!r}"
    if path.startswith("/lakehouse/livy"):
        return "" if isinstance(body, dict) and "msg" in body else f"{code} without msg"
    error = body.get("error") if isinstance(body, dict) else None
    if not (isinstance(error, dict) and {"code", "message"} <= set(error)):
        return f"{code} without {{error: {{code, message}}}}: {text[:120]!r}"
    return ""


def _fuzz_operation(operation, mode, url, documented, session, problems) -> int:
    """Send one operation's examples of one generation mode; return how many were sent."""
    method, path = operation.method.upper(), operation.path
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        nonlocal sent
        sent += 1
        response = case.call(base_url=url, session=session, timeout=30)
        problem = _problem(method, path, response, documented)
        if problem:
            problems.append(f"{method} {case.formatted_path}: {problem}")

    try:
        run()
    except Exception as e:  # a schema the generator cannot use is a problem too
        problems.append(f"{method} {path} ({mode.value}): could not generate: {e}")
    return sent


def fuzz(base: str, token: str) -> tuple[int, list[str]]:
    """Run every operation; return (requests sent, problems found)."""
    raw = json.loads(OPENAPI.read_text())
    schema = schemathesis.openapi.from_dict(raw)
    documented = _documented(raw)
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    sent = 0
    problems: list[str] = []
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (op.path, op.method),
    )
    for operation in operations:
        method, path = operation.method.upper(), operation.path
        if (method, path) in LEFT_OUT:
            continue
        url = f"{base}{_prefix(raw, path)}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            sent += _fuzz_operation(
                operation, mode, url, documented[(method, path)], session, problems
            )
    return sent, problems


async def test_openapi_fuzz(jp_serverapp, http_server_client, jp_base_url):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    base = http_server_client.get_url(jp_base_url).rstrip("/")
    sent, problems = await asyncio.to_thread(fuzz, base, jp_serverapp.identity_provider.token)
    print(f"schemathesis: {sent} requests, {len(problems)} problems")
    assert sent >= 300
    assert not problems, "\n".join(problems[:40])
    spawned = [
        " ".join(p.cmdline()[:3])
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before
    ]
    assert not spawned, f"the fuzz run started processes: {spawned}"
