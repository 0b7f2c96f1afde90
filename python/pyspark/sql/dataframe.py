"""DataFrame: a lazy SQL query for Eddy's engine plus the tables it reads.

A DataFrame is (plan, tables, views): the plan renders to one SELECT; tables are the
`--table NAME:FORMAT=PATH` registrations `eddy sql` needs; views are temp views the query
uses, sent ahead of it as `CREATE TEMP VIEW ...;` statements. Transformations build a new
plan (folding into the same SELECT where SQL allows it, else wrapping a subquery); actions run
`eddy sql --format json` once and turn its JSON lines into Rows of the DataFrame's schema.
"""

import itertools
import re

from pyspark.sql import _engine
from pyspark.sql import types as T
from pyspark.sql._engine import quote_ident
from pyspark.sql._format import convert, json_line, show_string
from pyspark.sql.column import Column, _col_ref, _lookup, _raw, _to_col_name
from pyspark.sql.types import StructField, StructType, _create_row
from pyspark.sql.utils import AnalysisException, UnsupportedOperationException

__all__ = ["DataFrame"]

_alias_seq = itertools.count(1)


class _Plan(object):
    """SELECT [DISTINCT] select FROM frm [WHERE ...] [GROUP BY ...] [ORDER BY ...] [LIMIT n]."""

    def __init__(self, frm, select=None, where=(), group=None, order=(), limit=None,
                 distinct=False, raw=None, star=None):
        self.frm = frm
        self.star = star          # explicit column list written for "*" (wide tables)
        self.select = select
        self.where = list(where)
        self.group = group
        self.order = list(order)
        self.limit = limit
        self.distinct = distinct
        self.raw = raw            # a whole SELECT written by the user (spark.sql)
        self.ctx = {}             # DataFrame id -> table alias visible in this SELECT (joins)

    def copy(self, **kw):
        p = _Plan(self.frm, self.select, self.where, self.group, self.order, self.limit,
                  self.distinct, self.raw, self.star)
        p.ctx = self.ctx
        for k, v in kw.items():
            setattr(p, k, v)
        return p

    def sql(self):
        if self.raw is not None:
            return self.raw
        s = "SELECT "
        if self.distinct:
            s += "DISTINCT "
        if self.select:
            s += ", ".join(self.select)
        else:
            s += ", ".join(self.star) if self.star else "*"
        s += " FROM " + self.frm
        if self.where:
            s += " WHERE " + " AND ".join(self.where)
        if self.group is not None and self.group:
            s += " GROUP BY " + ", ".join(self.group)
        if self.order:
            s += " ORDER BY " + ", ".join(self.order)
        if self.limit is not None:
            s += " LIMIT %d" % self.limit
        return s

    @property
    def bare(self):
        """Nothing but FROM (and maybe WHERE): a new SELECT/GROUP BY can fold into it."""
        return (self.raw is None and self.select is None and self.group is None and
                not self.distinct and self.limit is None)


def _wrap(sql):
    # the newline ends a trailing "-- comment" of user SQL before the closing parenthesis
    return "(%s\n) AS _q%d" % (sql, next(_alias_seq))


