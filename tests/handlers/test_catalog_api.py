"""lakehouse/api/catalog through a real Jupyter server, against the session's real cluster.

The Delta tables are copies of the shared ones (never the originals), registered in a schema of
the test's own. Hostile names live where a catalog accepts them: global temp views (any name,
a thousand characters included) and a JDBC catalog on an in-memory Derby database, configured
for the catalog browser's own session (LakehouseApp.catalog_session_conf).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.services.catalog import deltalog
from jupyter_lakehouse.services.catalog.names import display_name, sql_name
from tests.fixtures.clusters import spark_session
from tests.fixtures.server_config import lakehouse_server_config

pytestmark = pytest.mark.timeout(300)

SHARED = Path("/work/shared/data/delta-tables")
SCHEMA = "lh_catalog_api"
CATALOG = "spark_catalog"
JDBC = "lhjdbc"
JDBC_CLASS = "org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog"
JDBC_CONF = {
    f"spark.sql.catalog.{JDBC}": JDBC_CLASS,
    f"spark.sql.catalog.{JDBC}.url": "jdbc:derby:memory:lhcatalogtests;create=true",
    f"spark.sql.catalog.{JDBC}.driver": "org.apache.derby.iapi.jdbc.AutoloadedDriver",
}
WEIRD_SCHEMA = "we`ird. sch€ma"
WEIRD_TABLE = "a b.c`d'e\"f ü"
LONG_VIEW = "v" * 1000
UPLOAD_LIMIT = 300_000
DELTA = {
    "simple": "simple_table",
    "dv": "table-with-dv-small",
    "v2": "checkpoint-v2-table",
    "mapping": "table_with_column_mapping",
    "partitioned": "delta-0.8.0-partitioned",
    "checkpointed": "simple_table_with_checkpoint",
}


def writable_copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, copy_function=shutil.copyfile)
    for root, dirs, _files in os.walk(dst):
        os.chmod(root, 0o755)
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    return dst


def register_unreadable(spark, parts, location, snap) -> None:
    """A catalog entry for a table delta-rs refuses (deletion vectors, v2 checkpoints).

    The offline engine cannot register one (its `delta` source validates the table by opening
    it), but a metastore shared with a delta-spark cluster has such entries. Make one the way
    delta-spark would, through a stand-in `delta` source that reads nothing, registered in the
    fixture's own session only (the catalog browser's session has the real one).
    """
    from pyspark.sql.datasource import DataSource, DataSourceReader
    from pyspark.sql.types import StructType

    from jupyter_lakehouse.services.delta.files import spark_schema_json
    from jupyter_lakehouse.services.delta.source import LOCATION_KEY, MANAGED_KEY

    class Reader(DataSourceReader):
        def read(self, partition):
            return iter(())

    class StandIn(DataSource):
        @classmethod
        def name(cls):
            return "delta"

        def reader(self, schema):
            return Reader()

    spark.dataSource.register(StandIn)
    schema = spark_schema_json(snap.metadata["schemaString"])
    schema["fields"][0].setdefault("metadata", {}).update(
        {LOCATION_KEY: str(location), MANAGED_KEY: "false"}
    )
    spark.catalog.createTable(
        sql_name(*parts), path=str(location), source="delta", schema=StructType.fromJson(schema)
    )


@pytest.fixture(scope="module")
def catalog_data(cluster_manager, tmp_path_factory):
    """The tables the tests browse, made once with a Spark session of the test's own."""
    from jupyter_lakehouse.services.delta import catalog as delta_catalog
    from jupyter_lakehouse.services.delta import client as delta_client

    info = cluster_manager.ensure_running("local", timeout=150)
    root = tmp_path_factory.mktemp("catalog-tables")
    locations = {key: writable_copy(SHARED / name, root / name) for key, name in DELTA.items()}
    url = cluster_manager.connect_url("local", str(uuid.uuid4()))
    with spark_session(url) as spark:
        delta_client.attach(spark, info.delta_engine)
        for key, value in JDBC_CONF.items():
            spark.conf.set(key, value)
        spark.sql(f"DROP SCHEMA IF EXISTS {sql_name(CATALOG, SCHEMA)} CASCADE")
        spark.sql(f"CREATE SCHEMA {sql_name(CATALOG, SCHEMA)} COMMENT 'catalog API tests'")
        # Readable tables first: the stand-in source for the others replaces the real one.
        order = sorted(
            locations, key=lambda k: bool(deltalog.snapshot(locations[k]).unreadable_features())
        )
        for key in order:
            location = locations[key]
            parts = [CATALOG, SCHEMA, key]
            snap = deltalog.snapshot(location)
            if snap.unreadable_features():
                register_unreadable(spark, parts, location, snap)
            else:
                delta_catalog.register(spark, parts, str(location), False, f"copy of {key}")
        pq_name = sql_name(CATALOG, SCHEMA, "pq")
        spark.sql(
            f"CREATE TABLE {pq_name} (id INT COMMENT 'the id', name STRING, p INT) "
            "USING parquet PARTITIONED BY (p) COMMENT 'a parquet table'"
        )
        spark.sql(f"INSERT INTO {pq_name} VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 1)")
        spark.sql(f"CREATE VIEW {sql_name(CATALOG, SCHEMA, 'v')} AS SELECT id FROM {pq_name}")
        for name in (WEIRD_TABLE, LONG_VIEW):
            spark.sql(
                f"CREATE OR REPLACE GLOBAL TEMP VIEW {sql_name(name)} AS "
                "SELECT 1 AS `x.y`, 'a' AS `col ü`"
            )
        spark.sql(
            f"CREATE TABLE {sql_name(JDBC, WEIRD_SCHEMA, WEIRD_TABLE)} (id INT, `x y` STRING)"
        )
        spark.sql(f"INSERT INTO {sql_name(JDBC, WEIRD_SCHEMA, WEIRD_TABLE)} VALUES (7, 'seven')")
        yield {"locations": locations, "root": root}
        spark.sql(f"DROP SCHEMA IF EXISTS {sql_name(CATALOG, SCHEMA)} CASCADE")
        for name in (WEIRD_TABLE, LONG_VIEW):
            spark.sql(f"DROP VIEW IF EXISTS {sql_name('global_temp', name)}")
        spark.sql(f"DROP TABLE IF EXISTS {sql_name(JDBC, WEIRD_SCHEMA, WEIRD_TABLE)}")


