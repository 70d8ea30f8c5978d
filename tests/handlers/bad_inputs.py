"""The hand-written bad inputs of issue 11, as data: tests/handlers/test_bad_inputs.py sends them.

Each case is one request. Every answer must be a JSON 4xx (or, where the input is odd but
legal, a 2xx), never a 5xx or a traceback, must not carry the secret planted beside the
roots, and must not make the server connect to the recording listener.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

API = "lakehouse/api"
SECRET = "LAKEHOUSE-SECRET-5f1c2b"  # the content of files planted outside every root


@dataclass
class Case:
    id: str
    method: str
    path: str
    params: dict = field(default_factory=dict)
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    # "4xx": must be refused; "any": a 2xx is fine too (odd but legal data).
    expect: str = "4xx"


def _json(obj) -> bytes:
    return json.dumps(obj).encode()


def seg(value: str) -> str:
    """A path segment, percent-encoded as a browser's encodeURIComponent would."""
    return quote(value, safe="")


# -- path traversal --------------------------------------------------------------------------

TRAVERSALS = [
    "../secret.txt",
    "../../secret.txt",
    "../../../../../../etc/passwd",
    "/etc/passwd",
    "{home}/secret.txt",
    "file:///etc/passwd",
    "..%2Fsecret.txt",
    "%2e%2e/secret.txt",
    "..\\..\\secret.txt",
    "notes/../../secret.txt",
    "./../secret.txt",
    "a/../../../secret.txt",
    "\x00../secret.txt",
    "~/.ssh/id_rsa",
]