class DataFrame(object):
    """A distributed collection of rows under named columns (PySpark's DataFrame), run by
    Eddy's SQL engine."""

    def __init__(self, session, plan, tables=None, views=None, cols=None, source=None):
        self._session = session
        self._plan = plan
        self._tables = dict(tables or {})
        self._views = dict(views or {})   # view name -> SELECT (ordered, dependencies first)
        self._cols_fn = cols              # () -> [(name, DataType or None)] or None
        self._cols_memo = None
        self._source = source             # (table name, fmt, path) for a plain table scan
        self._result = None               # (StructType, [Row]) once run
        self._partitions = None
        self._cheap = False               # _cols_fn reads no file
        self._hints = {}                  # spark.sql: lower name -> type of a view's column

    @property
    def sparkSession(self):
        return self._session

    @property
    def sql_ctx(self):
        from pyspark.sql.context import SQLContext
        return SQLContext(self._session.sparkContext, self._session)

    # --- building blocks --------------------------------------------------------------
    def _new(self, plan, cols=None, tables=None, views=None):
        df = DataFrame(self._session, plan, tables if tables is not None else self._tables,
                       views if views is not None else self._views, cols)
        df._partitions = self._partitions
        df._cheap = self._cheap
        return df

    def _static_cols(self):
        """[(name, DataType or None)] known without running the query, or None."""
        if self._cols_memo is None:
            self._cols_memo = (self._cols_fn() if self._cols_fn is not None else None) or False
        return self._cols_memo or None

    def _cheap_types(self):
        """{name: type} of the columns when known without reading a file (a JSON file's
        schema is inferred only when asked for: types of expressions over it then come from
        the result's values)."""
        if self._cheap or self._cols_memo:
            pc = self._static_cols()
            if pc is not None:
                return dict(pc)
        return {}

    def _col_types(self):
        cols = self._static_cols()
        if cols is None or any(t is None for _, t in cols):
            return dict((f.name, f.dataType) for f in self.schema.fields)
        return dict(cols)

    def _from(self):
        if self._is_plain_source():
            return quote_ident(self._source[0])
        return _wrap(self._full_sql_no_views())

    def _is_plain_source(self):
        """A whole file table, nothing applied: its table name can stand for it."""
        return (self._source is not None and self._plan.bare and not self._plan.where and
                not self._plan.order)

    def _wrapped(self, **kw):
        """A new plan reading this one as a subquery. Its "*" is written as the column list
        when the names are known and distinct: Eddy's engine refuses a literal * over a table
        with more than 2000 keys, even through a subquery."""
        star = None
        cols = self._static_cols()
        if cols is not None and cols:
            low = [n.lower() for n, _ in cols]
            if len(set(low)) == len(low):
                star = [quote_ident(n) for n, _ in cols]
        return _Plan(self._from(), star=star, **kw)

    def _full_sql_no_views(self):
        return self._plan.sql()

    def _query_text(self, sql=None):
        pre = "".join("CREATE TEMP VIEW %s AS %s\n; " % (quote_ident(n), q)
                      for n, q in self._views.items())
        return pre + (sql if sql is not None else self._plan.sql())

    def _names(self):
        cols = self._static_cols()
        if cols is not None:
            return [n for n, _ in cols]
        if self._result is None:
            # names only: the query's zero-row version is enough
            try:
                return _engine.query_columns(
                    self._query_text("SELECT * FROM %s LIMIT 0" % _wrap(self._plan.sql())),
                    self._tables)
            except AnalysisException as e:
                if "instead of *" not in str(e):
                    raise
        return [f.name for f in self.schema.fields]

    # --- running ----------------------------------------------------------------------
    def _python_scan_ok(self):
        return (self._source is not None and self._source[1] == "json" and
                self._plan.raw is None and self._plan.select is None and
                not self._plan.where and self._plan.group is None and not self._plan.order and
                not self._plan.distinct)

    def _run(self, limit=None):
        """(StructType, [Row]) of this DataFrame (limit: at most that many rows)."""
        if self._result is not None and limit is None:
            return self._result
        if self._python_scan_ok():
            res = self._scan_json(limit)
        else:
            plan = self._plan
            sql = plan.sql()
            if limit is not None:
                if plan.raw is None:
                    sql = plan.copy(limit=limit if plan.limit is None else
                                    min(limit, plan.limit)).sql()
                else:
                    sql = "SELECT * FROM %s LIMIT %d" % (_wrap(sql), limit)
            try:
                rows = _engine.query_rows(self._query_text(sql), self._tables)
            except AnalysisException as e:
                # the engine refuses "SELECT * FROM (user query)" over a table with more than
                # 2000 keys: run the user's query itself and keep the first rows
                if plan.raw is None or limit is None or "instead of *" not in str(e):
                    raise
                rows = _engine.query_rows(self._query_text(plan.sql()), self._tables)[:limit]
            res = self._rows_to_result(rows)
        if limit is None:
            self._result = res
        return res

    def _scan_json(self, limit):
        schema = self.schema
        out = []
        n = 0
        if limit is None:
            limit = self._plan.limit
        elif self._plan.limit is not None:
            limit = min(limit, self._plan.limit)
        if limit == 0:
            return schema, out
        for _, _, obj in _engine.iter_json_records(self._source[2]):
            out.append(_create_row(schema.names, [convert(obj.get(f.name), f.dataType)
                                                  for f in schema.fields]))
            n += 1
            if limit is not None and n >= limit:
                break
        return schema, out

    def _rows_to_result(self, rows):
        static = self._static_cols()
        if rows:
            names = [k for k, _ in rows[0]]
        elif static is not None:
            names = [n for n, _ in static]
        else:
            names = _engine.query_columns(
                self._query_text("SELECT * FROM %s LIMIT 0" % _wrap(self._plan.sql())),
                self._tables)
        # the engine lists a JSON table's keys in first-seen order; a star query follows the
        # DataFrame's (sorted) column order
        positional = [[v for _, v in r] for r in rows]
        if static is not None and len(static) == len(names) and names and \
                [n for n, _ in static] != names:
            want = [n for n, _ in static]
            if len(set(names)) == len(names) and set(want) == set(names):
                idx = [names.index(n) for n in want]
                positional = [[r[i] for i in idx] for r in positional]
                names = want
        types = []
        for i, n in enumerate(names):
            t = None
            if static is not None and i < len(static) and static[i][0] == n:
                t = static[i][1]
            if t is None:
                for r in positional:
                    t = T._merge_type(t, T._infer_type(r[i]))
                t = _hinted(self._hints.get(n.lower()), t)
                if isinstance(t, T.LongType) and _INT_RESULT.match(n):
                    t = T.IntegerType()  # Spark's size(), length(), ... are int
                t = T._null_to_string(t)
            types.append(t)
        schema = StructType([StructField(n, t, True) for n, t in zip(names, types)])
        out = [_create_row(names, [convert(v, t) for v, t in zip(r, types)])
               for r in positional]
        return schema, out

    # --- schema -----------------------------------------------------------------------
    @property
    def schema(self):
        cols = self._static_cols()
        if cols is not None and all(t is not None for _, t in cols):
            return StructType([StructField(n, t, True) for n, t in cols])
        if self._result is not None:
            return self._result[0]
        return self._run()[0]

    def printSchema(self):
        print(self.schema.treeString())

    @property
    def columns(self):
        return self._names()

    @property
    def dtypes(self):
        return [(f.name, f.dataType.simpleString()) for f in self.schema.fields]

    def explain(self, extended=False):
        print("== Eddy SQL ==\n%s" % self._query_text())

    @property
    def isStreaming(self):
        return False

    # --- actions ----------------------------------------------------------------------
    def collect(self):
        return list(self._run()[1])

    def toLocalIterator(self):
        return iter(self.collect())

    def count(self):
        if self._python_scan_ok() and self._plan.limit is None:
            sql = "SELECT count(*) FROM %s" % quote_ident(self._source[0])
        elif self._plan.bare and self._plan.raw is None:
            sql = self._plan.copy(select=["count(*)"], order=[]).sql()
        else:
            sql = "SELECT count(*) FROM %s" % _wrap(self._plan.sql())
        rows = _engine.query_rows(self._query_text(sql), self._tables)
        return int(rows[0][0][1])

    def take(self, num):
        return list(self._run(limit=int(num))[1])

    def head(self, n=None):
        if n is None:
            rs = self.take(1)
            return rs[0] if rs else None
        return self.take(n)

    def first(self):
        return self.head()

    def show(self, n=20, truncate=True, vertical=False):
        if vertical:
            raise UnsupportedOperationException("show(vertical=True) is outside Eddy's subset")
        schema, rows = self._run(limit=n + 1)
        print(show_string(schema.names, rows[:n], n, truncate, has_more=len(rows) > n))

    def _show_string(self, n=20, truncate=True):
        schema, rows = self._run(limit=n + 1)
        return show_string(schema.names, rows[:n], n, truncate, has_more=len(rows) > n)

    def __repr__(self):
        try:
            return "DataFrame[%s]" % ", ".join("%s: %s" % (n, t) for n, t in self.dtypes)
        except Exception:
            return "DataFrame[...]"

    def toJSON(self, use_unicode=True):
        schema, rows = self._run()
        lines = [json_line(r, schema) for r in rows]
        return self._session.sparkContext.parallelize(lines, self._num_slices(len(lines)))

    def _num_slices(self, n):
        return max(1, self._partitions or 1)

    @property
    def rdd(self):
        rows = self.collect()
        return self._session.sparkContext.parallelize(rows, self._num_slices(len(rows)))

    def foreach(self, f):
        for r in self.collect():
            f(r)

    def foreachPartition(self, f):
        f(iter(self.collect()))

    def toPandas(self):
        raise UnsupportedOperationException(
            "DataFrame.toPandas is outside Eddy's PySpark subset: pandas is not part of "
            "Eddy's Python runtime; use collect() (a list of Row) or row.asDict()")

    @property
    def write(self):
        from pyspark.sql.readwriter import DataFrameWriter
        return DataFrameWriter(self)

    @property
    def na(self):
        return DataFrameNaFunctions(self)

    def dropna(self, how="any", thresh=None, subset=None):
        """Rows with nulls dropped: how='any' (a null in any of subset), 'all', or thresh =
        the least number of non-null values a row keeps."""
        if how not in ("any", "all"):
            raise ValueError("how ('%s') should be 'any' or 'all'" % how)
        if isinstance(subset, str):
            subset = [subset]
        cols = list(subset) if subset else self.columns
        if thresh is None:
            thresh = len(cols) if how == "any" else 1
        nn = " + ".join("(%s IS NOT NULL)" % quote_ident(c) for c in cols) or "0"
        return self.filter("%s >= %d" % (nn, int(thresh)))

    def fillna(self, value, subset=None):
        """Nulls replaced: value a number (numeric columns), a string (string columns), a
        bool (boolean columns), or a dict column -> value."""
        if not isinstance(value, (float, int, str, bool, dict)):
            raise ValueError("value should be a float, int, long, string, bool or dict")
        if isinstance(subset, str):
            subset = [subset]
        types = self._col_types()
        if isinstance(value, dict):
            fills = dict((k.lower(), v) for k, v in value.items())
        else:
            wanted = set(c.lower() for c in subset) if subset else None
            fills = {}
            for n, t in types.items():
                if wanted is not None and n.lower() not in wanted:
                    continue
                if isinstance(value, bool):
                    ok = isinstance(t, T.BooleanType)
                elif isinstance(value, (int, float)):
                    ok = isinstance(t, (T.LongType, T.IntegerType, T.ShortType, T.ByteType,
                                        T.DoubleType, T.FloatType, T.DecimalType))
                else:
                    ok = isinstance(t, T.StringType)
                if ok:
                    fills[n.lower()] = value
        items = []
        for n in self.columns:
            c = _col_ref(quote_ident(n))
            if n.lower() in fills:
                v = fills[n.lower()]
                t = types.get(n)
                if isinstance(v, float) and isinstance(t, (T.LongType, T.IntegerType)):
                    v = int(v)
                from pyspark.sql.functions import coalesce, lit
                c = coalesce(c, lit(v)).alias(n)
                c._typer = (lambda tt: (lambda cols: tt))(t)
            items.append(c)
        return self.select(*items)

    # --- views ------------------------------------------------------------------------
    def createOrReplaceTempView(self, name):
        self._session._register_view(name, self, replace=True)

    def registerTempTable(self, name):
        self._session._register_view(name, self, replace=True)

    def createTempView(self, name):
        self._session._register_view(name, self, replace=False)

    def createGlobalTempView(self, name):
        self._session._register_view(name, self, replace=False)

    def createOrReplaceGlobalTempView(self, name):
        self._session._register_view(name, self, replace=True)

    # --- no-ops for a single-process engine -------------------------------------------
    def cache(self):
        return self

    def persist(self, storageLevel=None):
        return self

    def unpersist(self, blocking=False):
        return self

    def checkpoint(self, eager=True):
        return self

    def localCheckpoint(self, eager=True):
        return self

    @property
    def is_cached(self):
        return False

    def repartition(self, numPartitions, *cols):
        if not isinstance(numPartitions, int):
            return self
        df = self._new(self._plan, self._cols_fn)
        df._source = self._source
        df._partitions = numPartitions
        return df

    def coalesce(self, numPartitions):
        return self.repartition(numPartitions)

    def getNumPartitions(self):
        return self._partitions or 1

    def hint(self, name, *parameters):
        return self

    def alias(self, alias):
        df = self._new(self._plan, self._cols_fn)
        df._source = self._source
        df._alias_name = alias
        return df

    # --- columns ----------------------------------------------------------------------
    def __getitem__(self, item):
        if isinstance(item, str):
            if item != "*" and self._static_cols() is not None and \
                    _lookup(dict(self._static_cols()), item.strip("`")) is None and \
                    "." not in item:
                raise AnalysisException('Cannot resolve column name "%s" among (%s);'
                                        % (item, ", ".join(self.columns)))
            return _col_ref(item, df_id=id(self))
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        if isinstance(item, int):
            return _col_ref(quote_ident(self.columns[item]), df_id=id(self))
        raise TypeError("unexpected item type: %s" % type(item))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in _UNSUPPORTED:
            raise UnsupportedOperationException(
                "DataFrame.%s is outside Eddy's PySpark subset (docs/pyspark-sql.md)" % name)
        if name not in self.columns:
            raise AttributeError("'DataFrame' object has no attribute '%s'" % name)
        return _col_ref(quote_ident(name), df_id=id(self))

    # --- transformations --------------------------------------------------------------
    def _select_items(self, cols, ctx):
        """[(SQL item, name or None, Column or None for *)]."""
        items = []
        for c in cols:
            if isinstance(c, (list, tuple)):
                items.extend(self._select_items(c, ctx))
                continue
            if isinstance(c, str):
                c = _col_ref(c)
            if not isinstance(c, Column):
                raise TypeError("select takes column names or Columns, not %r" % (c,))
            if c._ref == "*":
                items.append((c._sql(ctx), None, None))
                continue
            raw = getattr(c, "_raw_text", None)
            # a select item is written bare: generators (explode) must be whole items
            sql = raw if raw is not None else c._sql(ctx)
            name = c._out_name()
            if name is None:
                items.append((sql, None, c))
            elif c._ref is not None and c._alias is None and c._ref == name and "." not in sql:
                items.append((sql, name, c))
            else:
                items.append(("%s AS %s" % (sql, quote_ident(name)), name, c))
        return items

    def _ctx(self, fold):
        """Aliases that expressions may use: those of a join when the next clause goes into
        the join's own SELECT, none when it reads this query as a subquery."""
        return self._plan.ctx if fold else {}

    def _check_refs(self, cols):
        """Spark resolves column names when the DataFrame is built: a plain name that is not
        a column raises AnalysisException at once, where the columns are known without
        reading a file (else the engine reports it at the first action)."""
        if not (self._cheap or self._cols_memo):
            return
        known = self._static_cols()
        if known is None:
            return
        names = [n for n, _ in known]
        low = set(n.lower() for n in names)
        for c in cols:
            if isinstance(c, str):
                c = _col_ref(c)
            if not isinstance(c, Column) or c._ref is None or c._ref == "*":
                continue
            if c._df_id not in (None, id(self)):
                continue
            if c._ref.lower() not in low:
                raise AnalysisException("cannot resolve '`%s`' given input columns: [%s];"
                                        % (c._ref, ", ".join(names)))

    def select(self, *cols):
        if not cols:
            cols = ("*",)
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._check_refs(cols)
        fold = self._plan.bare
        items = self._select_items(cols, self._ctx(fold))
        parent = self

        def static():
            pcols = None
            out = []
            for sql, name, c in items:
                if c is None:
                    pc = parent._static_cols()
                    if pc is None:
                        return None
                    out.extend(pc)
                    continue
                if name is None:
                    return None
                if pcols is None:
                    pcols = parent._cheap_types()
                out.append((name, c._type(pcols)))
            return out

        sel = [s for s, _, _ in items]
        if fold:
            plan = self._plan.copy(select=sel)
        else:
            plan = _Plan(self._from(), select=sel)
        return self._new(plan, static)

    def selectExpr(self, *expr):
        cols = []
        for e in expr:
            if isinstance(e, (list, tuple)):
                cols.extend(e)
                continue
            cols.append(_expr_column(e))
        return self.select(*cols)

    def filter(self, condition):
        if isinstance(condition, str):
            cond = "(%s)" % condition
        elif isinstance(condition, Column):
            cond = condition._sql(self._ctx(self._plan.bare))
        else:
            raise TypeError("condition should be string or Column")
        if self._plan.bare:
            plan = self._plan.copy(where=self._plan.where + [cond])
            df = self._new(plan, self._cols_fn)
            df._cols_memo = self._cols_memo
            df._source = self._source
            return df
        df = self._new(self._wrapped(where=[cond]), self._static_cols_fn())
        return df

    where = filter

    def _static_cols_fn(self):
        return lambda: self._static_cols()

    def _keep(self, plan):
        df = self._new(plan, self._static_cols_fn())
        if self._source is not None and plan.select is None and plan.raw is None and \
                plan.group is None:
            df._source = self._source
        return df

    def limit(self, num):
        num = int(num)
        lim = num if self._plan.limit is None else min(num, self._plan.limit)
        if self._plan.raw is None:
            return self._keep(self._plan.copy(limit=lim))
        return self._keep(self._wrapped(limit=lim))

    def _sort_items(self, cols, kwargs, ctx):
        cols = list(itertools.chain.from_iterable(
            c if isinstance(c, (list, tuple)) else [c] for c in cols))
        ascending = kwargs.get("ascending", True)
        if isinstance(ascending, (bool, int)):
            ascending = [bool(ascending)] * len(cols)
        out = []
        for c, asc in zip(cols, list(ascending) + [True] * len(cols)):
            c = _to_col_name(c) if not isinstance(c, int) else self[c]
            if c._sort is None and not asc:
                c = c.desc()
            out.append(c._order_sql(ctx))
        return out

    def orderBy(self, *cols, **kwargs):
        fold = self._plan.raw is None and self._plan.limit is None
        order = self._sort_items(cols, kwargs, self._ctx(fold))
        if fold:
            return self._keep(self._plan.copy(order=order))
        return self._keep(self._wrapped(order=order))

    sort = orderBy

    def sortWithinPartitions(self, *cols, **kwargs):
        return self.orderBy(*cols, **kwargs)

    def distinct(self):
        if self._plan.raw is None and self._plan.limit is None and self._plan.group is None:
            return self._keep(self._plan.copy(distinct=True))
        return self._keep(self._wrapped(distinct=True))

    def dropDuplicates(self, subset=None):
        if subset is None:
            return self.distinct()
        if isinstance(subset, str):
            subset = [subset]
        keys = [quote_ident(k) for k in subset]
        return self._keep(self._wrapped(group=keys))

    drop_duplicates = dropDuplicates

    def _star_columns(self):
        """[(name, Column)] for every column: plain names, or after a join each side's own
        column (so duplicate names stay apart)."""
        names = self.columns
        plan = self._plan
        if plan.ctx and plan.bare and plan.star and len(plan.star) == len(names):
            out = []
            for item, n in zip(plan.star, names):
                expr = item.rsplit(" AS ", 1)[0]
                c = Column((lambda e: lambda ctx: e)(expr), n,
                           (lambda nn: lambda cols: _lookup(cols, nn))(n))
                out.append((n, c))
            return out
        return [(n, _col_ref(quote_ident(n))) for n in names]

    def withColumn(self, colName, col):
        if not isinstance(col, Column):
            raise TypeError("col should be Column")
        items = []
        replaced = False
        for n, c in self._star_columns():
            if n.lower() == colName.lower() and not replaced:
                items.append(col.alias(colName))
                replaced = True
            else:
                items.append(c)
        if not replaced:
            items.append(col.alias(colName))
        return self.select(*items)

    def withColumnRenamed(self, existing, new):
        return self.select(*[c.alias(new) if n == existing else c
                             for n, c in self._star_columns()])

    def toDF(self, *cols):
        star = self._star_columns()
        if len(cols) != len(star):
            raise ValueError("toDF: %d names for %d columns" % (len(cols), len(star)))
        return self.select(*[c.alias(new) for (n, c), new in zip(star, cols)])

    def drop(self, *cols):
        drop = set()
        drop_cols = []
        for c in cols:
            if isinstance(c, Column):
                if c._df_id is not None and c._df_id in self._plan.ctx and c._ref:
                    drop_cols.append((self._plan.ctx[c._df_id], c._ref.lower()))
                    continue
                c = c._out_name() or ""
            drop.add(str(c).strip("`").lower())
        keep = []
        star = self._star_columns()
        plan = self._plan
        join_star = bool(plan.ctx and plan.bare and plan.star and len(plan.star) == len(star))
        items = plan.star if join_star else [None] * len(star)
        kept = []
        for i, ((n, c), item) in enumerate(zip(star, items)):
            if n.lower() in drop:
                continue
            if item is not None and any(item.lower().startswith(
                    "%s.%s " % (q.lower(), quote_ident(r).lower())) for q, r in drop_cols):
                continue
            keep.append(c)
            kept.append(i)
        if len(keep) == len(star):
            return self
        if join_star:
            # still the join's own SELECT: later drops and df["x"] keep telling sides apart
            parent = self

            def static():
                pc = parent._static_cols()
                return None if pc is None else [pc[i] for i in kept]

            return self._new(plan.copy(star=[plan.star[i] for i in kept]), static)
        return self.select(*keep)

    def groupBy(self, *cols):
        from pyspark.sql.group import GroupedData
        cols = list(itertools.chain.from_iterable(
            c if isinstance(c, (list, tuple)) else [c] for c in cols))
        self._check_refs(cols)
        return GroupedData(self, [_to_col_name(c) for c in cols])

    groupby = groupBy

    def agg(self, *exprs):
        return self.groupBy().agg(*exprs)

    def _aggregate(self, keys, aggs):
        """SELECT keys..., aggs... GROUP BY keys (keys, aggs: Columns)."""
        fold = self._plan.bare and not self._plan.order
        ctx = self._ctx(fold)
        items = self._select_items(list(keys) + list(aggs), ctx)
        group = [k._sql(ctx) for k in keys]
        sel = [s for s, _, _ in items]
        if fold:
            plan = self._plan.copy(select=sel, group=group)
        else:
            plan = _Plan(self._from(), select=sel, group=group)
        parent = self

        def static():
            pcols = parent._cheap_types()
            out = []
            for _, name, c in items:
                if name is None or c is None:
                    return None
                out.append((name, c._type(pcols)))
            return out

        return self._new(plan, static)

    def _set_op(self, other, op):
        sql = "SELECT * FROM %s %s SELECT * FROM %s" % (_wrap(self._plan.sql()), op,
                                                       _wrap(other._plan.sql()))
        tables = dict(self._tables)
        tables.update(other._tables)
        views = dict(self._views)
        views.update(other._views)
        return self._new(_Plan("(%s) AS _q%d" % (sql, next(_alias_seq))),
                         self._static_cols_fn(), tables, views)

    def union(self, other):
        return self._set_op(other, "UNION ALL")

    unionAll = union

    def unionByName(self, other):
        return self.union(other.select(*[_col_ref(quote_ident(n)) for n in self.columns]))

    def intersect(self, other):
        return self._set_op(other, "INTERSECT")

    def subtract(self, other):
        return self._set_op(other, "EXCEPT")

    exceptAll = subtract

    def crossJoin(self, other):
        return self.join(other, how="cross")

    def join(self, other, on=None, how=None):
        """SELECT ... FROM left AS _l JOIN right AS _r ON cond | USING (names). The result
        keeps the two aliases (and those given with df.alias): df1["x"], df2["x"] and
        col("a.x") of a following select/filter/orderBy/groupBy name each side's column."""
        how = (how or "inner").lower().replace("_", "")
        kinds = {"inner": "JOIN", "cross": "CROSS JOIN", "left": "LEFT JOIN",
                 "leftouter": "LEFT JOIN", "right": "RIGHT JOIN", "rightouter": "RIGHT JOIN",
                 "outer": "FULL OUTER JOIN", "full": "FULL OUTER JOIN",
                 "fullouter": "FULL OUTER JOIN", "leftsemi": "SEMI", "leftanti": "ANTI"}
        if how not in kinds:
            raise ValueError("Unsupported join type '%s'. Supported join types include: "
                             "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', "
                             "'left', 'left_outer', 'rightouter', 'right', 'right_outer', "
                             "'leftsemi', 'left_semi', 'leftanti', 'left_anti', 'cross'." % how)
        kind = kinds[how]
        la = getattr(self, "_alias_name", None) or "_l"
        ra = getattr(other, "_alias_name", None) or "_r"
        if la == ra:
            la, ra = "_l", "_r"
        ctx = {id(self): la, id(other): ra, "__aliases__": (la, ra)}
        lfrom = self._from_as(la)
        rfrom = other._from_as(ra)
        lnames = self.columns
        rnames = other.columns
        using = None
        if isinstance(on, str):
            using = [on]
        elif isinstance(on, (list, tuple)) and on and all(isinstance(x, str) for x in on):
            using = list(on)
        elif isinstance(on, (list, tuple)) and on:
            c = on[0]
            for x in on[1:]:
                c = c & x
            on = c
        cond = None
        if using is not None:
            lowl = set(n.lower() for n in lnames)
            lowr = set(n.lower() for n in rnames)
            for k in using:
                if k.lower() not in lowl or k.lower() not in lowr:
                    raise AnalysisException("USING column `%s` cannot be resolved on the %s "
                                            "side of the join;" % (
                                                k, "left" if k.lower() not in lowl else
                                                "right"))
        elif isinstance(on, Column):
            cond = on._sql(ctx)
        tables = dict(self._tables)
        tables.update(other._tables)
        views = dict(self._views)
        views.update(other._views)
        lc = self._static_cols_fn()
        rc = other._static_cols_fn()
        if kind in ("SEMI", "ANTI"):
            if using is not None:
                cond = " AND ".join("%s.%s = %s.%s" % (la, quote_ident(k), ra, quote_ident(k))
                                    for k in using)
            sql = "%s WHERE %sEXISTS (SELECT 1 FROM %s WHERE %s)" % (
                lfrom, "NOT " if kind == "ANTI" else "", rfrom, cond or "1")
            sel = ["%s.%s AS %s" % (la, quote_ident(n), quote_ident(n)) for n in lnames]
            return self._new(_Plan(sql, select=sel), lc, tables, views)
        if (cond is not None or using is not None) and kind == "CROSS JOIN":
            kind = "JOIN"
        if using is None and cond is None and kind != "CROSS JOIN":
            kind = "CROSS JOIN"
        frm = "%s %s %s" % (lfrom, kind, rfrom)
        star = []
        out_names = []
        if using is not None:
            frm += " USING (%s)" % ", ".join(quote_ident(k) for k in using)
            low = set(k.lower() for k in using)
            for k in using:
                # SQLite's USING column: the left's, the right's for RIGHT JOIN, coalesced
                # for FULL JOIN, as Spark's
                star.append(quote_ident(k))
                out_names.append(("k", k))
            for n in lnames:
                if n.lower() not in low:
                    star.append("%s.%s AS %s" % (la, quote_ident(n), quote_ident(n)))
                    out_names.append(("l", n))
            for n in rnames:
                if n.lower() not in low:
                    star.append("%s.%s AS %s" % (ra, quote_ident(n), quote_ident(n)))
                    out_names.append(("r", n))
        else:
            if cond is not None:
                frm += " ON " + cond
            for n in lnames:
                star.append("%s.%s AS %s" % (la, quote_ident(n), quote_ident(n)))
                out_names.append(("l", n))
            for n in rnames:
                star.append("%s.%s AS %s" % (ra, quote_ident(n), quote_ident(n)))
                out_names.append(("r", n))

        def static():
            l, r = lc(), rc()
            if l is None or r is None:
                return None
            ld, rd = dict(l), dict(r)
            out = []
            for side, n in out_names:
                if side == "k":
                    out.append((n, _lookup(ld, n) or _lookup(rd, n)))
                else:
                    out.append((n, (ld if side == "l" else rd).get(n)))
            return out

        plan = _Plan(frm, star=star)
        plan.ctx = ctx
        df = self._new(plan, static, tables, views)
        df._cheap = self._cheap and other._cheap
        return df

    def _from_as(self, alias):
        if self._is_plain_source():
            return "%s AS %s" % (quote_ident(self._source[0]), alias)
        return "(%s) AS %s" % (self._plan.sql(), alias)

    def sample(self, withReplacement=None, fraction=None, seed=None):
        if isinstance(withReplacement, float) and fraction is None:
            fraction = withReplacement
        raise UnsupportedOperationException("DataFrame.sample is outside Eddy's subset")

    def describe(self, *cols):
        """Spark's describe(): a string table of count, mean, stddev (sample), min, max for the
        numeric and string columns (mean and stddev null for strings)."""
        from pyspark.sql import functions as F
        from pyspark.sql._format import cell_string
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        types = self._col_types()
        numeric = (T.LongType, T.IntegerType, T.ShortType, T.ByteType, T.DoubleType,
                   T.FloatType, T.DecimalType)
        if not cols:
            cols = [n for n in self.columns
                    if isinstance(types.get(n), numeric + (T.StringType,))]
        aggs = []
        for c in cols:
            ref = _col_ref(quote_ident(c))
            isnum = isinstance(types.get(c), numeric)
            aggs += [F.count(ref).alias("count_%s" % c),
                     (F.avg(ref) if isnum else F.lit(None)).alias("mean_%s" % c),
                     (F.stddev(ref) if isnum else F.lit(None)).alias("stddev_%s" % c),
                     F.min(ref).alias("min_%s" % c), F.max(ref).alias("max_%s" % c)]
        row = self.agg(*aggs).first() if aggs else None
        stats = ["count", "mean", "stddev", "min", "max"]
        data = []
        for i, stat in enumerate(stats):
            vals = [stat]
            for j, c in enumerate(cols):
                v = row[j * 5 + i]
                if v is not None and stat in ("min", "max") and \
                        isinstance(types.get(c), (T.DoubleType, T.FloatType)):
                    v = float(v)
                vals.append(None if v is None else cell_string(v))
            data.append(vals)
        schema = StructType([StructField("summary", T.StringType())] +
                            [StructField(c, T.StringType()) for c in cols])
        return self._session._from_python_rows(data, schema)




