"""pyspark.sql.functions, Eddy's subset: each function builds a Column whose SQL Eddy's engine
(SQLite with Spark's habits) runs, named as Spark names its result (count(1), sum(x), ...)."""

from pyspark.sql import types as T
from pyspark.sql._engine import quote_string
from pyspark.sql.column import Column, _case, _col_ref, _lit, _raw, _to_col, _to_col_name
from pyspark.sql.utils import UnsupportedOperationException

_INTEGRAL = (T.IntegerType, T.LongType, T.ShortType, T.ByteType)


def _fn(spark_name, sql_fmt, args, typer, agg=False, generator=False, name=None):
    """A function of Columns: sql_fmt is a format taking the args' SQL texts."""
    cols = [_to_col_name(a) for a in args]

    def render(ctx):
        return sql_fmt % tuple(c._sql(ctx) for c in cols)

    if name is None and all(c._name is not None for c in cols):
        name = "%s(%s)" % (spark_name, ", ".join(c._name for c in cols))
    return Column(render, name, lambda schema: typer(schema, cols),
                  agg=agg or any(c._agg for c in cols), generator=generator)


def _same(schema, cols):
    return cols[0]._type(schema)


def _const(dt):
    return lambda schema, cols: dt


def col(col):
    """A column by name ('a', '`a.b`', 'a.b' for a struct field, '*')."""
    return _col_ref(col)


column = col


def lit(col):
    return _lit(col)


def expr(str):
    """SQL text run by Eddy's engine (SQLite dialect with Spark's habits; docs/sql.md)."""
    return _raw(str)


def asc(col):
    return _to_col_name(col).asc()


def desc(col):
    return _to_col_name(col).desc()


# --- aggregates ---------------------------------------------------------------------------

def count(col):
    if isinstance(col, str) and col == "*":
        return Column(lambda ctx: "count(*)", "count(1)", lambda s: T.LongType(), agg=True)
    if isinstance(col, Column) and col._ref == "*":
        return count("*")
    if not isinstance(col, (Column, str)):
        c = _lit(col)
        return Column(lambda ctx: "count(%s)" % c._sql(ctx), "count(%s)" % c._name,
                      lambda s: T.LongType(), agg=True)
    return _fn("count", "count(%s)", [col], _const(T.LongType()), agg=True)


def _sum_type(schema, cols):
    t = cols[0]._type(schema)
    if t is None:
        return None
    return T.LongType() if isinstance(t, _INTEGRAL) else T.DoubleType()


def sum(col):
    return _fn("sum", "sum(%s)", [col], _sum_type, agg=True)


def avg(col):
    return _fn("avg", "avg(%s)", [col], _const(T.DoubleType()), agg=True)


def mean(col):
    return _fn("avg", "avg(%s)", [col], _const(T.DoubleType()), agg=True)


def min(col):
    return _fn("min", "min(%s)", [col], _same, agg=True)


def max(col):
    return _fn("max", "max(%s)", [col], _same, agg=True)


def countDistinct(col, *cols):
    if cols:
        raise UnsupportedOperationException(
            "countDistinct of several columns is outside Eddy's PySpark subset (its engine "
            "counts DISTINCT over one expression): countDistinct(concat_ws(...)) or "
            "df.select(...).distinct().count()")
    c = _to_col_name(col)
    return Column(lambda ctx: "count(DISTINCT %s)" % c._sql(ctx),
                  None if c._name is None else "count(DISTINCT %s)" % c._name,
                  lambda s: T.LongType(), agg=True)


def approx_count_distinct(col, rsd=None):
    """Counted exactly (an exact count is within any error bound)."""
    c = countDistinct(col)
    c._name = None if _to_col_name(col)._name is None else \
        "approx_count_distinct(%s)" % _to_col_name(col)._name
    return c


approxCountDistinct = approx_count_distinct


def _var(col, spark_name, sample, root):
    c = _to_col_name(col)

    def render(ctx):
        x = c._sql(ctx)
        n = "count(%s)" % x
        ss = "(sum((%s) * (%s)) - sum(%s) * sum(%s) * 1.0 / %s)" % (x, x, x, x, n)
        var = "(%s / (%s - %d))" % (ss, n, 1 if sample else 0)
        var = "max(%s, 0.0)" % var
        return "sqrt(%s)" % var if root else var

    return Column(render, None if c._name is None else "%s(%s)" % (spark_name, c._name),
                  lambda s: T.DoubleType(), agg=True)


def stddev(col):
    return _var(col, "stddev_samp", True, True)


stddev_samp = stddev


def stddev_pop(col):
    return _var(col, "stddev_pop", False, True)


def variance(col):
    return _var(col, "var_samp", True, False)


var_samp = variance


def var_pop(col):
    return _var(col, "var_pop", False, False)


def sumDistinct(col):
    c = _to_col_name(col)
    return Column(lambda ctx: "sum(DISTINCT %s)" % c._sql(ctx),
                  None if c._name is None else "sum(DISTINCT %s)" % c._name,
                  lambda s: _sum_type(s, [c]), agg=True)


