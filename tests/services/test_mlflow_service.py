"""MLflowService queries against the session's real tracking server and real runs."""

from __future__ import annotations

import pytest

from jupyter_lakehouse.resulttable import decode_arrow
from jupyter_lakehouse.services.errors import BadRequest, NotFound

pytestmark = pytest.mark.timeout(300)


def test_experiments_search(mlflow_service, mlflow_data):
    found = mlflow_service.experiments(q="tests-diab")
    assert [e["name"] for e in found["experiments"]] == ["lh-tests-diabetes"]
    everything = mlflow_service.experiments()
    names = {e["name"] for e in everything["experiments"]}
    assert {"lh-tests-diabetes", "lh-tests-other", "Default"} <= names
    one = mlflow_service.experiment(mlflow_data.experiment_id)
    assert one["name"] == "lh-tests-diabetes" and one["lifecycle_stage"] == "active"


def test_experiments_paginate(mlflow_service, mlflow_data):
    first = mlflow_service.experiments(max_results=1)
    assert len(first["experiments"]) == 1 and first["next_page_token"]
    second = mlflow_service.experiments(max_results=1, page_token=first["next_page_token"])
    assert second["experiments"][0]["id"] != first["experiments"][0]["id"]


def test_runs_filter_order_and_columns(mlflow_service, mlflow_data):
    exp = mlflow_data.experiment_id
    page = mlflow_service.runs(exp, order_by=["params.alpha ASC"])
    assert [r["run_name"] for r in page["runs"]] == ["ridge_a", "lasso", "ridge_b"]
    assert page["param_keys"] == ["alpha", "kind", "solver"]
    assert page["metric_keys"] == ["rmse", "train/loss"]
    run = page["runs"][0]
    assert run["status"] == "FINISHED" and run["duration_ms"] >= 0 and run["user"]
    assert run["source_notebook"] == "work/train.ipynb"  # relative to the Jupyter root
    ridge = mlflow_service.runs(exp, filter="params.kind = 'ridge' and metrics.rmse > 0")
    assert {r["run_name"] for r in ridge["runs"]} == {"ridge_a", "ridge_b"}


def test_runs_paginate(mlflow_service, mlflow_data):
    exp = mlflow_data.experiment_id
    first = mlflow_service.runs(exp, max_results=2, order_by=["attributes.start_time ASC"])
    assert len(first["runs"]) == 2 and first["next_page_token"]
    rest = mlflow_service.runs(
        exp,
        max_results=2,
        order_by=["attributes.start_time ASC"],
        page_token=first["next_page_token"],
    )
    assert [r["run_name"] for r in first["runs"] + rest["runs"]] == ["ridge_a", "ridge_b", "lasso"]
    assert rest["next_page_token"] is None


@pytest.mark.parametrize(
    "bad", ["params.alpha = ", "nonsense ~~ 3", "metrics.rmse > 'x' and", "tags.`a = 1"]
)
def test_bad_filter_is_bad_filter(mlflow_service, mlflow_data, bad):
    with pytest.raises(BadRequest) as err:
        mlflow_service.runs(mlflow_data.experiment_id, filter=bad)
    assert err.value.code == "bad_filter"


def test_unknown_things_are_404(mlflow_service, mlflow_data):
    with pytest.raises(NotFound):
        mlflow_service.experiment("987654")
    with pytest.raises(NotFound):
        mlflow_service.runs("987654")
    with pytest.raises(NotFound):
        mlflow_service.run("0" * 32)
    with pytest.raises(NotFound):
        mlflow_service.model("no-such-model")


