"""SparkSession for Eddy's pyspark.sql: SQL runs in Eddy's engine (`eddy sql`).

One registry of temp views per process (Spark keeps one per session; a Livy session's
statements all share one session, so the difference does not show there).
"""

import math
import re
import threading
from collections import namedtuple

from pyspark.sql import _engine
from pyspark.sql import types as T
from pyspark.sql._engine import quote_ident
from pyspark.sql._format import json_line
from pyspark.sql.types import Row, StructField, StructType
from pyspark.sql.utils import AnalysisException, ParseException, UnsupportedOperationException

__all__ = ["SparkSession"]

_views = {}            # lower-case name -> (name, DataFrame)
_views_lock = threading.RLock()

Table = namedtuple("Table", "name database description tableType isTemporary")
Database = namedtuple("Database", "name description locationUri")
CatalogColumn = namedtuple("Column", "name description dataType nullable isPartition isBucket")


class _Conf(object):
    def __init__(self, values):
        self._values = values

    def set(self, key, value):
        value = str(value) if not isinstance(value, str) else value
        self._values[str(key)] = value
        if key == "spark.eddy.sql.timeLimit":
            _engine.limits["time"] = value
        elif key == "spark.eddy.sql.memoryLimit":
            _engine.limits["memory"] = value

    def get(self, key, default=None):
        return self._values.get(key, default)

    def unset(self, key):
        self._values.pop(key, None)

    def isModifiable(self, key):
        return True


class Catalog(object):
    def __init__(self, session):
        self._session = session

    def currentDatabase(self):
        return "default"

    def setCurrentDatabase(self, dbName):
        if dbName != "default":
            raise AnalysisException("Database '%s' not found;" % dbName)

    def listDatabases(self):
        return [Database("default", "default database", "")]

    def listTables(self, dbName=None):
        with _views_lock:
            names = sorted(n for n, _ in _views.values())
        return [Table(n, None, None, "TEMPORARY", True) for n in names]

    def listColumns(self, tableName, dbName=None):
        df = self._session.table(tableName)
        return [CatalogColumn(f.name, None, f.dataType.simpleString(), True, False, False)
                for f in df.schema.fields]

    def dropTempView(self, viewName):
        with _views_lock:
            return _views.pop(viewName.lower(), None) is not None

    dropGlobalTempView = dropTempView

    def tableExists(self, tableName, dbName=None):
        with _views_lock:
            return tableName.lower() in _views

    def isCached(self, tableName):
        return False

    def cacheTable(self, tableName):
        pass

    def uncacheTable(self, tableName):
        pass

    def clearCache(self):
        pass

    def refreshTable(self, tableName):
        pass

    def registerFunction(self, name, f, returnType=None):
        raise UnsupportedOperationException("Python UDFs are outside Eddy's PySpark subset")


class _UDFRegistration(object):
    def register(self, name, f, returnType=None):
        raise UnsupportedOperationException(
            "Python UDFs (spark.udf.register) are outside Eddy's PySpark subset: SQL runs in "
            "Eddy's engine, not in Python")

    registerJavaFunction = register


class _Builder(object):
    def __init__(self):
        self._options = {}
        self._lock = threading.RLock()

    def config(self, key=None, value=None, conf=None):
        if conf is not None and hasattr(conf, "getAll"):
            for k, v in conf.getAll():
                self._options[k] = v
        if key is not None:
            self._options[key] = value
        return self

    def master(self, master):
        return self.config("spark.master", master)

    def appName(self, name):
        return self.config("spark.app.name", name)

    def enableHiveSupport(self):
        return self.config("spark.sql.catalogImplementation", "hive")

    def getOrCreate(self):
        with self._lock:
            s = SparkSession._instantiatedSession
            if s is None or getattr(s._sc, "_stopped", False):
                from pyspark import SparkContext
                sc = SparkContext.getOrCreate()
                SparkSession._instantiatedSession = None
                s = SparkSession(sc)
            for k, v in self._options.items():
                s.conf.set(k, v)
            return s


class _classproperty(object):
    def __init__(self, f):
        self.f = f

    def __get__(self, obj, owner):
        return self.f(owner)