def collect_list(col):
    return _fn("collect_list", "json_group_array(%s)", [col],
               lambda s, cols: T.ArrayType(cols[0]._type(s) or T.StringType(), True), agg=True)


def collect_set(col):
    return _fn("collect_set", "json_group_array(DISTINCT %s)", [col],
               lambda s, cols: T.ArrayType(cols[0]._type(s) or T.StringType(), True), agg=True)


def first(col, ignorenulls=False):
    raise UnsupportedOperationException(
        "first() is outside Eddy's PySpark subset (row order inside a group is not defined in "
        "its engine): use min()/max() or spark.sql")


# --- collections --------------------------------------------------------------------------

def size(col):
    return _fn("size", "size(%s)", [col], _const(T.IntegerType()))


def _elem(schema, cols):
    t = cols[0]._type(schema)
    if isinstance(t, T.ArrayType):
        return t.elementType
    return None


def explode(col):
    """As a whole select item (Spark: one generator per select); the column is named col."""
    c = _fn("explode", "explode(%s)", [col], _elem, generator=True)
    c._name = "col"
    return c


def explode_outer(col):
    c = _fn("explode_outer", "explode_outer(%s)", [col], _elem, generator=True)
    c._name = "col"
    return c


def array(*cols):
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = cols[0]
    fmt = "array(%s)" % ", ".join(["%s"] * len(cols))

    def typer(schema, cs):
        t = None
        for c in cs:
            t = T._merge_type(t, c._type(schema))
        return T.ArrayType(t or T.StringType(), True)

    return _fn("array", fmt, list(cols), typer)


def struct(*cols):
    """A struct of the columns, named by them (stored as a JSON object by the engine)."""
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = cols[0]
    cs = [_to_col_name(c) for c in cols]
    names = [c._out_name() for c in cs]
    if None in names:
        raise UnsupportedOperationException("struct() of unnamed expressions: give each an "
                                            "alias")

    def render(ctx):
        return "json_object(%s)" % ", ".join(
            "%s, %s" % (quote_string(n), c._sql(ctx)) for n, c in zip(names, cs))

    def typer(schema):
        return T.StructType([T.StructField(n, c._type(schema) or T.StringType(), True)
                             for n, c in zip(names, cs)])

    return Column(render, "named_struct(%s)" % ", ".join(
        "%s, %s" % (n, c._name) for n, c in zip(names, cs)), typer)


def array_contains(col, value):
    c = _to_col_name(col)
    v = _to_col(value)
    return Column(lambda ctx: "(CASE WHEN %s IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM "
                              "json_each(%s) WHERE value = %s) END)" % (
                                  c._sql(ctx), c._sql(ctx), v._sql(ctx)),
                  None if c._name is None else "array_contains(%s, %s)" % (c._name, v._name),
                  lambda s: T.BooleanType())


# --- strings ------------------------------------------------------------------------------

def lower(col):
    return _fn("lower", "lower(%s)", [col], _const(T.StringType()))


def upper(col):
    return _fn("upper", "upper(%s)", [col], _const(T.StringType()))


def length(col):
    return _fn("length", "length(%s)", [col], _const(T.IntegerType()))


def trim(col):
    return _fn("trim", "trim(%s, ' ')", [col], _const(T.StringType()))


def ltrim(col):
    return _fn("ltrim", "ltrim(%s, ' ')", [col], _const(T.StringType()))


def rtrim(col):
    return _fn("rtrim", "rtrim(%s, ' ')", [col], _const(T.StringType()))


def concat(*cols):
    """Strings joined; null if any input is null (as Spark's concat)."""
    fmt = "(" + " || ".join(["%s"] * len(cols)) + ")"
    return _fn("concat", fmt, list(cols), _const(T.StringType()))


def concat_ws(sep, *cols):
    """Strings joined with sep, null inputs skipped (as Spark's concat_ws)."""
    s = quote_string(sep)
    parts = " || ".join(["coalesce(%s || %%s, '')" % s] * len(cols))
    fmt = "substr(%s, %d)" % (parts, len(sep) + 1) if cols else "''"
    c = _fn("concat_ws", fmt, list(cols), _const(T.StringType()))
    names = [x._name for x in [_to_col_name(y) for y in cols]]
    c._name = None if None in names else "concat_ws(%s)" % ", ".join([sep] + names)
    return c


def substring(str, pos, len):
    return _to_col_name(str).substr(pos, len)


def split(str, pattern):
    """Split on a literal separator (Eddy has no regular expressions: a pattern holding regex
    metacharacters other than an escaped literal is refused)."""
    sep = _literal_pattern(pattern)
    c = _to_col_name(str)
    esc = ("replace(replace(replace(replace(replace(%s, '\\', '\\\\'), '\"', '\\\"'), "
           "char(9), '\\t'), char(10), '\\n'), char(13), '\\r')")

    def render(ctx):
        v = c._sql(ctx)
        inner = esc % v
        return ("(CASE WHEN %s IS NULL THEN NULL ELSE json('[\"' || replace(%s, %s, '\",\"') "
                "|| '\"]') END)" % (v, inner, quote_string(_json_escaped(sep))))

    return Column(render, None if c._name is None else "split(%s, %s)" % (c._name, pattern),
                  lambda s: T.ArrayType(T.StringType(), True), agg=c._agg)