def traversal_cases(run_id: str, home: str) -> list[Case]:
    cases = []
    for i, raw in enumerate(TRAVERSALS):
        value = raw.format(home=home)
        for route in ("artifacts", "artifacts/preview", "artifacts/raw"):
            path = f"{API}/mlflow/runs/{run_id}/{route}"
            cases.append(Case(f"artifact-{route}-{i}", "GET", path, {"path": value}, expect="any"))
        cases.append(
            Case(f"export-{i}", "GET", f"{API}/databricks/export", {"path": value}, expect="4xx")
        )
        cases.append(
            Case(f"import-{i}", "POST", f"{API}/databricks/import", body=_json({"path": value}))
        )
        cases.append(
            Case(
                f"import-dest-{i}",
                "POST",
                f"{API}/databricks/import",
                body=_json({"path": "missing.dbc", "destination": value}),
            )
        )
    for i, raw in enumerate(TRAVERSALS[:8]):
        value = raw.format(home=home)
        # Table "names" that try to be paths: catalog lookups take names, never paths.
        for route in ("", "/history", "/preview"):
            path = f"{API}/catalog/tables/{seg(value)}{route}"
            cases.append(Case(f"table{route or '-details'}-{i}", "GET", path))
    for i, rest in enumerate(["../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "..%2f..%2f"]):
        cases.append(Case(f"sparkui-{i}", "GET", f"lakehouse/sparkui/local/{rest}"))
        cases.append(
            Case(f"cluster-logs-{i}", "GET", f"{API}/clusters/local/logs", {"source": rest})
        )
    return cases


# -- SSRF --------------------------------------------------------------------------------------


def ssrf_cases(port: int) -> list[Case]:
    """Every URL field and every place a URL could be smuggled, aimed at the listener."""
    here = f"127.0.0.1:{port}"
    bad_remote_urls = [
        f"http://{here}/",
        f"https://{here}/",
        "file:///etc/passwd",
        f"gopher://{here}/_x",
        f"sc://{here}/;token=stolen",
        f"sc://{here}\r\nX-Injected: 1",
        f"sc://{here} extra",
        f"sc://user:pw@{here}",
        f"sc://{here}:99999",
        "sc://169.254.169.254:80/;session_id=x",
        "",
    ]
    cases = []
    for i, url in enumerate(bad_remote_urls):
        body = {"name": f"ssrf-remote-{i}", "kind": "remote", "url": url}
        cases.append(Case(f"remote-url-{i}", "POST", f"{API}/clusters", body=_json(body)))
    bad_livy_urls = [
        f"sc://{here}",
        "file:///etc/passwd",
        f"gopher://{here}/",
        f"http://{here}/?x=1",
        f"http://{here}/#frag",
        f"http://{here}\r\nHost: evil",
        f"http://{here}:0/",
        "http://169.254.169.254:99999/",
        "javascript:alert(1)",
    ]
    for i, url in enumerate(bad_livy_urls):
        body = {"name": f"ssrf-livy-{i}", "kind": "livy", "url": url}
        cases.append(Case(f"livy-url-{i}", "POST", f"{API}/clusters", body=_json(body)))
    # URLs in places that take names, paths or model bodies: never fetched.
    for i, url in enumerate([f"http://{here}/x", f"//{here}/x", f"@{here}/x"]):
        cases += [
            Case(f"sparkui-host-{i}", "GET", f"lakehouse/sparkui/local/{url}"),
            Case(f"mlflowui-host-{i}", "GET", f"lakehouse/mlflow-ui/{url}", expect="any"),
            Case(
                f"serving-model-{i}",
                "POST",
                f"{API}/serving/endpoints",
                body=_json({"name": f"ssrf{i}", "model_name": url, "version": "1"}),
            ),
            Case(
                f"serving-invoke-{i}",
                "POST",
                f"{API}/serving/endpoints/{seg(url)}/invocations",
                body=_json({"url": url}),
            ),
            Case(
                f"register-{i}",
                "POST",
                f"{API}/mlflow/runs/{seg(url)}/register",
                body=_json({"artifact_path": url, "name": "m"}),
            ),
            Case(f"export-url-{i}", "GET", f"{API}/databricks/export", {"path": url}, expect="4xx"),
        ]
    # Headers a naive proxy would trust.
    for header in ("Host", "X-Forwarded-Host", "X-Forwarded-For", "Forwarded"):
        cases.append(
            Case(
                f"header-{header}",
                "GET",
                "lakehouse/sparkui/local/jobs/",
                headers={header: here if header != "Forwarded" else f"host={here}"},
            )
        )
    return cases


# -- identifiers ---------------------------------------------------------------------------------

IDENTIFIERS = {
    "quote": "a'b",
    "dquote": 'a"b',
    "backtick": "a`b",
    "sqli": "x'; DROP TABLE t; --",
    "unicode": "表名ü\u202e",
    "newline": "a\nb",
    "nul": "a\x00b",
    "slash": "a/b",
    "dotdot": "..",
    "space": "   ",
    "long8k": "n" * 8192,
}
MEGABYTE = "m" * (1024 * 1024)


def identifier_cases() -> list[Case]:
    cases = []
    for key, value in IDENTIFIERS.items():
        s = seg(value)
        cases += [
            Case(f"cluster-get-{key}", "GET", f"{API}/clusters/{s}"),
            Case(f"cluster-start-{key}", "POST", f"{API}/clusters/{s}/start", body=b"{}"),
            Case(f"table-get-{key}", "GET", f"{API}/catalog/tables/{s}"),
            Case(f"schemas-{key}", "GET", f"{API}/catalog/catalogs/{s}/schemas"),
            Case(f"model-get-{key}", "GET", f"{API}/mlflow/models/{s}"),
            Case(
                f"alias-put-{key}",
                "PUT",
                f"{API}/mlflow/models/lh-bad/aliases/{s}",
                body=_json({"version": "1"}),
            ),
            Case(f"endpoint-get-{key}", "GET", f"{API}/serving/endpoints/{s}"),
            Case(f"experiment-get-{key}", "GET", f"{API}/mlflow/experiments/{s}"),
            Case(f"run-get-{key}", "GET", f"{API}/mlflow/runs/{s}"),
            Case(f"statement-get-{key}", "GET", f"{API}/sql/statements/{s}"),
            Case(f"livy-session-{key}", "GET", f"lakehouse/livy/sessions/{s}"),
        ]
    # Identifiers in bodies, up to a megabyte long.
    for key, value in {**IDENTIFIERS, "megabyte": MEGABYTE}.items():
        cases += [
            Case(
                f"cluster-create-{key}",
                "POST",
                f"{API}/clusters",
                body=_json({"name": value, "kind": "local"}),
            ),
            Case(
                f"endpoint-create-{key}",
                "POST",
                f"{API}/serving/endpoints",
                body=_json({"name": value, "model_name": value, "version": "1"}),
            ),
            Case(
                f"complete-{key}",
                "POST",
                f"{API}/sql/complete",
                body=_json({"cluster": value, "text": "SELECT ", "cursor": 7}),
            ),
            Case(
                f"schema-create-{key}",
                "POST",
                f"{API}/catalog/catalogs/spark_catalog/schemas",
                body=_json({"name": value}),
            ),
        ]
    cases.append(
        Case("search-megabyte", "GET", f"{API}/catalog/search", {"q": "q" * 60000}, expect="any")
    )
    return cases


# -- malformed JSON, huge bodies, wrong content types --------------------------------------------

MALFORMED = {
    "truncated": b'{"name": ',
    "array": b"[]",
    "null": b"null",
    "string": b'"x"',
    "number": b"42",
    "nan": b'{"name": NaN}',
    "trailing": b'{"name": "x"} garbage',
    "bad-utf8": b'{"name": "\xff\xfe"}',
    "bom": b'\xef\xbb\xbf{"name": "x"',
    "nested-arrays-100k": b"[" * 100_000 + b"]" * 100_000,
    "nested-objects-100k": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nested-in-field": b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "wrong-types": b'{"name": ["x"], "kind": {"a": 1}, "port": "x"}',
}
JSON_TARGETS = [
    ("POST", f"{API}/clusters"),
    ("PATCH", f"{API}/clusters/local"),
    ("POST", f"{API}/sql/statements"),
    ("POST", f"{API}/sql/parameters"),
    ("POST", f"{API}/serving/endpoints"),
    ("PUT", f"{API}/mlflow/models/lh-bad/tags/team"),
    ("POST", f"{API}/databricks/import"),
    ("POST", "lakehouse/livy/sessions"),
]


def json_cases() -> list[Case]:
    cases = [
        Case(f"{key}-{method}-{path.split('/', 2)[-1]}", method, path, body=raw)
        for key, raw in MALFORMED.items()
        for method, path in JSON_TARGETS
    ]
    # 20 MB of valid JSON: refused or handled, the server stays up.
    huge = _json({"text": "x" * (20 * 1024 * 1024)})
    cases.append(Case("huge-parameters", "POST", f"{API}/sql/parameters", body=huge, expect="any"))
    cases.append(Case("huge-cluster", "POST", f"{API}/clusters", body=huge))
    for ctype in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
    ):
        form = b"name=x&kind=local" if "urlencoded" in ctype else b"<name>x</name>"
        for method, path in JSON_TARGETS[:4]:
            cases.append(
                Case(
                    f"ctype-{ctype.split(';')[0]}-{path.split('/', 2)[-1]}",
                    method,
                    path,
                    body=form,
                    headers={"Content-Type": ctype},
                )
            )
    return cases
