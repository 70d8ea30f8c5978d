"""Data between Spark (Arrow), pandas and R, keeping types and missing values.

Spark to R goes Arrow -> pandas -> R through an rpy2 conversion (`converter()`): rpy2's own
pandas rules (pandas2ri) with faster, exact rules in front of them for the column types Spark
produces. pandas2ri alone copies numbers element by element (0.3 s per 100 000 doubles here),
turns Spark's nulls in double columns into NaN, stores dates as text, and can only build
timestamps through ISOdatetime(), which is slow and wrong in a daylight-saving overlap.

| Spark                               | pandas (between)            | R                      |
|-------------------------------------|-----------------------------|------------------------|
| tinyint, smallint, int              | Int32 (masked)              | integer                |
| bigint, float, double, decimal      | Float64 (masked; NaN kept)  | numeric (NA; NaN kept) |
| boolean                             | boolean (masked)            | logical                |
| string                              | object                      | character              |
| date                                | date32[pyarrow]             | Date                   |
| timestamp                           | datetime64[us, <tz>]        | POSIXct (tzone = tz)   |
| timestamp_ntz                       | datetime64[us]              | POSIXct (tzone "UTC")  |
| binary, array, map, struct, other   | object (JSON text)          | character              |

bigint becomes numeric as in SparkR: R's integers have 32 bits. R to Spark (`r_to_pandas`)
reads R's vectors directly, because pandas2ri turns integer NA into -2147483648, Dates into
numbers and logical NA into an object column: integer -> int, numeric -> double, logical ->
boolean, character and factor -> string, Date -> date, POSIXct -> timestamp.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

NA_INTEGER = -(2**31)
# R's NA_real_ is a NaN whose low word is 1954; any other NaN is R's NaN.
NA_REAL_BITS = 0x7FF00000000007A2
_LOW_WORD = 0xFFFFFFFF


# -- Spark (Arrow) to pandas ----------------------------------------------------------------


def _mask(column: pa.Array) -> np.ndarray:
    return column.is_null().to_numpy(zero_copy_only=False)


def _float_array(column: pa.Array) -> pd.arrays.FloatingArray:
    values = column.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False)
    return pd.arrays.FloatingArray(np.array(values, dtype=np.float64), _mask(column))


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, default=str)


def arrow_column_to_pandas(column: pa.Array) -> pd.Series:
    kind = column.type
    if pa.types.is_dictionary(kind):
        return arrow_column_to_pandas(column.dictionary_decode())
    if pa.types.is_null(kind):
        return pd.Series(pd.array([None] * len(column), dtype="boolean"))
    if pa.types.is_boolean(kind):
        values = column.fill_null(False).to_numpy(zero_copy_only=False)
        return pd.Series(pd.arrays.BooleanArray(np.asarray(values, dtype=bool), _mask(column)))
    if kind in (pa.int8(), pa.int16(), pa.int32(), pa.uint8(), pa.uint16()):
        values = column.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
        return pd.Series(pd.arrays.IntegerArray(np.asarray(values, np.int32), _mask(column)))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return pd.Series(_float_array(column))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
    if pa.types.is_date(kind):
        return pd.Series(pd.arrays.ArrowExtensionArray(column.cast(pa.date32())))
    if pa.types.is_timestamp(kind):
        column = column.cast(pa.timestamp("us", tz=kind.tz))
        return pd.Series(
            column.to_pandas(), dtype=f"datetime64[us, {kind.tz}]" if kind.tz else None
        )
    return pd.Series([_text(v) for v in column.to_pylist()], dtype=object)


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A Spark result as pandas columns whose conversion to R keeps types and NA (table above)."""
    columns = {}
    for name, chunked in zip(table.column_names, table.columns, strict=True):
        array = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        columns[name] = arrow_column_to_pandas(array)
    frame = pd.DataFrame(columns) if columns else pd.DataFrame(index=range(table.num_rows))
    frame.columns = list(table.column_names)
    return frame


# -- pandas to R ----------------------------------------------------------------------------


def _r() -> Any:
    import rpy2.rinterface as ri

    return ri


def _float_vector(values: np.ndarray, missing: np.ndarray | None) -> Any:
    ri = _r()
    data = np.array(values, dtype=np.float64)  # a copy: NA is written into it
    if missing is not None and missing.any():
        data.view(np.int64)[missing] = NA_REAL_BITS
    return ri.FloatSexpVector.from_memoryview(memoryview(data))


def _int_vector(values: np.ndarray, missing: np.ndarray | None, cls: Any = None) -> Any:
    ri = _r()
    data = np.array(values, dtype=np.int32)
    if missing is not None and missing.any():
        data[missing] = NA_INTEGER
    vector = (cls or ri.IntSexpVector).from_memoryview(memoryview(data))
    return vector


