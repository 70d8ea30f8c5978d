"""POST lakehouse/api/clusters/{name}/cancel: bad input, wrong state, and a real interrupt."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest

from tests.fixtures.clusters import spark_session

from .test_clusters_api import call, error_of

pytestmark = pytest.mark.timeout(180)

CANCEL = "lakehouse/api/clusters/{}/cancel"
TAG = "lakehouse-cell-0123456789ab"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"session_id": str(uuid.uuid4())}, "tag"),
        ({"session_id": str(uuid.uuid4()), "tag": "x; DROP TABLE t"}, "tag"),
        ({"tag": TAG}, "session_id"),
        ({"session_id": "../../etc", "tag": TAG}, "session id"),
    ],
)
async def test_bad_cancel_requests_are_400(jp_fetch, body, words):
    status, error = await error_of(jp_fetch, CANCEL.format("local"), method="POST", body=body)
    assert status == 400 and words in error["message"]


async def test_cancel_on_unknown_or_stopped_cluster(jp_fetch):
    body = {"session_id": str(uuid.uuid4()), "tag": TAG}
    status, _ = await error_of(jp_fetch, CANCEL.format("nope"), method="POST", body=body)
    assert status == 404
    status, error = await error_of(jp_fetch, CANCEL.format("local"), method="POST", body=body)
    assert status == 409 and "not running" in error["message"]


class TestRunning:
    @pytest.fixture
    def lakehouse_home(self, cluster_home, local_cluster):
        return cluster_home

    async def test_cancel_interrupts_only_the_tagged_work(self, jp_fetch, cluster_manager):
        session_id = str(uuid.uuid4())
        url = cluster_manager.connect_url("local", session_id)
        outcome: dict = {}

        def slow_query(tag: str, key: str) -> None:
            with spark_session(url) as spark:
                spark.addTag(tag)
                try:
                    spark.range(0, 120, 1, 2).selectExpr(
                        "reflect('java.lang.Thread', 'sleep', cast(500 as bigint))"
                    ).collect()
                    outcome[key] = "finished"
                except Exception as e:
                    outcome[key] = type(e).__name__ + str(e)

        worker = threading.Thread(target=slow_query, args=(TAG, "tagged"), daemon=True)
        worker.start()
        time.sleep(4)  # let the query start on the cluster
        body = {"session_id": session_id, "tag": TAG}
        response = await call(jp_fetch, CANCEL.format("local"), method="POST", body=body)
        assert json.loads(response.body)["interrupted"], "nothing was interrupted"
        worker.join(60)
        assert "OPERATION_CANCELED" in outcome["tagged"] or "cancel" in outcome["tagged"].lower()