def test_run_page(mlflow_service, mlflow_data):
    run = mlflow_service.run(mlflow_data.runs["ridge_a"])
    assert run["params"]["alpha"] == "0.1" and "rmse" in run["metrics"]
    assert run["artifact_uri"].startswith("mlflow-artifacts:/")
    (model,) = run["models"]
    assert model["model_id"] == mlflow_data.model_ids["ridge_a"]
    assert model["name"] == "model" and "sklearn" in model["flavors"]
    inputs = [c["name"] for c in __import__("json").loads(model["signature"]["inputs"])]
    assert "bmi" in inputs and "age" in inputs
    # The REST tests may register the same logged model under other names (shared session data).
    assert {"name": mlflow_data.model_name, "version": "1"} in model["registered"]
    history = mlflow_service.metric_history(mlflow_data.runs["ridge_a"], "train/loss")
    assert [p["step"] for p in history["history"]] == [0, 1, 2, 3, 4]
    values = [p["value"] for p in history["history"]]
    assert values == sorted(values, reverse=True)


def test_artifact_tree_and_previews(mlflow_service, mlflow_data):
    run_id = mlflow_data.runs["ridge_a"]
    root = {f["path"]: f for f in mlflow_service.artifacts(run_id)["files"]}
    assert root["reports"]["is_dir"] and root["plot.png"]["file_size"] > 0
    nested = mlflow_service.artifacts(run_id, "reports")["files"]
    assert [f["path"] for f in nested] == ["reports/summary.txt"]

    image = mlflow_service.artifact_preview(run_id, "plot.png")
    assert image["kind"] == "image" and image["media_type"] == "image/png"
    data, media = mlflow_service.artifact_raw(run_id, "plot.png")
    assert media == "image/png" and data.startswith(b"\x89PNG")

    text = mlflow_service.artifact_preview(run_id, "notes.txt")
    assert text["kind"] == "text" and text["text"].startswith("Ridge on the diabetes")
    config = mlflow_service.artifact_preview(run_id, "config.json")
    assert config["kind"] == "json" and config["json"]["features"] == ["age", "bmi"]
    for name in ("predictions.csv", "predictions.parquet"):
        table = mlflow_service.artifact_preview(run_id, name)
        assert table["kind"] == "table", name
        rows = decode_arrow(table["table"]).to_pylist()
        assert rows[2] == {"y_true": 3.25, "y_pred": 3.0}
    big = mlflow_service.artifact_preview(run_id, "big.json")
    assert big["kind"] == "too_large" and big["size"] > big["limit"] == 256 * 1024
    log = mlflow_service.artifact_preview(run_id, "big.log")
    assert log["kind"] == "text" and log["truncated"] and len(log["text"]) == 256 * 1024
    blob = mlflow_service.artifact_preview(run_id, "blob.bin")
    assert blob["kind"] == "binary" and blob["size"] == 256
    mlmodel = mlflow_service.artifacts(run_id, "")["files"]
    assert all(not f["path"].startswith("/") for f in mlmodel)


@pytest.mark.parametrize(
    "path", ["../other", "reports/../../x", "/etc/passwd", "a\\..\\b", "~/x", "s3://bucket/x"]
)
def test_artifact_paths_cannot_leave_the_root(mlflow_service, mlflow_data, path):
    run_id = mlflow_data.runs["ridge_a"]
    for call in (
        mlflow_service.artifacts,
        mlflow_service.artifact_preview,
        mlflow_service.artifact_raw,
    ):
        with pytest.raises(BadRequest) as err:
            call(run_id, path)
        assert err.value.code == "bad_artifact_path"


def test_missing_artifact_is_404(mlflow_service, mlflow_data):
    with pytest.raises(NotFound):
        mlflow_service.artifact_preview(mlflow_data.runs["ridge_a"], "nope.txt")
    with pytest.raises(BadRequest):
        mlflow_service.artifact_raw(mlflow_data.runs["ridge_a"], "reports")


def test_compare_shows_only_differences(mlflow_service, mlflow_data):
    ids = [mlflow_data.runs[k] for k in ("ridge_a", "ridge_b", "lasso")]
    result = mlflow_service.compare(",".join(ids))
    assert [r["run_id"] for r in result["runs"]] == ids
    assert set(result["param_diff"]) == {"alpha", "kind"}  # solver is the same everywhere
    assert result["param_diff"]["alpha"] == dict(zip(ids, ["0.1", "1.0", "0.5"], strict=True))
    assert result["metric_keys"] == ["rmse", "train/loss"]
    with pytest.raises(BadRequest):
        mlflow_service.compare(ids[0])
    with pytest.raises(NotFound):
        mlflow_service.compare(f"{ids[0]},{'f' * 32}")


