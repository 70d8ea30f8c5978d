"""SQL text as data, shared by the kernel (`%sql`) and the server (the SQL editor).

    split.py       statements of a text, cut at real semicolons, with their offsets
    params.py      the `:name` parameter markers of a statement; what kind of statement it is
    sparkerrors.py a Spark error's class, SQLSTATE, message and position (file line/column)
    completion.py  keyword and catalog-name completion over any source of names

Plain Python: nothing here imports IPython, ipykernel or tornado.
"""
