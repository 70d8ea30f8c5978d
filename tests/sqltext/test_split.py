from jupyter_lakehouse.sqltext.split import line_column, split_statements, split_with_offsets


def test_splits_on_semicolons():
    assert split_statements("SELECT 1; SELECT 2;") == ["SELECT 1", "SELECT 2"]


def test_semicolons_in_strings_comments_and_identifiers_do_not_split():
    text = "SELECT 'a;b' AS `x;y`; -- c;d\nSELECT \"e;f\" /* g;h */"
    assert split_statements(text) == ["SELECT 'a;b' AS `x;y`", '-- c;d\nSELECT "e;f" /* g;h */']


def test_unterminated_string_is_left_to_spark():
    assert split_statements("SELECT 'oops; SELECT 2") == ["SELECT 'oops; SELECT 2"]


def test_empty():
    assert split_statements("  ;\n ; ") == []


def test_offsets_point_at_each_statement_in_the_text():
    text = "  SELECT 1;\n\n  -- two\n  SELECT 2 ;"
    pieces = split_with_offsets(text)
    assert [p.text for p in pieces] == ["SELECT 1", "-- two\n  SELECT 2"]
    for piece in pieces:
        assert text[piece.offset :].startswith(piece.text)
    assert line_column(text, pieces[1].offset) == (3, 3)


def test_line_column_is_one_based():
    assert line_column("ab\ncd", 0) == (1, 1)
    assert line_column("ab\ncd", 4) == (2, 2)
    assert line_column("ab\ncd", 99) == (2, 3)
