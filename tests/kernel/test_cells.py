import pytest

from jupyter_lakehouse.kernel.cells import cell_language_transform


def lines(text):
    return text.splitlines(keepends=True)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%sql\nSELECT 1\n", "%%sql\nSELECT 1\n"),
        ("%sql SELECT 1\nFROM t\n", "%%sql\nSELECT 1\nFROM t\n"),
        ("%sql SELECT 1", "%%sql\nSELECT 1\n"),
        ("\n\n%scala\nval x = 1\n", "%%scala\nval x = 1\n"),
        ("%r\nx <- 1\n", "%%r\nx <- 1\n"),
        ("%md\n# Title\n", "%%md\n# Title\n"),
        ("%python\nx = 1\n", "x = 1\n"),
        ("%%sql\nSELECT 1\n", "%%sql\nSELECT 1\n"),
        ("%timeit x = 1\n", "%timeit x = 1\n"),
        ("%sqlx\nSELECT 1\n", "%sqlx\nSELECT 1\n"),
        ("x = 1\n%sql\n", "x = 1\n%sql\n"),
        ("", ""),
    ],
)
def test_first_line_marks_the_cell_language(cell, expected):
    assert "".join(cell_language_transform(lines(cell))) == expected