def _with_class(vector: Any, classes: tuple[str, ...], **attrs: Any) -> Any:
    ri = _r()
    # The `rclass` setter goes through Rf_setAttrib, which marks the vector as an object so that
    # S3 dispatch (print, format, dim) works; do_slot_assign("class") would not.
    vector.rclass = ri.StrSexpVector(list(classes))
    for name, value in attrs.items():
        vector.do_slot_assign(name, value)
    return vector


def _missing(series: pd.Series) -> np.ndarray:
    return np.asarray(series.isna(), dtype=bool)


def _strings(values: Any) -> Any:
    ri = _r()
    na = ri.NA_Character
    return ri.StrSexpVector(
        [
            na
            if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
            else v
            if isinstance(v, str)
            else str(v)
            for v in values
        ]
    )


def series_to_r(series: pd.Series) -> Any | None:
    """The R vector for a pandas column, or None to leave the column to pandas2ri."""
    ri = _r()
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if not all(isinstance(c, str) for c in categories):
            categories = categories.astype(str)
        codes = np.asarray(series.cat.codes, dtype=np.int32) + 1
        vector = _int_vector(codes, codes == 0)
        classes = ("ordered", "factor") if dtype.ordered else ("factor",)
        return _with_class(vector, classes, levels=ri.StrSexpVector(list(categories)))
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype):
        days = pa.array(series.array).cast(pa.date32()).cast(pa.int32())
        values = days.fill_null(0).to_numpy(zero_copy_only=False)
        vector = _float_vector(values, _mask(days))
        return _with_class(vector, ("Date",))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        tz = getattr(dtype, "tz", None)
        micros = series.astype(f"datetime64[us, {tz}]" if tz else "datetime64[us]")
        missing = _missing(micros)
        values = micros.array.asi8 / 1_000_000 if len(series) else np.zeros(0)
        vector = _float_vector(values, missing)
        return _with_class(
            vector, ("POSIXct", "POSIXt"), tzone=ri.StrSexpVector([_tz_name(tz) if tz else "UTC"])
        )
    if pd.api.types.is_bool_dtype(dtype):
        missing = _missing(series)
        values = np.asarray(series.fillna(False), dtype=np.int32)
        return _int_vector(values, missing, ri.BoolSexpVector)
    if pd.api.types.is_integer_dtype(dtype):
        missing = _missing(series)
        filled = series.fillna(0) if missing.any() else series
        values = np.asarray(filled, dtype=np.int64)
        if dtype.itemsize <= 4 and not str(dtype).startswith(("uint32", "UInt32")):
            return _int_vector(values, missing)
        return _float_vector(values.astype(np.float64), missing)
    if pd.api.types.is_float_dtype(dtype):
        if isinstance(series.array, pd.arrays.FloatingArray):
            # Masked: the mask is NA, a NaN in the values stays NaN.
            values = series.array.to_numpy(dtype=np.float64, na_value=0.0)
            return _float_vector(values, _missing(series))
        return _float_vector(np.asarray(series, dtype=np.float64), None)
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        return _strings(series.to_numpy(dtype=object))
    return None


def _tz_name(tz: Any) -> str:
    name = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
    return "UTC" if name in ("UTC", "Etc/UTC", "utc") else name


def pandas_to_r(frame: pd.DataFrame, rules: Any = None) -> Any:
    """An R data.frame for a pandas DataFrame, through `converter()` (or `rules` made by it)."""
    from rpy2.robjects import conversion

    with conversion.localconverter(rules or converter()):
        return conversion.get_conversion().py2rpy(frame)


def _frame_to_r(frame: pd.DataFrame) -> Any:
    from rpy2.robjects import pandas2ri

    ri = _r()
    columns = []
    for index in range(frame.shape[1]):
        series = frame.iloc[:, index]
        vector = series_to_r(series)
        if vector is None:  # a dtype Spark never produces: rpy2's pandas rules decide
            vector = pandas2ri.py2rpy_pandasseries(series)
        columns.append(vector)
    result = ri.ListSexpVector(columns)
    result.do_slot_assign("names", ri.StrSexpVector([str(c) for c in frame.columns]))
    result.do_slot_assign("row.names", ri.IntSexpVector([NA_INTEGER, -len(frame)]))
    result.rclass = ri.StrSexpVector(["data.frame"])
    return result


def converter() -> Any:
    """rpy2's default and pandas conversions, with the rules above in front for data frames."""
    from rpy2.robjects import conversion, default_converter, pandas2ri

    fast = conversion.Converter("lakehouse: Spark results to R")
    fast.py2rpy.register(pd.DataFrame, _frame_to_r)
    return default_converter + pandas2ri.converter + fast


# -- R to pandas ----------------------------------------------------------------------------


class UnsupportedColumn(ValueError):
    pass


def _classes(vector: Any) -> tuple[str, ...]:
    try:
        return tuple(vector.rclass)
    except Exception:
        return ()