_UNSUPPORTED = set("""approxQuantile corr cov crosstab cube rollup randomSplit stat summary
freqItems replace writeStream withWatermark mapInPandas transform observe""".split())


class DataFrameNaFunctions(object):
    """df.na.fill / df.na.drop."""

    def __init__(self, df):
        self.df = df

    def drop(self, how="any", thresh=None, subset=None):
        return self.df.dropna(how, thresh, subset)

    def fill(self, value, subset=None):
        return self.df.fillna(value, subset)

    def replace(self, to_replace, value=None, subset=None):
        raise UnsupportedOperationException("DataFrame.na.replace is outside Eddy's subset: "
                                            "use when(...).otherwise(...)")


_INT_RESULT = re.compile(r"^(size|length|char_length|year|month|dayofmonth|instr)\(", re.I)


def _hinted(hint, inferred):
    """A spark.sql result column named as a column of a view it reads: the view's map,
    boolean, date or timestamp type where the values fit it (the engine returns maps as JSON
    objects, booleans as 0/1, dates as text)."""
    if hint is None:
        return inferred
    if isinstance(hint, T.MapType) and isinstance(inferred, (T.StructType, T.NullType)):
        return hint
    if isinstance(hint, T.BooleanType) and isinstance(inferred, (T.LongType, T.BooleanType,
                                                                 T.NullType)):
        return hint
    if isinstance(hint, (T.DateType, T.TimestampType)) and \
            isinstance(inferred, (T.StringType, T.NullType)):
        return hint
    if isinstance(hint, T.ArrayType) and isinstance(inferred, T.ArrayType):
        return T.ArrayType(_hinted(hint.elementType, inferred.elementType), True)
    return inferred


def _expr_column(e):
    """selectExpr item: a plain column name keeps its type; 'X AS name' gets name."""
    s = e.strip()
    if re.match(r"^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)$", s):
        return _col_ref(s)
    if s == "*":
        return _col_ref("*")
    m = re.match(r"^(.*\S)\s+AS\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)$", s, re.I | re.S)
    if m:
        inner = m.group(1).strip()
        name = m.group(2).strip("`")
        if re.match(r"^(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)$", inner):
            return _col_ref(inner).alias(name)
        return _raw(inner).alias(name)
    return _raw(s)
