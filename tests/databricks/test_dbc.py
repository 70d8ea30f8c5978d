"""Databricks archives (.dbc) <-> Jupyter notebooks (jupyter_lakehouse.databricks.dbc)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from jupyter_lakehouse.databricks import (
    DbcFormatError,
    read_dbc,
    read_source,
    write_dbc,
    write_source,
)

NOTEBOOKS = Path(__file__).parent.parent / "notebooks" / "databricks"


def databricks_archive(entries: dict[str, dict | bytes]) -> bytes:
    """A .dbc laid out as Databricks writes one: folder entries, then `<name>.<language>`
    JSON entries whose commands carry Databricks' own fields."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        folders = sorted({n.rsplit("/", 1)[0] + "/" for n in entries if "/" in n})
        for folder in folders:
            archive.writestr(folder, b"")
        for name, payload in entries.items():
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            archive.writestr(name, data)
    return buffer.getvalue()


def command(text: str, position: float, **extra) -> dict:
    return {
        "version": "CommandV1",
        "origId": 1234567890123 + int(position * 10),
        "guid": f"00000000-0000-0000-0000-{int(position * 1000):012d}",
        "subtype": "command",
        "commandType": "auto",
        "position": position,
        "command": text,
        "commandVersion": 3,
        "state": "finished",
        "results": {"type": "html", "data": "<div class='ansiout'></div>", "arguments": {}},
        "commandTitle": "",
        "showCommandTitle": False,
        "hideCommandCode": False,
        "hideCommandResult": False,
        **extra,
    }


def notebook(name: str, language: str, commands: list[dict]) -> dict:
    return {
        "version": "NotebookV1",
        "origId": 987654321,
        "name": name,
        "language": language,
        "commands": commands,
        "dashboards": [],
        "guid": "11111111-2222-3333-4444-555555555555",
        "globalVars": {},
        "iPythonMetadata": None,
        "inputWidgets": {},
    }


ARCHIVE = {
    "Course/Intro.python": notebook(
        "Intro",
        "python",
        [
            # Positions out of order, as an edited notebook has them.
            command("print('second')", 2.5),
            command("%md\n# Intro\nWelcome", 1.0),
            command("%sql\nSELECT 1", 3.0, commandTitle="Query", showCommandTitle=True),
            command("%python\nx = 1", 4.0, hideCommandCode=True),
        ],
    ),
    "Course/Labs/Lab 1.sql": notebook(
        "Lab 1",
        "sql",
        [command("SELECT 2", 1.0), command("%md ## inline", 2.0), command("%python\ny = 2", 3.0)],
    ),
    "Course/Labs/Tools.scala": notebook("Tools", "scala", [command("val z = 3", 1.0)]),
    "Course/Stats.r": notebook("Stats", "r", [command("mean(c(1, 2))", 1.0)]),
    "Course/data/readme.txt": b"not a notebook",
}


def test_read_an_archive_as_databricks_writes_it():
    skipped: list[str] = []
    notebooks = dict(read_dbc(databricks_archive(ARCHIVE), skipped))
    assert list(notebooks) == [
        "Course/Intro",
        "Course/Labs/Lab 1",
        "Course/Labs/Tools",
        "Course/Stats",
    ]
    assert skipped == ["Course/data/readme.txt"]
    intro = notebooks["Course/Intro"]
    assert [(c.cell_type, c.source) for c in intro.cells] == [
        ("markdown", "# Intro\nWelcome"),
        ("code", "print('second')"),
        ("code", "%sql\nSELECT 1"),
        ("code", "x = 1"),
    ]
    assert intro.cells[2].metadata["databricks"] == {"title": "Query", "show_title": True}
    assert intro.cells[3].metadata["jupyter"] == {"source_hidden": True}
    lab = notebooks["Course/Labs/Lab 1"]
    assert lab.metadata["databricks"]["language"] == "sql"
    assert [c.source for c in lab.cells] == ["%sql\nSELECT 2", "## inline", "y = 2"]
    assert notebooks["Course/Labs/Tools"].cells[0].source == "%scala\nval z = 3"
    assert notebooks["Course/Stats"].cells[0].source == "%r\nmean(c(1, 2))"


def test_write_then_read_keeps_paths_languages_and_commands():
    original = read_dbc(databricks_archive(ARCHIVE))
    again = read_dbc(write_dbc(original))
    assert [p for p, _ in again] == [p for p, _ in original]
    for (_, a), (_, b) in zip(original, again, strict=True):
        assert a.metadata["databricks"]["language"] == b.metadata["databricks"]["language"]
        assert [(c.cell_type, c.source, c.metadata) for c in a.cells] == [
            (c.cell_type, c.source, c.metadata) for c in b.cells
        ]


def test_written_archive_has_databricks_layout():
    nb = read_source((NOTEBOOKS / "roundtrip_sql.sql").read_text())
    data = write_dbc([("Shared/Reports/roundtrip_sql", nb)])
    assert data == write_dbc([("Shared/Reports/roundtrip_sql", nb)])  # deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["Shared/", "Shared/Reports/", "Shared/Reports/roundtrip_sql.sql"]
        payload = json.loads(archive.read("Shared/Reports/roundtrip_sql.sql"))
    assert payload["version"] == "NotebookV1" and payload["language"] == "sql"
    assert payload["name"] == "roundtrip_sql"
    texts = [c["command"] for c in sorted(payload["commands"], key=lambda c: c["position"])]
    assert texts[0] == "%md\n## A SQL notebook"
    assert texts[1].startswith("CREATE OR REPLACE TEMP VIEW")  # the notebook's own language
    assert texts[3].startswith("%python\ndf = spark.table")
    assert payload["commands"][2]["commandTitle"] == "Count"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in NOTEBOOKS.glob("roundtrip_*.*") if p.suffix != ".dbc"),
    ids=lambda p: p.name,
)
def test_source_to_dbc_to_source(path):
    # Source -> .dbc -> source keeps every command (file spelling details aside).
    text = path.read_text()
    nb = read_source(text, filename=path.name)
    ((_, back),) = read_dbc(write_dbc([(path.stem, nb)]))

    def cells(nb):
        return [(c.cell_type, c.source, c.metadata) for c in nb.cells]

    assert cells(read_source(write_source(back), filename=path.name)) == cells(nb)


ESCAPING = ["../evil.python", "/etc/evil.python", "a/../../evil.python", "C:/evil.python"]


@pytest.mark.parametrize("name", ESCAPING)
def test_entries_that_leave_the_archive_are_refused(name):
    data = databricks_archive({name: notebook("evil", "python", [command("x", 1.0)])})
    with pytest.raises(DbcFormatError, match="outside"):
        read_dbc(data)


def test_not_a_zip():
    with pytest.raises(DbcFormatError, match="not a zip"):
        read_dbc(b"# Databricks notebook source\n")


def test_the_committed_archive_is_the_databricks_layout_one():
    # tests/notebooks/databricks/roundtrip_course.dbc (the UI test imports it) holds ARCHIVE.
    committed = read_dbc((NOTEBOOKS / "roundtrip_course.dbc").read_bytes())
    built = read_dbc(databricks_archive(ARCHIVE))
    assert [(p, [(c.cell_type, c.source) for c in nb.cells]) for p, nb in committed] == [
        (p, [(c.cell_type, c.source) for c in nb.cells]) for p, nb in built
    ]
