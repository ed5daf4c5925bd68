"""Frames as Parquet bytes, the same rows always giving the same bytes (the store and its cache)."""
from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

# Nullable pandas types, so that a frame read back equals the frame written.
PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype(),
                pa.float64(): pd.Float64Dtype(), pa.int64(): pd.Int64Dtype()}


def to_bytes(frame: pd.DataFrame, schema: pa.Schema | None = None) -> bytes:
    """zstd, one row group, no statistics and no pandas metadata: nothing that varies between runs."""
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False).replace_schema_metadata(None)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", write_statistics=False)
    return buffer.getvalue()


def to_frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=PANDAS_TYPES.get)


def from_bytes(content: bytes) -> pd.DataFrame:
    return to_frame(pq.read_table(io.BytesIO(content)))
