"""The `livy` cluster kind's profile: validation, secrets kept private, attach-only lifecycle."""

from __future__ import annotations

import json
import stat

import pytest

from jupyter_lakehouse.services.clusters import ClusterManager, launcher, validate_profile
from jupyter_lakehouse.services.errors import BadRequest, Conflict


def livy(**fields) -> dict:
    return {"name": "lv", "kind": "livy", "url": "http://livy.example:8998", **fields}


@pytest.fixture
def manager(tmp_path):
    m = ClusterManager(tmp_path / "home")
    yield m
    m.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://livy:8998",
        "https://gateway.example.com/gateway/default/livy/v1/",
        "http://127.0.0.1:8888/lakehouse/livy",
        "http://[::1]:8998",
    ],
)
def test_good_urls(url):
    assert validate_profile(livy(url=url)).url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "",
        None,
        3,
        "livy:8998",
        "sc://h:15002",
        "ftp://h",
        "http://",
        "http://user:pw@h:8998",
        "http://h:99999",
        "http://h/a b",
        "http://h/?x=1",
        "http://h/#frag",
        "http://h/\nx",
    ],
)
def test_bad_urls(url):
    with pytest.raises(BadRequest) as err:
        validate_profile(livy(url=url))
    assert err.value.detail == {"field": "url"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"auth": "ntlm"}, "auth"),
        ({"auth": "basic", "password": "p"}, "username"),
        ({"auth": "basic", "username": "a:b", "password": "p"}, "username"),
        ({"auth": "basic", "username": "u"}, "password"),
        ({"auth": "basic", "username": "u", "password": "two\nlines"}, "password"),
        ({"auth": "token"}, "token"),
        ({"auth": "token", "token": "has space"}, "token"),
    ],
)
def test_bad_auth_fields(fields, field):
    with pytest.raises(BadRequest) as err:
        validate_profile(livy(**fields))
    if field:
        assert err.value.detail == {"field": field}


def test_secrets_are_never_shown():
    basic = validate_profile(livy(auth="basic", username="ann", password="s3cret"))
    shown = basic.to_dict()
    assert "password" not in shown and shown["password_set"] is True
    assert shown["username"] == "ann" and shown["auth"] == "basic"
    assert "s3cret" not in json.dumps(shown)
    token = validate_profile(livy(auth="token", token="t0k"))
    assert "token" not in token.to_dict() and token.to_dict()["token_set"] is True
    # Only the private file keeps them.
    assert token.to_dict(redact=False)["token"] == "t0k"


def test_other_auth_kinds_drop_the_secrets():
    profile = validate_profile(livy(auth="kerberos", username="u", password="p", token="t"))
    assert (profile.username, profile.password, profile.token) == (None, None, None)
    assert profile.to_dict()["password_set"] is False


def test_patch_keeps_or_replaces_the_password(manager):
    manager.create(livy(auth="basic", username="ann", password="first"))
    manager.update("lv", {"description": "EMR"})
    assert manager.profile("lv").password == "first"
    manager.update("lv", {"password": "second"})
    assert manager.profile("lv").password == "second"
    manager.update("lv", {"auth": "token", "token": "t0k"})
    after = manager.profile("lv")
    assert (after.auth, after.token, after.password, after.username) == ("token", "t0k", None, None)
    # The secret is in a file only its owner reads.
    path = manager.store.dir("lv") / "profile.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_livy_endpoint_is_only_attached_to(manager):
    port = launcher.free_port()
    info = manager.create(livy(url=f"http://127.0.0.1:{port}/livy"))
    assert info.kind == "livy" and info.state == "error" and info.reachable is False
    assert f"127.0.0.1:{port}" in info.reason
    for action in (manager.start, manager.stop, manager.restart):
        with pytest.raises(Conflict) as err:
            action("lv")
        assert err.value.code == "cluster_remote" and "Livy endpoint" in err.value.message
    # Spark Connect users (the catalog, the SQL editor, `spark`) hear what to use instead.
    for call in (manager.ensure_running, manager.connect_url):
        with pytest.raises(Conflict) as err:
            call("lv")
        assert err.value.code == "cluster_livy" and "%%spark" in err.value.message
    manager.delete("lv")


def test_a_listening_endpoint_is_running(manager):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        info = manager.create(livy(url=f"http://127.0.0.1:{port}"))
        assert info.state == "running" and info.reachable is True and info.reason is None
        # Kernels reach Livy through sparkmagic, not Spark Connect.
        assert info.connect_url is None and info.token is None
        assert info.to_dict()["profile"]["url"] == f"http://127.0.0.1:{port}"