def _attr(vector: Any, name: str) -> Any:
    try:
        value = vector.do_slot(name)
    except LookupError:
        return None
    return value


def _real_values(vector: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, NA mask, NaN mask) of an R double vector."""
    values = np.array(vector.memoryview(), dtype=np.float64)
    nan = np.isnan(values)
    bits = values.view(np.int64)
    na = nan & ((bits & _LOW_WORD) == 1954)
    return values, na, nan & ~na


def r_column_to_pandas(vector: Any, name: str) -> tuple[pd.Series, str, str]:
    """One column of an R data.frame as (pandas column, R type name, Spark type)."""
    ri = _r()
    rtype = vector.typeof
    classes = _classes(vector)
    if rtype == ri.RTYPES.INTSXP and "factor" in classes:
        codes = np.array(vector.memoryview(), dtype=np.int32)
        levels = [str(v) for v in _attr(vector, "levels") or []]
        codes = np.where(codes == NA_INTEGER, -1, codes - 1)
        ordered = "ordered" in classes
        categorical = pd.Categorical.from_codes(codes, categories=levels, ordered=ordered)
        return pd.Series(categorical), ("ordered" if ordered else "factor"), "string"
    if rtype == ri.RTYPES.INTSXP:
        values = np.array(vector.memoryview(), dtype=np.int32)
        missing = values == NA_INTEGER
        array = pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int32), missing)
        return pd.Series(array), "integer", "int"
    if rtype == ri.RTYPES.LGLSXP:
        values = np.array(vector.memoryview(), dtype=np.int32)
        missing = values == NA_INTEGER
        return pd.Series(pd.arrays.BooleanArray(values == 1, missing)), "logical", "boolean"
    if rtype == ri.RTYPES.REALSXP:
        values, na, nan = _real_values(vector)
        if "Date" in classes:
            missing = na | nan
            days = np.floor(np.where(missing, 0, values)).astype(np.int32)
            array = pa.array(days, type=pa.int32(), mask=missing).cast(pa.date32())
            return pd.Series(pd.arrays.ArrowExtensionArray(array)), "Date", "date"
        if "POSIXct" in classes:
            missing = na | nan
            micros = np.round(np.where(missing, 0, values) * 1_000_000).astype(np.int64)
            micros[missing] = np.iinfo(np.int64).min  # NaT
            stamps = pd.Series(micros.astype("datetime64[us]")).dt.tz_localize("UTC")
            tzone = _attr(vector, "tzone")
            tz = str(tzone[0]) if tzone is not None and len(tzone) and tzone[0] else ""
            if tz and tz != "UTC":
                # A zone pandas does not know keeps UTC: the instant is right either way.
                with contextlib.suppress(Exception):
                    stamps = stamps.dt.tz_convert(tz)
            return stamps, "POSIXct", "timestamp"
        array = pd.arrays.FloatingArray(np.where(na, 0.0, values), na)
        return pd.Series(array), "numeric", "double"
    if rtype == ri.RTYPES.STRSXP:
        na = ri.NA_Character
        values = np.array([None if v is na else v for v in vector], dtype=object)
        return pd.Series(values, dtype=object), "character", "string"
    kind = {ri.RTYPES.VECSXP: "a list", ri.RTYPES.CPLXSXP: "complex", ri.RTYPES.RAWSXP: "raw"}
    raise UnsupportedColumn(
        f"column '{name}' is {kind.get(rtype, str(rtype))}: only logical, integer, numeric, "
        "character, factor, Date and POSIXct columns can be converted"
    )


def r_to_pandas(frame: Any) -> tuple[pd.DataFrame, list[str], list[str]]:
    """An R data.frame as (pandas DataFrame, R type names, Spark types). Row names are dropped."""
    names_attr = _attr(frame, "names")
    names = [str(n) for n in names_attr] if names_attr is not None else []
    columns, rtypes, spark_types = {}, [], []
    for index, name in enumerate(names):
        series, rtype, spark_type = r_column_to_pandas(frame[index], name)
        columns[index] = series
        rtypes.append(rtype)
        spark_types.append(spark_type)
    rows = int(_r().baseenv["nrow"](frame)[0])
    result = (
        pd.DataFrame(columns, index=range(rows)) if columns else pd.DataFrame(index=range(rows))
    )
    result.columns = names
    return result, rtypes, spark_types


def spark_schema(names: list[str], spark_types: list[str]) -> Any:
    from pyspark.sql import types as T

    by_name = {
        "int": T.IntegerType(),
        "double": T.DoubleType(),
        "boolean": T.BooleanType(),
        "string": T.StringType(),
        "date": T.DateType(),
        "timestamp": T.TimestampType(),
    }
    return T.StructType(
        [
            T.StructField(n, by_name[t], nullable=True)
            for n, t in zip(names, spark_types, strict=True)
        ]
    )
