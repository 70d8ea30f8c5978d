import pytest

from jupyter_lakehouse.services.errors import Unavailable
from jupyter_lakehouse.services.java import detect_java, parse_java_version, require_java


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('openjdk version "17.0.15" 2025-04-15', ("17.0.15", 17)),
        ('java version "1.8.0_392"', ("1.8.0_392", 8)),
        ('openjdk version "21" 2023-09-19', ("21", 21)),
        ("no version here", (None, None)),
    ],
)
def test_parse_java_version(text, expected):
    assert parse_java_version(text) == expected


def test_this_machine_has_a_usable_java():
    info = detect_java()
    assert info.usable and info.major >= 17


def test_missing_java_says_how_to_get_it(tmp_path):
    with pytest.raises(Unavailable) as err:
        require_java({"PATH": str(tmp_path), "JAVA_HOME": ""})
    assert err.value.code == "java_missing"
    assert "apt-get install openjdk-17" in err.value.message


def test_old_java_is_refused(tmp_path):
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    # A fake Java is fault injection: it answers like Java 11 would.
    fake.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    fake.chmod(0o755)
    with pytest.raises(Unavailable) as err:
        require_java({"JAVA_HOME": str(tmp_path), "PATH": ""})
    assert err.value.code == "java_too_old" and "11.0.2" in err.value.message
