"""Eddy's PySpark: the subset of PySpark 2.4's API that Eddy's `pyspark` sessions run, in pure
Python (no JVM). RDDs run their partitions in processes forked from the interpreter
(docs/pyspark.md); DataFrames and SQL are in pyspark.sql (docs/pyspark-sql.md).

A name of PySpark's outside this subset raises an error that names it and says so.
"""
import dis as _dis
import importlib as _importlib
import sys as _sys

from .accumulators import Accumulator, AccumulatorParam
from .broadcast import Broadcast
from .conf import SparkConf
from .context import SparkContext
from .rdd import RDD
from .storagelevel import StorageLevel
from .statcounter import StatCounter

__version__ = "2.4.4-eddy"

__all__ = ["SparkConf", "SparkContext", "RDD", "Broadcast", "Accumulator", "AccumulatorParam",
           "StorageLevel", "StatCounter"]

_SUBMODULES = ("sql", "context", "rdd", "conf", "storagelevel", "accumulators", "broadcast",
               "resultiterable", "statcounter")
_IMPORT_FROM = _dis.opmap.get("IMPORT_FROM")


def __getattr__(name):
    if name in _SUBMODULES:
        return _importlib.import_module("." + name, __name__)
    if name.startswith("__"):
        raise AttributeError("module 'pyspark' has no attribute '%s'" % name)
    msg = ("pyspark.%s is not in Eddy's PySpark subset (supported: %s, and pyspark.sql; "
           "see docs/pyspark.md)" % (name, ", ".join(__all__)))
    try:
        f = _sys._getframe(1)
        if _IMPORT_FROM is not None and f.f_code.co_code[f.f_lasti] == _IMPORT_FROM:
            raise ImportError(msg, name="pyspark")
    except (ValueError, IndexError, AttributeError):
        pass
    raise AttributeError(msg)
