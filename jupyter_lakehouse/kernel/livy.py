"""What a Livy session's kernel runs besides the user's code (services/livy drives it).

A Livy session of the server extension is a headless lakehouse kernel. The service sends it
ordinary cells; the few that are not the user's own code call the object this module binds as
`_lakehouse_livy`: setting the session up on its cluster, Livy's `sql` kind, and the JSON rows
that sparkmagic's SQL and `-o` paths expect.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
from typing import Any

# The MIME type of the setup report the service reads back; never shown to anyone.
SETUP_MIME = "application/vnd.jupyter-lakehouse.livy-setup+json"
HELPER_NAME = "_lakehouse_livy"


class LivyKernel:
    def __init__(self, shell: Any) -> None:
        self.shell = shell

    def _lakehouse(self) -> Any:
        from .extension import STATE_ATTR

        # The kernel config loads the extension in every kernel; a kernel started with another
        # config must still get it, or `spark` would not be the cluster's session.
        self.shell.extension_manager.load_extension("jupyter_lakehouse")
        return getattr(self.shell, STATE_ATTR)

    def setup(self, cluster: str, label: str, conf: dict[str, str]) -> None:
        """Attach to `cluster`, connect (starting the cluster if needed), apply runtime conf."""
        lakehouse = self._lakehouse()
        lakehouse.session.attach(cluster, label)
        spark = lakehouse.session.get()
        ignored: dict[str, str] = {}
        for key, value in conf.items():
            try:
                spark.conf.set(key, value)
            except Exception as e:  # static and unknown confs cannot change on a running cluster
                ignored[key] = str(e).strip().splitlines()[0][:300] if str(e).strip() else repr(e)
        app_id = None
        try:
            app_id = spark.conf.get("spark.app.id")
        except Exception:
            app_id = None  # the service falls back to what the cluster manager recorded
        report = {
            "session_id": lakehouse.session.session_id,
            "cluster": lakehouse.session.cluster_name,
            "spark_version": spark.version,
            "app_id": app_id,
            "conf_ignored": ignored,
        }
        _publish({SETUP_MIME: report})

    def sql(self, code: str, max_rows: int) -> None:
        """Livy's SQL interpreter: the first `max_rows` rows as {schema, data}."""
        # The namespace's `spark` routes Delta SQL the offline engine handles, as %sql does.
        df = self.shell.user_ns["spark"].sql(code)
        rows = df.take(max_rows)
        data = [[json_value(value) for value in row] for row in rows]
        _publish({"application/json": {"schema": df.schema.jsonValue(), "data": data}})

    def json_rows(self, df: Any, fraction: float | None = None, limit: int | None = None) -> None:
        """Print a DataFrame's rows as JSON lines: sparkmagic's `toJSON(use_unicode=…)` path.

        Spark Connect's `toJSON()` is a DataFrame of JSON strings made by Spark itself (the
        same text classic pyspark's RDD holds), so it only needs taking and printing.
        """
        rows = df.toJSON()
        if fraction is not None:
            rows = rows.sample(False, fraction)
        taken = rows.take(limit) if limit is not None and limit >= 0 else rows.collect()
        for row in taken:
            print(row[0])

    def json_frame(self, records: list[dict]) -> Any:
        """sparkmagic's `%%send_to_spark -t df`: its JSON records as a DataFrame, columns in
        the pandas frame's order (Spark Connect has no RDDs for `spark.read.json`)."""
        import pandas as pd

        return self.shell.user_ns["spark"].createDataFrame(pd.DataFrame.from_records(records))


def json_value(value: Any) -> Any:
    """A Spark value as JSON: structs as objects, dates and times in ISO 8601, decimals as
    numbers, binary as base64, NaN and infinities as strings (JSON has no such numbers)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    as_dict = getattr(value, "asDict", None)
    if callable(as_dict):  # a Row (struct)
        return {k: json_value(v) for k, v in as_dict().items()}
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return str(value)


def _publish(data: dict) -> None:
    # Imported here: the server imports this module's names, and never needs IPython's display.
    from IPython.display import publish_display_data

    publish_display_data(data)


def install(shell: Any) -> LivyKernel:
    helper = LivyKernel(shell)
    shell.push({HELPER_NAME: helper})
    return helper
