from jupyter_lakehouse.kernel.sqlsplit import split_statements


def test_splits_on_semicolons():
    assert split_statements("SELECT 1; SELECT 2;") == ["SELECT 1", "SELECT 2"]


def test_semicolons_in_strings_comments_and_identifiers_do_not_split():
    text = "SELECT 'a;b' AS `x;y`; -- c;d\nSELECT \"e;f\" /* g;h */"
    assert split_statements(text) == ["SELECT 'a;b' AS `x;y`", '-- c;d\nSELECT "e;f" /* g;h */']


def test_unterminated_string_is_left_to_spark():
    assert split_statements("SELECT 'oops; SELECT 2") == ["SELECT 'oops; SELECT 2"]


def test_empty():
    assert split_statements("  ;\n ; ") == []