def test_registry(mlflow_service, mlflow_data):
    name = mlflow_data.model_name
    listed = mlflow_service.models(q="diabetes")["models"]
    assert [m["name"] for m in listed] == [name]
    assert listed[0]["aliases"] == {"champion": "1"} and listed[0]["latest_version"] == "2"
    model = mlflow_service.model(name)
    assert model["description"] == "Diabetes regressors" and model["tags"] == {"team": "ml"}
    v2, v1 = model["versions"]
    assert (v1["version"], v1["aliases"], v2["aliases"]) == ("1", ["champion"], [])
    assert v1["run_id"] == mlflow_data.runs["ridge_a"]
    assert v1["source_notebook"] == "work/train.ipynb"


def test_aliases_tags_descriptions(mlflow_service, mlflow_data):
    name = mlflow_data.model_name
    moved = mlflow_service.set_alias(name, "challenger", {"version": "2"})
    assert moved["version"] == "2" and "challenger" in moved["aliases"]
    mlflow_service.set_alias(name, "challenger", {"version": 1})  # move
    assert mlflow_service.alias(name, "challenger")["version"] == "1"
    mlflow_service.delete_alias(name, "challenger")
    with pytest.raises(NotFound):
        mlflow_service.alias(name, "challenger")
    with pytest.raises(NotFound):
        mlflow_service.delete_alias(name, "challenger")
    with pytest.raises(NotFound):
        mlflow_service.set_alias(name, "x", {"version": "99"})
    with pytest.raises(BadRequest):
        mlflow_service.set_alias(name, "x", {"version": "two"})

    assert mlflow_service.set_model_tag(name, "stage", {"value": "dev"})["tags"]["stage"] == "dev"
    assert "stage" not in mlflow_service.delete_model_tag(name, "stage")["tags"]
    with pytest.raises(NotFound):
        mlflow_service.delete_model_tag(name, "stage")
    version = mlflow_service.set_version_tag(name, "2", "validated", {"value": "yes"})
    assert version["tags"] == {"validated": "yes"}
    assert mlflow_service.delete_version_tag(name, "2", "validated")["tags"] == {}
    assert mlflow_service.update_version(name, "2", {"description": "v2"})["description"] == "v2"
    updated = mlflow_service.update_model(name, {"description": "Regressors"})
    assert updated["description"] == "Regressors"
    mlflow_service.update_model(name, {"description": "Diabetes regressors"})
    with pytest.raises(BadRequest):
        mlflow_service.update_model(name, {"description": 3})


def test_register_a_runs_model(mlflow_service, mlflow_data):
    run_id = mlflow_data.runs["ridge_b"]
    made = mlflow_service.register(run_id, {"artifact_path": "model", "name": "lh-registered"})
    assert made["version"] == "1" and made["run_id"] == run_id
    assert made["model_id"] == mlflow_data.model_ids["ridge_b"]
    again = mlflow_service.register(
        run_id, {"model_id": mlflow_data.model_ids["ridge_b"], "name": "lh-registered"}
    )
    assert again["version"] == "2"
    run = mlflow_service.run(run_id)
    assert {"name": "lh-registered", "version": "2"} in run["models"][0]["registered"]
    with pytest.raises(NotFound):
        mlflow_service.register(run_id, {"artifact_path": "nope", "name": "lh-registered"})
    with pytest.raises(BadRequest):
        mlflow_service.register(
            run_id, {"model_id": mlflow_data.model_ids["ridge_a"], "name": "lh-registered"}
        )
    with pytest.raises(BadRequest):
        mlflow_service.register(run_id, {"name": "lh-registered"})
