from types import SimpleNamespace

from jupyter_lakehouse.kernel.comm import handle_message
from jupyter_lakehouse.kernel.session import NotebookSession


def lakehouse(tmp_path):
    return SimpleNamespace(session=NotebookSession(home=tmp_path, notify=lambda text: None))


def test_status_names_default_cluster_and_session(tmp_path):
    lh = lakehouse(tmp_path)
    reply = handle_message(lh, {"action": "status"})
    assert reply["cluster"] is None and reply["effective_cluster"] == "local"
    assert reply["session_id"] == lh.session.session_id and reply["connected"] is False


def test_attach_switches_cluster_and_records_notebook(tmp_path):
    lh = lakehouse(tmp_path)
    reply = handle_message(lh, {"action": "attach", "cluster": "big", "path": "a/b.ipynb"})
    assert reply["cluster"] == "big" and lh.session.notebook_path == "a/b.ipynb"
    assert handle_message(lh, {"action": "attach", "cluster": None})["effective_cluster"] == "local"


def test_bad_messages_get_an_error_reply(tmp_path):
    lh = lakehouse(tmp_path)
    assert handle_message(lh, {"action": "attach", "cluster": 3})["action"] == "error"
    assert handle_message(lh, {"action": "explode"})["action"] == "error"
