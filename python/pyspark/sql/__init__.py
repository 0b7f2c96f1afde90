"""pyspark.sql for Eddy: Spark SQL's Python API over Eddy's SQL engine (`eddy sql`).

Supported subset and differences from Spark: docs/pyspark-sql.md.
"""

from pyspark.sql import functions, types
from pyspark.sql.column import Column
from pyspark.sql.context import HiveContext, SQLContext
from pyspark.sql.dataframe import DataFrame
from pyspark.sql.group import GroupedData
from pyspark.sql.readwriter import DataFrameReader, DataFrameWriter
from pyspark.sql.session import SparkSession, _patch_rdd
from pyspark.sql.types import Row
from pyspark.sql.utils import _unsupported_name

_patch_rdd()

__all__ = [
    "SparkSession", "SQLContext", "HiveContext", "DataFrame", "GroupedData", "Column",
    "Row", "DataFrameReader", "DataFrameWriter", "functions", "types",
]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise _unsupported_name(
        "pyspark.sql.%s is outside Eddy's PySpark subset (supported: %s; see "
        "docs/pyspark-sql.md)" % (name, ", ".join(__all__)), name)