class SparkSession(object):
    """The entry point: spark.read, spark.sql, spark.createDataFrame, spark.table, ..."""

    _instantiatedSession = None

    @_classproperty
    def builder(cls):
        return _Builder()

    def __init__(self, sparkContext, jsparkSession=None):
        self._sc = sparkContext
        self._conf = _Conf({"spark.sql.catalogImplementation": "in-memory"})
        if SparkSession._instantiatedSession is None:
            SparkSession._instantiatedSession = self
        _patch_rdd(self)

    @classmethod
    def _for_context(cls, sc):
        """The process's session, or a new one if it has none or runs on another (e.g. a
        stopped) SparkContext."""
        s = cls._instantiatedSession
        if s is None or s._sc is not sc:
            cls._instantiatedSession = None
            s = cls(sc)
        return s

    # --- plumbing ---------------------------------------------------------------------
    @property
    def sparkContext(self):
        return self._sc

    @property
    def version(self):
        try:
            import pyspark
            return getattr(pyspark, "__version__", "2.4.4")
        except ImportError:
            return "2.4.4"

    @property
    def conf(self):
        return self._conf

    @property
    def catalog(self):
        return Catalog(self)

    @property
    def udf(self):
        return _UDFRegistration()

    @property
    def read(self):
        from pyspark.sql.readwriter import DataFrameReader
        return DataFrameReader(self)

    @property
    def readStream(self):
        raise UnsupportedOperationException("streaming is outside Eddy's PySpark subset")

    def newSession(self):
        return self

    def stop(self):
        if SparkSession._instantiatedSession is self:
            SparkSession._instantiatedSession = None
        if self._sc is not None and hasattr(self._sc, "stop"):
            self._sc.stop()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()

    # --- temp views -------------------------------------------------------------------
    def _register_view(self, name, df, replace=True):
        if not re.match(r"^[A-Za-z0-9_]+$", name):
            raise ParseException("Eddy's temp view names are letters, digits and _: %r" % name)
        with _views_lock:
            if not replace and name.lower() in _views:
                raise AnalysisException("Temporary view '%s' already exists;" % name)
            _views[name.lower()] = (name, df)

    def table(self, tableName):
        with _views_lock:
            got = _views.get(str(tableName).lower())
        if got is None:
            raise AnalysisException("Table or view not found: %s;" % tableName)
        return got[1]

    # --- DataFrames -------------------------------------------------------------------
    def sql(self, sqlQuery):
        from pyspark.sql.dataframe import DataFrame, _Plan
        q = sqlQuery.strip()
        while q.endswith(";"):
            q = q[:-1].rstrip()
        # leading comments do not hide a CREATE VIEW / DROP VIEW / SHOW TABLES
        q = re.sub(r"^(\s*(--[^\n]*(\n|$)|/\*.*?\*/))+\s*", "", q, flags=re.S)
        m = re.match(r"^CREATE\s+(OR\s+REPLACE\s+)?(GLOBAL\s+)?TEMP(ORARY)?\s+VIEW\s+"
                     r"(IF\s+NOT\s+EXISTS\s+)?`?([A-Za-z0-9_]+)`?\s+AS\s+(.*)$", q, re.I | re.S)
        if m:
            name = m.group(5)
            exists = self.catalog.tableExists(name)
            if exists and m.group(4):
                return self._empty()
            self._register_view(name, self.sql(m.group(6)), replace=bool(m.group(1)))
            return self._empty()
        m = re.match(r"^DROP\s+(VIEW|TABLE)\s+(IF\s+EXISTS\s+)?`?([A-Za-z0-9_]+)`?$", q, re.I)
        if m:
            if not self.catalog.dropTempView(m.group(3)) and not m.group(2):
                raise AnalysisException("Table or view not found: %s;" % m.group(3))
            return self._empty()
        if re.match(r"^SHOW\s+TABLES\b", q, re.I):
            rows = [(None, t.name, True) for t in self.catalog.listTables()]
            schema = StructType([StructField("database", T.StringType()),
                                 StructField("tableName", T.StringType()),
                                 StructField("isTemporary", T.BooleanType())])
            return self._from_python_rows([list(r) for r in rows], schema)
        if re.match(r"^(UN)?CACHE\s+(LAZY\s+)?TABLE\b", q, re.I) or \
                re.match(r"^(CLEAR\s+CACHE|REFRESH\s+TABLE)\b", q, re.I):
            return self._empty()
        if re.match(r"^(USE|SET)\b", q, re.I):
            return self._empty()
        tables, views, hints = self._resolve_views(q)
        df = DataFrame(self, _Plan(None, raw=q), tables, views, None)
        df._hints = hints
        return df

    def _resolve_views(self, q):
        """The temp views a query names: plain file tables are registered under the view's
        name, other views become CREATE TEMP VIEW statements sent ahead of the query."""
        idents = set()
        for m in re.finditer(r"'(?:[^']|'')*'|`((?:[^`]|``)+)`|\"((?:[^\"]|\"\")+)\"|"
                             r"([A-Za-z_][A-Za-z0-9_]*)", q):
            for g in (m.group(1), m.group(2), m.group(3)):
                if g:
                    idents.add(g.lower())
        tables = {}
        views = {}
        hints = {}
        with _views_lock:
            found = [(n, df) for low, (n, df) in _views.items() if low in idents]
        for name, df in found:
            if df._cols_memo or df._cheap:
                for n, t in df._static_cols() or []:
                    if t is not None:
                        hints.setdefault(n.lower(), t)
            if df._is_plain_source():
                tables[name] = (df._source[1], df._source[2])
            else:
                tables.update(df._tables)
                for k, v in df._views.items():
                    views[k] = v
                views[name] = df._plan.sql()
        return tables, views, hints

    def _empty(self):
        from pyspark.sql.dataframe import DataFrame, _Plan
        return DataFrame(self, _Plan("(SELECT 1 LIMIT 0) AS _e", select=[]), {}, {},
                         lambda: [])

    def range(self, start, end=None, step=1, numPartitions=None):
        from pyspark.sql.dataframe import DataFrame, _Plan
        if end is None:
            start, end = 0, start
        if step == 0:
            raise ValueError("step must not be 0")
        n = max(0, int(math.ceil((end - start) / float(step))))
        if n == 0:
            frm = "(SELECT 0 AS id LIMIT 0) AS _r"
        else:
            frm = ("(WITH RECURSIVE _r(id) AS (SELECT %d UNION ALL SELECT id + %d FROM _r "
                   "LIMIT %d) SELECT id FROM _r) AS _r" % (start, step, n))
        df = DataFrame(self, _Plan(frm), {}, {}, lambda: [("id", T.LongType())])
        df._partitions = numPartitions
        df._cheap = True
        return df

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        if hasattr(data, "iloc") and hasattr(data, "columns"):
            raise UnsupportedOperationException("createDataFrame from a pandas DataFrame is "
                                                "outside Eddy's PySpark subset")
        if not isinstance(data, (list, tuple)):
            if hasattr(data, "collect"):
                data = data.collect()
            else:
                data = list(data)
        data = list(data)
        if isinstance(schema, str):
            schema = T._parse_datatype(schema)
        if isinstance(schema, T.DataType) and not isinstance(schema, StructType):
            # an atomic type: one column named value
            st = StructType([StructField("value", schema, True)])
            rows = [[_coerce(r[0] if isinstance(r, (tuple, list)) else r, schema)]
                    for r in data]
            return self._from_python_rows(rows, st)
        names = None
        if isinstance(schema, (list, tuple)):
            names = [str(n) for n in schema]
            schema = None
        if schema is None:
            if not data:
                raise ValueError("can not infer schema from empty dataset")
            if names is None:
                names = _row_names(data[0])
            types = [None] * len(names)
            for r in data:
                vals = _row_values(r, names)
                if len(vals) != len(names):
                    raise ValueError("Length of object (%d) does not match with length of "
                                     "fields (%d)" % (len(vals), len(names)))
                for i, v in enumerate(vals):
                    types[i] = T._merge_type(types[i], T._infer_py_type(v))
            schema = StructType([StructField(n, T._null_to_string(t), True)
                                 for n, t in zip(names, types)])
        rows = []
        for r in data:
            vals = _row_values(r, schema.names)
            if len(vals) != len(schema.fields):
                raise ValueError("Length of object (%d) does not match with length of fields "
                                 "(%d)" % (len(vals), len(schema.fields)))
            rows.append([_coerce(v, f.dataType) for v, f in zip(vals, schema.fields)])
        return self._from_python_rows(rows, schema)

    def _from_python_rows(self, rows, schema):
        """A DataFrame over Python rows: a temp JSON-lines file registered as a table."""
        from pyspark.sql.dataframe import DataFrame, _Plan
        cols = [(f.name, f.dataType) for f in schema.fields]
        if not rows or not schema.fields:
            sel = ", ".join("NULL AS %s" % quote_ident(n) for n, _ in cols) or "1 AS _x"
            df = DataFrame(self, _Plan("(SELECT %s LIMIT 0) AS _e" % sel), {}, {},
                           lambda: cols)
            df._cheap = True
            return df
        path = _engine.write_temp_json_lines(
            json_line(T._create_row(schema.names, r), schema, keep_nulls=True) for r in rows)
        name = _engine.fresh("__eddy_t")
        df = DataFrame(self, _Plan(quote_ident(name)), {name: ("json", path)}, {},
                       lambda: cols, source=(name, "json", path))
        df._cheap = True
        return df