def _literal_pattern(pattern):
    meta = ".^$*+?()[]{}|"
    escapes = {"t": "\t", "n": "\n", "r": "\r"}
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            if n.isalnum() and n not in escapes:
                break
            out.append(escapes.get(n, n))
            i += 2
            continue
        if ch in meta or ch == "\\":
            break
        out.append(ch)
        i += 1
    else:
        return "".join(out)
    raise UnsupportedOperationException(
        "split(%r): Eddy's split takes a literal separator, escaped regex metacharacters "
        "allowed ('\\|'); its engine has no regular expressions" % pattern)


def _json_escaped(s):
    import json
    return json.dumps(s)[1:-1]


# --- conditionals -------------------------------------------------------------------------

def when(condition, value):
    if not isinstance(condition, Column):
        raise TypeError("condition should be a Column")
    return _case([(condition, _to_col(value))], None)


def coalesce(*cols):
    cs = [_to_col_name(c) for c in cols]
    if len(cs) == 1:
        cs.append(_lit(None))
    fmt = "coalesce(%s)" % ", ".join(["%s"] * len(cs))

    def typer(schema, cc):
        t = None
        for c in cc:
            t = T._merge_type(t, c._type(schema))
        return t

    c = _fn("coalesce", fmt, cs, typer)
    names = [_to_col_name(x)._name for x in cols]
    c._name = None if None in names else "coalesce(%s)" % ", ".join(names)
    return c


def isnull(col):
    return _to_col_name(col).isNull()


# --- numbers ------------------------------------------------------------------------------

def _round_type(schema, cols):
    t = cols[0]._type(schema)
    return t


def round(col, scale=0):
    c = _to_col_name(col)

    def render(ctx):
        return "round(%s, %d)" % (c._sql(ctx), scale)

    return Column(render, None if c._name is None else "round(%s, %d)" % (c._name, scale),
                  lambda s: c._type(s), agg=c._agg)


def abs(col):
    return _fn("abs", "abs(%s)", [col], _same)


def sqrt(col):
    return _fn("SQRT", "sqrt(%s)", [col], _const(T.DoubleType()))


def floor(col):
    return _fn("FLOOR", "CAST(floor(%s) AS INTEGER)", [col], _const(T.LongType()))


def ceil(col):
    return _fn("CEIL", "CAST(ceil(%s) AS INTEGER)", [col], _const(T.LongType()))


def exp(col):
    return _fn("EXP", "exp(%s)", [col], _const(T.DoubleType()))


def log(arg1, arg2=None):
    if arg2 is None:
        return _fn("LOG", "ln(%s)", [arg1], _const(T.DoubleType()))
    base = float(arg1)
    c = _fn("LOG", "(ln(%%s) / ln(%r))" % base, [arg2], _const(T.DoubleType()))
    n = _to_col_name(arg2)._name
    c._name = None if n is None else "LOG(%r, %s)" % (base, n)
    return c


def pow(col1, col2):
    return _fn("POWER", "power(%s, %s)", [col1, col2], _const(T.DoubleType()))


# --- dates (text 'YYYY-MM-DD[ hh:mm:ss]') -------------------------------------------------

def year(col):
    return _fn("year", "CAST(strftime('%%Y', %s) AS INTEGER)", [col], _const(T.IntegerType()))


def month(col):
    return _fn("month", "CAST(strftime('%%m', %s) AS INTEGER)", [col], _const(T.IntegerType()))


def dayofmonth(col):
    return _fn("dayofmonth", "CAST(strftime('%%d', %s) AS INTEGER)", [col],
               _const(T.IntegerType()))


def to_date(col, format=None):
    if format is not None:
        raise UnsupportedOperationException("to_date with a format is outside Eddy's subset")
    return _fn("to_date", "date(%s)", [col], _const(T.StringType()))


def current_date():
    return Column(lambda ctx: "date('now')", "current_date()", lambda s: T.StringType())


def monotonically_increasing_id():
    raise UnsupportedOperationException(
        "monotonically_increasing_id is outside Eddy's PySpark subset")


def udf(f=None, returnType=None):
    raise UnsupportedOperationException(
        "Python UDFs (pyspark.sql.functions.udf) are outside Eddy's PySpark subset: SQL runs "
        "in Eddy's engine, not in Python; use df.rdd.map(...) for Python code")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    from pyspark.sql.utils import _unsupported_name
    raise _unsupported_name(
        "pyspark.sql.functions.%s is outside Eddy's PySpark subset (docs/pyspark-sql.md "
        "lists what is supported; spark.sql/expr() accept the engine's SQL functions)" % name,
        name)
