"""Hand-written bad inputs (issue 11): path traversal, SSRF, hostile identifiers, malformed and
deeply nested JSON, huge bodies, wrong content types, XSS payloads. The cases are data in
tests/handlers/bad_inputs.py; each group below sends its cases to one real server and lists
every case that broke a rule, so one run reports them all.

The server: the real extension with token auth, a real MLflow SQLite store with a run that has
artifacts, and clusters that never launch (tests/fixtures/nolaunch.py). Files holding a secret
are planted beside the served folder, the workspace home and the run's artifact root.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading

import psutil
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.simple_httpclient import SimpleAsyncHTTPClient

from ..fixtures.server_config import no_launch_server_config
from . import bad_inputs
from .bad_inputs import API, SECRET, Case

XSS = '<img src=x onerror="alert(1)">'
COUNTED: dict[str, int] = {}


@pytest.fixture
def jp_server_config(lakehouse_home):
    return no_launch_server_config(lakehouse_home)


@pytest.fixture(scope="module")
def template_store(tmp_path_factory):
    """One MLflow SQLite store for the module (creating one takes seconds): a run with
    artifacts and an XSS run name, a registered model; secrets one level above every root."""
    from mlflow import MlflowClient

    folder = tmp_path_factory.mktemp("bad-inputs-store")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    client = MlflowClient(uri, registry_uri=uri)
    artifacts = folder / "mlruns"
    experiment = client.create_experiment("bad-inputs", artifact_location=artifacts.as_uri())
    run = client.create_run(experiment, run_name=XSS)
    notes = folder / "notes.txt"
    notes.write_text("a real artifact\n")
    client.log_artifact(run.info.run_id, str(notes))
    client.log_artifact(run.info.run_id, str(notes), "nested")
    client.set_terminated(run.info.run_id)
    client.create_registered_model("lh-bad")
    for place in (folder, artifacts, artifacts / run.info.run_id):
        place.mkdir(parents=True, exist_ok=True)
        (place / "secret.txt").write_text(SECRET)
    return folder / "mlflow.db", run.info.run_id, experiment


@pytest.fixture
def store(template_store, lakehouse_home, jp_root_dir, tmp_path):
    """The template store, copied into this test's home (where the server's URI points)."""
    from mlflow import MlflowClient

    db, run_id, experiment = template_store
    shutil.copy(db, lakehouse_home / "mlflow.db")
    uri = f"sqlite:///{lakehouse_home / 'mlflow.db'}"
    for place in (tmp_path, lakehouse_home):
        (place / "secret.txt").write_text(SECRET)
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (jp_root_dir / "note.ipynb").write_text(json.dumps(notebook))
    client = MlflowClient(uri, registry_uri=uri)
    return {"run_id": run_id, "experiment_id": experiment, "client": client}


@pytest.fixture
def listener():
    """A local TCP port that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    hits: list[tuple] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except OSError:
                continue
            hits.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], hits
    stop.set()
    thread.join()
    sock.close()


@pytest.fixture
def send(http_server_client, jp_base_url, jp_serverapp):
    token = jp_serverapp.identity_provider.token

    async def send(case: Case):
        from urllib.parse import urlencode

        query = f"?{urlencode(case.params)}" if case.params else ""
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        headers.update(case.headers)
        request = HTTPRequest(
            http_server_client.get_url(f"{jp_base_url}{case.path}{query}"),
            method=case.method,
            body=case.body
            if case.body is not None
            else (b"{}" if case.method != "GET" and case.method != "DELETE" else None),
            headers=headers,
            follow_redirects=False,
            allow_nonstandard_methods=True,
            request_timeout=60,
        )
        try:
            return await SimpleAsyncHTTPClient.fetch(http_server_client, request, raise_error=False)
        except HTTPClientError as e:
            return e.response or e

    return send


def judge(case: Case, response) -> str:
    """What is wrong with the answer to a case, or ''."""
    code = getattr(response, "code", 599)
    body = (getattr(response, "body", None) or b"").decode("utf-8", "replace")
    if code >= 500:
        return f"{code}: {body[:160]}"
    if SECRET in body:
        return f"{code}: read a file outside its root"
    if "Traceback (most recent call last)" in body:
        return f"{code}: a traceback"
    if 200 <= code < 400:
        return "" if case.expect == "any" else f"{code}: accepted"
    if case.path.startswith(("lakehouse/sparkui", "lakehouse/mlflow-ui")):
        return ""  # the UI proxies answer HTML errors, as the UIs they proxy do
    try:
        payload = json.loads(body)
    except ValueError:
        return f"{code}: not JSON: {body[:80]!r}"
    if case.path.startswith("lakehouse/livy"):
        return "" if "msg" in payload else f"{code}: no Livy msg"
    error = payload.get("error") if isinstance(payload, dict) else None
    if not (isinstance(error, dict) and {"code", "message"} <= set(error)):
        return f"{code}: not an error object: {body[:80]!r}"
    return ""


