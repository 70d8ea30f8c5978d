"""Delta Lake: which engine a cluster runs (engine.py), and the offline engine on delta-rs.

    engine.py   delta-spark when its jars resolve at cluster start, else the offline engine
    log.py      opening tables through delta-rs with clear errors; history and details
    source.py   the Spark Python data source `delta` (reads split by file, distributed writes
                committed in one delta-rs transaction by the driver)
    files.py    Parquet files and their add actions (partition values, statistics)
    catalog.py  catalog tables of the offline engine: name <-> location
    commands.py DESCRIBE HISTORY/DETAIL, RESTORE, OPTIMIZE, VACUUM, time travel
    dml.py      UPDATE, DELETE, MERGE evaluated by Spark, committed through delta-rs
    router.py   the Delta SQL Spark cannot route to a Python data source
    api.py      a DeltaTable shaped like delta-spark's, on either engine

Plain Python; nothing here imports tornado. Modules that Spark's Python workers import
(source.py, files.py, log.py) import neither IPython nor the kernel package.
"""
