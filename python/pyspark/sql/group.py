"""GroupedData: df.groupBy(...).agg(...) / count() / sum() / avg() / min() / max()."""

from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.column import Column
from pyspark.sql.utils import AnalysisException, UnsupportedOperationException

__all__ = ["GroupedData"]

_NUMERIC = (T.LongType, T.IntegerType, T.ShortType, T.ByteType, T.DoubleType, T.FloatType,
            T.DecimalType)

_DICT_FUNCS = {"count": F.count, "sum": F.sum, "avg": F.avg, "mean": F.mean, "min": F.min,
               "max": F.max, "collect_list": F.collect_list, "collect_set": F.collect_set}


class GroupedData(object):
    def __init__(self, df, keys):
        self._df = df
        self._keys = keys

    def agg(self, *exprs):
        if not exprs:
            raise ValueError("exprs should not be empty")
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            aggs = []
            for c, f in exprs[0].items():
                fn = _DICT_FUNCS.get(str(f).lower())
                if fn is None:
                    raise UnsupportedOperationException(
                        "aggregate function %s is outside Eddy's PySpark subset (known: %s)"
                        % (f, ", ".join(sorted(_DICT_FUNCS))))
                aggs.append(fn(c))
        else:
            aggs = list(exprs)
            for a in aggs:
                if not isinstance(a, Column):
                    raise TypeError("all exprs should be Column")
        return self._df._aggregate(self._keys, aggs)

    def count(self):
        return self._df._aggregate(self._keys, [F.count("*").alias("count")])

    def _numeric(self, fn, cols):
        types = self._df._col_types()
        if not cols:
            keys = set((k._ref or "").lower() for k in self._keys)
            cols = [n for n, t in types.items() if isinstance(t, _NUMERIC) and
                    n.lower() not in keys]
        for c in cols:
            t = types.get(c)
            if t is not None and not isinstance(t, _NUMERIC):
                raise AnalysisException('"%s" is not a numeric column. Aggregation function '
                                        'can only be applied on a numeric column.;' % c)
        return self._df._aggregate(self._keys, [fn(c) for c in cols])

    def sum(self, *cols):
        return self._numeric(F.sum, cols)

    def avg(self, *cols):
        return self._numeric(F.avg, cols)

    mean = avg

    def min(self, *cols):
        return self._numeric(F.min, cols)

    def max(self, *cols):
        return self._numeric(F.max, cols)

    def pivot(self, pivot_col, values=None):
        raise UnsupportedOperationException("GroupedData.pivot is outside Eddy's PySpark "
                                            "subset: use agg(sum(when(...)))")

    def apply(self, udf):
        raise UnsupportedOperationException("GroupedData.apply (pandas UDFs) is outside "
                                            "Eddy's PySpark subset")