def table_path(catalog: str, schema: str, table: str, *rest: str) -> str:
    return "/".join(
        ["catalog", "tables", quote(display_name(catalog, schema, table), safe=""), *rest]
    )


def listing_path(*names: str, leaf: str | None = None) -> str:
    parts = ["catalog", "catalogs"]
    for name, kind in zip(names, ("schemas", "tables"), strict=False):
        parts += [quote(name, safe=""), kind]
    if leaf:
        parts.append(leaf)
    return "/".join(parts)


@pytest.fixture
def api(http_server_client, jp_auth_header, jp_base_url):
    """Call the catalog API with names percent-encoded part by part (jp_fetch would split a
    name that contains a slash)."""

    async def call(path, *, method="GET", params=None, body=None, raw=None, timeout=120):
        url = jp_base_url.rstrip("/") + "/lakehouse/api/" + path
        if params:
            url += "?" + urlencode(params)
        data = raw
        headers = dict(jp_auth_header)
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if data is None and method in ("POST", "PATCH", "PUT"):
            data = "{}"
        response = await http_server_client.fetch(
            url, method=method, body=data, headers=headers, request_timeout=timeout
        )
        return json.loads(response.body) if response.body else None

    return call


async def error_of(call, path, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(path, **kwargs)
    body = err.value.response.body.decode()
    assert "Traceback" not in body
    return err.value.code, json.loads(body)["error"]


async def test_a_stopped_cluster_is_a_409(api):
    # This server's home is fresh: its `local` cluster exists and is not running.
    for path in (
        "catalog/catalogs",
        listing_path(CATALOG),
        listing_path(CATALOG, "default"),
        table_path(CATALOG, "default", "t"),
        table_path(CATALOG, "default", "t", "history"),
        table_path(CATALOG, "default", "t", "preview"),
    ):
        code, error = await error_of(api, path)
        assert (code, error["code"]) == (409, "cluster_not_running"), path
        assert error["detail"]["state"] == "terminated"
    code, error = await error_of(api, "catalog/search", params={"q": "x"})
    assert (code, error["code"]) == (409, "cluster_not_running")
    code, error = await error_of(api, "catalog/catalogs", params={"cluster": "nope"})
    assert (code, error["code"]) == (404, "cluster_not_found")


@pytest.mark.usefixtures("catalog_data")
class TestOnTheSessionCluster:
    @pytest.fixture
    def lakehouse_home(self, cluster_home):
        return cluster_home

    @pytest.fixture
    def jp_server_config(self, lakehouse_home):
        return lakehouse_server_config(
            lakehouse_home,
            catalog_session_conf=JDBC_CONF,
            catalog_upload_max_bytes=UPLOAD_LIMIT,
            mlflow_autostart=False,
        )

    async def test_listings(self, api):
        catalogs = await api("catalog/catalogs")
        names = [c["name"] for c in catalogs["catalogs"]]
        assert names[0] == CATALOG and JDBC in names

        schemas = await api(listing_path(CATALOG), params={"refresh": "true"})
        names = [s["name"] for s in schemas["schemas"]]
        assert SCHEMA in names and "default" in names and "global_temp" in names
        page = await api(listing_path(CATALOG), params={"limit": 1})
        assert len(page["schemas"]) == 1 and page["next_page_token"] == "1"
        assert page["total"] == schemas["total"]
        rest = await api(listing_path(CATALOG), params={"limit": 1000, "page_token": "1"})
        assert [s["name"] for s in page["schemas"] + rest["schemas"]] == names
        filtered = await api(listing_path(CATALOG), params={"filter": "CATALOG_A"})
        assert [s["name"] for s in filtered["schemas"]] == [SCHEMA]

        tables = await api(listing_path(CATALOG, SCHEMA), params={"refresh": "true"})
        kinds = {t["name"]: t["kind"] for t in tables["tables"]}
        assert kinds == {
            **{key: "table" for key in DELTA},
            "pq": "table",
            "v": "view",
        }
        assert (
            tables["tables"][0]["full_name"] == f"{CATALOG}.{SCHEMA}.{tables['tables'][0]['name']}"
        )

        # Formats come from the background describer, the page shown first.
        deadline = time.monotonic() + 30
        while True:
            tables = await api(listing_path(CATALOG, SCHEMA))
            formats = {t["name"]: t["format"] for t in tables["tables"]}
            if not tables["formats_pending"] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert formats == {**{key: "delta" for key in DELTA}, "pq": "parquet", "v": "view"}

        temp = await api(listing_path(CATALOG, "global_temp"))
        by_name = {t["name"]: t for t in temp["tables"]}
        assert by_name[WEIRD_TABLE]["kind"] == "temp_view"
        assert by_name[WEIRD_TABLE]["full_name"] == "spark_catalog.global_temp.`a b.c``d'e\"f ü`"
        assert LONG_VIEW in by_name

        weird = await api(listing_path(JDBC))
        assert WEIRD_SCHEMA in [s["name"] for s in weird["schemas"]]
        weird_tables = await api(listing_path(JDBC, WEIRD_SCHEMA))
        assert [t["name"] for t in weird_tables["tables"]] == [WEIRD_TABLE]

    async def test_listing_errors(self, api):
        code, error = await error_of(api, listing_path("nope"))
        assert (code, error["code"]) == (404, "catalog_not_found")
        code, error = await error_of(api, listing_path(CATALOG, "nope_schema"))
        assert code == 404
        code, error = await error_of(api, listing_path(CATALOG), params={"limit": 0})
        assert code == 400
        code, error = await error_of(api, listing_path(CATALOG), params={"page_token": "x"})
        assert code == 400
        code, error = await error_of(api, listing_path(CATALOG, "a\x01b"))
        assert (code, error["code"]) == (400, "invalid_name")

    async def test_delta_details(self, api, catalog_data):
        for key, location in catalog_data["locations"].items():
            details = await api(table_path(CATALOG, SCHEMA, key))
            log = deltalog.details(location)
            assert details["format"] == "delta" and details["source"] == "delta_log"
            assert details["kind"] == "table" and details["type"] == "EXTERNAL"
            assert details["managed"] is False
            assert details["location"] == f"file:{location}"
            assert details["num_files"] == log["num_files"]
            assert details["size_in_bytes"] == log["size_in_bytes"]
            assert details["delta"]["version"] == log["version"]
            assert [c["name"] for c in details["columns"]] == [c["name"] for c in log["columns"]]
            assert details["owner"] and details["created_at"]
            if key not in ("dv", "v2"):
                rs = DeltaTable(str(location))
                adds = pa.table(rs.get_add_actions(flatten=True))
                assert details["num_files"] == adds.num_rows
        dv = await api(table_path(CATALOG, SCHEMA, "dv"))
        assert dv["delta"]["table_features"] == ["deletionVectors"]
        assert dv["delta"]["min_reader_version"] == 3 and dv["num_rows"] == 8
        assert dv["preview"]["supported"] is False
        assert "deletion vectors" in dv["preview"]["reason"]
        assert "delta-spark" in dv["preview"]["reason"]
        v2 = await api(table_path(CATALOG, SCHEMA, "v2"))
        assert "v2Checkpoint" in v2["delta"]["reader_features"]
        assert v2["delta"]["checkpoint"] == {"version": 8, "kind": "v2"}
        part = await api(table_path(CATALOG, SCHEMA, "partitioned"))
        assert part["partition_columns"] == ["year", "month", "day"]
        assert [c["name"] for c in part["columns"] if c["partition"]] == ["year", "month", "day"]
        mapping = await api(table_path(CATALOG, SCHEMA, "mapping"))
        assert [c["name"] for c in mapping["columns"]] == ["Company Very Short", "Super Name"]
        assert mapping["delta"]["column_mapping_mode"] == "name"

    async def test_other_details(self, api):
        pq_details = await api(table_path(CATALOG, SCHEMA, "pq"))
        assert pq_details["format"] == "parquet" and pq_details["type"] == "MANAGED"
        assert pq_details["comment"] == "a parquet table"
        assert pq_details["columns"] == [
            {
                "name": "id",
                "type": "int",
                "nullable": True,
                "comment": "the id",
                "partition": False,
            },
            {
                "name": "name",
                "type": "string",
                "nullable": True,
                "comment": None,
                "partition": False,
            },
            {"name": "p", "type": "int", "nullable": True, "comment": None, "partition": True},
        ]
        assert pq_details["partition_columns"] == ["p"]
        assert pq_details["num_files"] >= 2 and pq_details["size_in_bytes"] > 0
        assert pq_details["preview"]["engine"] == "spark"
        view = await api(table_path(CATALOG, SCHEMA, "v"))
        assert view["kind"] == "view" and "SELECT id FROM" in view["view_text"]
        temp = await api(table_path(CATALOG, "global_temp", WEIRD_TABLE))
        assert temp["kind"] == "temp_view"
        assert temp["sql_name"] == "`global_temp`.`a b.c``d'e\"f ü`"
        assert [c["name"] for c in temp["columns"]] == ["x.y", "col ü"]
        long = await api(table_path(CATALOG, "global_temp", LONG_VIEW))
        assert long["name"] == LONG_VIEW
        jdbc = await api(table_path(JDBC, WEIRD_SCHEMA, WEIRD_TABLE))
        assert jdbc["name"] == WEIRD_TABLE and jdbc["schema"] == WEIRD_SCHEMA
        assert [c["name"] for c in jdbc["columns"]] == ["ID", "x y"] or [
            c["name"] for c in jdbc["columns"]
        ] == ["id", "x y"]

    async def test_bad_and_unknown_names(self, api, catalog_data):
        for name in ("", "a.b", "a.b.c.d", "a..c", "`a.b.c", "a.b.c\x01", "a.b." + "x" * 2001):
            code, error = await error_of(api, "catalog/tables/" + quote(name, safe=""))
            assert (code, error["code"]) in ((400, "invalid_name"), (404, "not_found")), name
        for name in ("no_such_table", "x" * 1000, "x`; DROP TABLE pq; --", "it's", "ü"):
            code, error = await error_of(api, table_path(CATALOG, SCHEMA, name))
            assert (code, error["code"]) == (404, "table_not_found"), name
        code, error = await error_of(api, table_path(CATALOG, "no_such_schema", "t"))
        assert code == 404
        code, error = await error_of(api, table_path("nope", "s", "t"))
        assert (code, error["code"]) == (404, "catalog_not_found")
        # The quoted name never reached SQL as code: the table is still there.
        assert (await api(table_path(CATALOG, SCHEMA, "pq")))["name"] == "pq"

    async def test_history(self, api, catalog_data):
        for key, location in catalog_data["locations"].items():
            history = await api(table_path(CATALOG, SCHEMA, key, "history"))
            versions = [e["version"] for e in history["history"]]
            expected = sorted(deltalog.list_log(location).commits, reverse=True)
            assert versions == expected
            assert history["latest_version"] == versions[0]
        simple = await api(table_path(CATALOG, SCHEMA, "simple", "history"))
        assert [e["operation"] for e in simple["history"]] == [
            "DELETE",
            "UPDATE",
            "WRITE",
            "MERGE",
            "WRITE",
        ]
        assert simple["history"][-1]["operationParameters"] == {
            "mode": "ErrorIfExists",
            "partitionBy": "[]",
        }
        limited = await api(table_path(CATALOG, SCHEMA, "simple", "history"), params={"limit": 2})
        assert [e["version"] for e in limited["history"]] == [4, 3]
        code, error = await error_of(api, table_path(CATALOG, SCHEMA, "pq", "history"))
        assert (code, error["code"]) == (422, "not_delta")
        assert "parquet" in error["message"]

    async def test_preview(self, api, catalog_data):
        location = catalog_data["locations"]["simple"]
        latest = await api(table_path(CATALOG, SCHEMA, "simple", "preview"))
        assert latest["mime_type"] == "application/vnd.jupyter-lakehouse.table+json"
        assert set(latest["data"]) == {latest["mime_type"], "text/html", "text/plain"}
        assert latest["source"] == "delta-rs" and latest["version"] == 4
        payload = latest["data"][latest["mime_type"]]
        assert payload["schema"]["fields"] == [{"name": "id", "type": "bigint"}]
        for version in range(0, 5):
            older = await api(
                table_path(CATALOG, SCHEMA, "simple", "preview"), params={"version": version}
            )
            expected = DeltaTable(str(location), version=version).to_pyarrow_table().num_rows
            assert older["row_count"] == expected and older["version"] == version
        at_time = await api(
            table_path(CATALOG, SCHEMA, "simple", "preview"),
            params={"timestamp": "2020-04-27 06:23:20"},
        )
        assert at_time["version"] == 1
        limited = await api(
            table_path(CATALOG, SCHEMA, "checkpointed", "preview"), params={"limit": 3}
        )
        assert limited["row_count"] == 3 and limited["truncated"] is True

        for key, feature in (("dv", "deletion vectors"), ("v2", "v2 checkpoints")):
            code, error = await error_of(api, table_path(CATALOG, SCHEMA, key, "preview"))
            assert (code, error["code"]) == (422, "delta_feature_unsupported")
            assert feature in error["message"] and "delta-spark" in error["message"]

        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "simple", "preview"), params={"version": 99}
        )
        assert (code, error["code"]) == (404, "version_not_found")
        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "simple", "preview"), params={"limit": 1001}
        )
        assert code == 400

        pq_rows = await api(table_path(CATALOG, SCHEMA, "pq", "preview"))
        assert pq_rows["source"] == "spark" and pq_rows["row_count"] == 3
        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "pq", "preview"), params={"version": 0}
        )
        assert (code, error["code"]) == (400, "not_delta")
        temp = await api(table_path(CATALOG, "global_temp", WEIRD_TABLE, "preview"))
        assert temp["row_count"] == 1
        fields = temp["data"][temp["mime_type"]]["schema"]["fields"]
        assert [f["name"] for f in fields] == ["x.y", "col ü"]
        jdbc = await api(table_path(JDBC, WEIRD_SCHEMA, WEIRD_TABLE, "preview"))
        assert jdbc["row_count"] == 1 and "seven" in jdbc["data"]["text/plain"]

    async def test_search(self, api, cluster_home):
        found = await api("catalog/search", params={"q": "CHECKPOINTED"})
        hits = [(r["kind"], r["schema"], r["table"], r["match"]) for r in found["results"]]
        assert ("table", SCHEMA, "checkpointed", "exact") in hits
        assert found["index"]["tables"] >= 8
        # Columns arrive as tables are described (pages already listed, or this details page).
        await api(table_path(CATALOG, SCHEMA, "mapping"))
        columns = await api("catalog/search", params={"q": "super name"})
        assert {(r["kind"], r["table"], r.get("column")) for r in columns["results"]} >= {
            ("column", "mapping", "Super Name")
        }
        weird = await api("catalog/search", params={"q": "c`d'e"})
        assert any(r["table"] == WEIRD_TABLE for r in weird["results"])
        for q in ("", "x" * 201):
            code, _ = await error_of(api, "catalog/search", params={"q": q})
            assert code == 400
        # Saved under the workspace home, so it survives a restart.
        await asyncio.sleep(0.1)
        index_file = cluster_home / "catalog" / "index" / "local.json"
        for _ in range(100):
            if index_file.exists():
                break
            await asyncio.sleep(0.1)
        assert json.loads(index_file.read_text())["version"] == 1

    async def test_create_schema_and_comments(self, api, catalog_data):
        name = f"lh_created_{uuid.uuid4().hex[:8]}"
        created = await api(
            listing_path(CATALOG), method="POST", body={"name": name, "comment": "it's new"}
        )
        assert created["full_name"] == f"{CATALOG}.{name}"
        code, error = await error_of(api, listing_path(CATALOG), method="POST", body={"name": name})
        assert (code, error["code"]) == (409, "schema_exists")
        code, error = await error_of(api, listing_path(CATALOG), method="POST", body={"name": ""})
        assert code == 400
        schemas = await api(listing_path(CATALOG))
        assert name in [s["name"] for s in schemas["schemas"]]

        before = deltalog.details(catalog_data["locations"]["simple"])["version"]
        comment = 'it\'s a `table` with \\ and "quotes"\nand a new line'
        changed = await api(
            table_path(CATALOG, SCHEMA, "simple"),
            method="PATCH",
            body={"comment": comment, "columns": {"id": "the 'id'"}},
        )
        assert changed["comment"] == comment
        assert changed["columns"][0]["comment"] == "the 'id'"
        # The offline engine writes comments where delta-spark does: the Delta log.
        assert changed["delta"]["version"] > before
        assert changed["delta"]["description"] == comment
        parquet = await api(
            table_path(CATALOG, SCHEMA, "pq"), method="PATCH", body={"columns": {"name": "N"}}
        )
        assert parquet["columns"][1]["comment"] == "N"
        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "pq"), method="PATCH", body={"columns": {"no": "x"}}
        )
        assert (code, error["code"]) == (400, "column_not_found")
        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "pq"), method="PATCH", body={"owner": "me"}
        )
        assert code == 400
        code, error = await error_of(
            api, table_path(CATALOG, SCHEMA, "dv"), method="PATCH", body={"comment": "x"}
        )
        assert (code, error["code"]) == (422, "delta_feature_unsupported")

    async def test_upload_and_drop(self, api, cluster_home):
        base = listing_path(CATALOG, SCHEMA, leaf="upload")
        csv = b"id,name,day\n1,alpha,2024-01-01\n2,beta,2024-01-02\n3,,2024-01-03\n"
        review = await api(base, method="POST", raw=csv, params={"filename": "My Data.csv"})
        assert review["format"] == "csv" and review["rows"] == 3
        assert review["suggested_name"] == "my_data"
        assert [(c["name"], c["type"]) for c in review["columns"]] == [
            ("id", "bigint"),
            ("name", "string"),
            ("day", "date"),
        ]
        assert review["sample"]["rows"][2] == ["3", None, "2024-01-03"]
        columns = [
            {"source": "id", "name": "id", "type": "int"},
            {"source": "name", "name": "the name", "type": "string"},
            {"source": "day", "name": "day", "type": "date", "include": True},
        ]
        created = await api(
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "from_csv", "columns": columns, "comment": "uploaded"},
        )
        assert created["format"] == "delta" and created["type"] == "EXTERNAL"
        # An external catalog entry, but the data is the table's own: dropping deletes it.
        assert created["managed"] is True
        assert [(c["name"], c["type"]) for c in created["columns"]] == [
            ("id", "int"),
            ("the name", "string"),
            ("day", "date"),
        ]
        location = Path(created["delta"]["location"])
        assert location.is_relative_to(cluster_home / "warehouse")
        rows = await api(table_path(CATALOG, SCHEMA, "from_csv", "preview"))
        assert rows["row_count"] == 3
        # The upload is consumed.
        code, error = await error_of(
            api, base, method="POST", params={"upload_id": review["upload_id"]}, body={"name": "x"}
        )
        assert (code, error["code"]) == (404, "upload_not_found")

        jsonl = b'{"a": 1, "b": {"c": "x"}}\n{"a": 2, "b": {"c": "y"}}\n'
        review = await api(base, method="POST", raw=jsonl, params={"format": "json"})
        assert [(c["name"], c["type"]) for c in review["columns"]] == [
            ("a", "bigint"),
            ("b", "struct<c:string>"),
        ]
        await api(
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "from_json"},
        )
        array = b'[{"k": "v1"}, {"k": "v2"}]'
        review = await api(base, method="POST", raw=array, params={"filename": "a.json"})
        assert review["rows"] == 2

        sink = io.BytesIO()
        pq.write_table(pa.table({"x": [1.5, 2.5], "y": ["a", "b"]}), sink)
        review = await api(base, method="POST", raw=sink.getvalue(), params={"format": "parquet"})
        assert [(c["name"], c["type"]) for c in review["columns"]] == [
            ("x", "double"),
            ("y", "string"),
        ]
        made = await api(
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "from_parquet"},
        )
        assert made["num_rows"] == 2
        code, error = await error_of(
            api,
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "from_parquet"},
        )
        assert code == 404  # consumed; a second create from it is refused

        code, error = await error_of(api, base, method="POST", raw=b"x", params={"format": "xls"})
        assert (code, error["code"]) == (400, "invalid_format")
        code, error = await error_of(
            api, base, method="POST", raw=b"\x00" * (UPLOAD_LIMIT + 1), params={"format": "csv"}
        )
        assert (code, error["code"]) == (400, "too_large")
        code, error = await error_of(
            api, base, method="POST", raw=b"PAR1 not parquet", params={"format": "parquet"}
        )
        assert (code, error["code"]) == (422, "unreadable_file")
        review = await api(base, method="POST", raw=csv, params={"format": "csv"})
        code, error = await error_of(
            api,
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "from_csv"},
        )
        assert (code, error["code"]) == (409, "table_exists")
        code, error = await error_of(
            api,
            base,
            method="POST",
            params={"upload_id": review["upload_id"]},
            body={"name": "bad", "columns": [{"source": "name", "type": "int"}]},
        )
        assert (code, error["code"]) == (400, "invalid_columns")

        # Drop: the confirmation must name the table.
        target = table_path(CATALOG, SCHEMA, "from_csv")
        code, error = await error_of(api, target, method="DELETE")
        assert (code, error["code"]) == (400, "confirmation_mismatch")
        assert f"{CATALOG}.{SCHEMA}.from_csv" in error["message"]
        code, error = await error_of(
            api, target, method="DELETE", params={"confirm": f"{SCHEMA}.from_csv"}
        )
        assert code == 400
        dropped = await api(
            target, method="DELETE", params={"confirm": f"{CATALOG}.{SCHEMA}.from_csv"}
        )
        assert dropped == {"dropped": f"{CATALOG}.{SCHEMA}.from_csv", "kind": "table"}
        code, error = await error_of(api, target)
        assert code == 404
        # A managed table: its data went with it.
        assert not location.exists()
        tables = await api(listing_path(CATALOG, SCHEMA))
        assert "from_csv" not in [t["name"] for t in tables["tables"]]

    async def test_drop_a_hostile_temp_view(self, api, cluster_manager):
        name = "drop me `now` ü"
        url = cluster_manager.connect_url("local", str(uuid.uuid4()))
        with spark_session(url) as spark:
            spark.sql(f"CREATE GLOBAL TEMP VIEW {sql_name(name)} AS SELECT 1 AS a")
        full = display_name(CATALOG, "global_temp", name)
        assert full == "spark_catalog.global_temp.`drop me ``now`` ü`"
        target = table_path(CATALOG, "global_temp", name)
        code, _ = await error_of(api, target, method="DELETE", params={"confirm": name})
        assert code == 400
        dropped = await api(target, method="DELETE", params={"confirm": full})
        assert dropped["kind"] == "temp_view"
        code, _ = await error_of(api, target)
        assert code == 404