async def run_cases(send, group: str, cases: list[Case]) -> list[str]:
    COUNTED[group] = len(cases)
    problems = []
    for case in cases:
        verdict = judge(case, await send(case))
        if verdict:
            problems.append(f"{case.id} {case.method} {case.path[:80]}: {verdict}")
    # However hostile the inputs, the server still answers a plain request.
    alive = await send(Case("alive", "GET", f"{API}/version"))
    assert alive.code == 200
    return problems


def _children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


async def test_path_traversal(send, store, lakehouse_home):
    before = _children()
    cases = bad_inputs.traversal_cases(store["run_id"], str(lakehouse_home))
    problems = await run_cases(send, "traversal", cases)
    assert not problems, "\n".join(problems)
    # The same routes do read inside their roots: the refusals above are not blanket ones.
    ok = await send(
        Case(
            "ok",
            "GET",
            f"{API}/mlflow/runs/{store['run_id']}/artifacts/raw",
            {"path": "nested/notes.txt"},
        )
    )
    assert ok.code == 200 and ok.body == b"a real artifact\n"
    exported = await send(Case("ok", "GET", f"{API}/databricks/export", {"path": "note.ipynb"}))
    assert exported.code == 200, exported.body
    assert _children() <= before


async def test_ssrf_never_connects(send, listener, store):
    port, hits = listener
    cases = bad_inputs.ssrf_cases(port)
    problems = await run_cases(send, "ssrf", cases)
    assert not problems, "\n".join(problems)
    assert hits == [], f"the server connected to the listener {len(hits)} times"


async def test_hostile_identifiers(send, store):
    before = _children()
    problems = await run_cases(send, "identifiers", bad_inputs.identifier_cases())
    assert not problems, "\n".join(problems)
    assert _children() <= before


async def test_malformed_json_and_bodies(send, store):
    before = _children()
    problems = await run_cases(send, "json", bad_inputs.json_cases())
    assert not problems, "\n".join(problems)
    assert _children() <= before


async def test_xss_payloads_are_data(send, store):
    """Run names, model descriptions and tags come back as the exact strings, as JSON, under
    the API's `default-src 'none'` policy; the UI renders them as text (src/__tests__)."""
    client, run_id = store["client"], store["run_id"]
    client.set_tag(run_id, "note", XSS)
    cases = [
        Case(
            "describe",
            "PATCH",
            f"{API}/mlflow/models/lh-bad",
            body=json.dumps({"description": XSS}).encode(),
            expect="any",
        ),
        Case(
            "tag",
            "PUT",
            f"{API}/mlflow/models/lh-bad/tags/t",
            body=json.dumps({"value": XSS}).encode(),
            expect="any",
        ),
        Case(
            "cluster",
            "POST",
            f"{API}/clusters",
            body=json.dumps({"name": "xss", "description": XSS}).encode(),
            expect="any",
        ),
    ]
    problems = await run_cases(send, "xss", cases)
    assert not problems, "\n".join(problems)
    checks = [
        (f"{API}/mlflow/runs/{run_id}", lambda b: (b["run_name"], b["tags"]["note"])),
        (
            f"{API}/mlflow/experiments/{store['experiment_id']}/runs",
            lambda b: (b["runs"][0]["run_name"],),
        ),
        (f"{API}/mlflow/models/lh-bad", lambda b: (b["description"], b["tags"]["t"])),
        (f"{API}/clusters/xss", lambda b: (b["profile"]["description"],)),
    ]
    for path, pick in checks:
        response = await send(Case("read", "GET", path))
        assert response.code == 200, (path, response.body[:200])
        assert response.headers["Content-Type"].startswith("application/json")
        assert "default-src 'none'" in response.headers.get("Content-Security-Policy", "")
        assert set(pick(json.loads(response.body))) == {XSS}, path
    COUNTED["xss"] += len(checks)


def test_zz_at_least_200_cases():
    # Runs last in this module (pytest keeps file order): the groups above filled COUNTED.
    total = sum(COUNTED.values())
    print(f"bad inputs: {total} cases {COUNTED}")
    if len(COUNTED) == 5:
        assert total >= 200