def _row_names(r):
    if isinstance(r, Row) and hasattr(r, "__fields__"):
        return list(r.__fields__)
    if isinstance(r, dict):
        return sorted(r.keys())
    if hasattr(r, "_fields"):  # namedtuple
        return list(r._fields)
    if isinstance(r, (tuple, list)):
        return ["_%d" % (i + 1) for i in range(len(r))]
    if hasattr(r, "__dict__"):
        return sorted(k for k in vars(r) if not k.startswith("_"))
    raise TypeError("Can not infer schema for type: %s" % type(r))


def _row_values(r, names):
    if isinstance(r, Row) and hasattr(r, "__fields__"):
        if all(n in r.__fields__ for n in names):
            return [r[n] for n in names]
        return list(r)
    if isinstance(r, dict):
        return [r.get(n) for n in names]
    if isinstance(r, (tuple, list)):
        return list(r)
    if hasattr(r, "__dict__"):
        return [getattr(r, n, None) for n in names]
    return [r]


def _coerce(v, dt):
    """A Python value as a column of type dt holds it (ints in double columns become
    floats, dicts in struct columns become Rows)."""
    if v is None:
        return None
    if isinstance(dt, (T.DoubleType, T.FloatType)) and isinstance(v, int) and \
            not isinstance(v, bool):
        return float(v)
    if isinstance(dt, T.StructType):
        if isinstance(v, dict):
            return T._create_row(dt.names, [_coerce(v.get(f.name), f.dataType)
                                            for f in dt.fields])
        if isinstance(v, (tuple, list)):
            vals = _row_values(v, dt.names) if isinstance(v, Row) else list(v)
            return T._create_row(dt.names, [_coerce(x, f.dataType)
                                            for x, f in zip(vals, dt.fields)])
    if isinstance(dt, T.ArrayType) and isinstance(v, (list, tuple)):
        return [_coerce(x, dt.elementType) for x in v]
    if isinstance(dt, T.MapType) and isinstance(v, dict):
        return dict((k, _coerce(x, dt.valueType)) for k, x in v.items())
    return v


def _rdd_to_df(self, schema=None, sampleRatio=None):
    """rdd.toDF(schema=None): a DataFrame of the RDD's rows, in the process's session (one
    is started on the RDD's SparkContext if there is none yet, where PySpark would need one
    started first)."""
    session = SparkSession._for_context(self.context)
    return session.createDataFrame(self, schema, sampleRatio)


def _patch_rdd(session=None):
    """Adds RDD.toDF, as PySpark does when a session starts (here: when pyspark.sql is
    imported, which pyspark.rdd does on the first rdd.toDF)."""
    try:
        from pyspark.rdd import RDD
    except ImportError:
        return
    if getattr(RDD, "toDF", None) is not _rdd_to_df:
        RDD.toDF = _rdd_to_df
