"""Column: an expression that Eddy renders as SQL text for its SQL engine.

A Column knows three things: how to write itself as SQL (render(ctx), where ctx maps a
DataFrame's id to the alias it has in a join), the name Spark gives it in a result
("(a + 1)", "count(1)", "sum(x)"), and how to work out its type from its input's columns.
"""

import copy
import datetime
import decimal
import json

from pyspark.sql import types as T
from pyspark.sql._engine import quote_ident, quote_string

__all__ = ["Column"]


def _lookup(cols, name):
    if cols is None:
        return None
    if name in cols:
        return cols[name]
    low = name.lower()
    for k, v in cols.items():
        if k.lower() == low:
            return v
    return None


def _lit_sql(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "NULL"
        if v in (float("inf"), float("-inf")):
            return "9e999" if v > 0 else "-9e999"
        return repr(v)
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return quote_string(v.isoformat(" ") if isinstance(v, datetime.datetime)
                            else v.isoformat())
    if isinstance(v, str):
        return quote_string(v)
    if isinstance(v, (list, tuple)):
        return "json(%s)" % quote_string(json.dumps(list(v)))
    raise TypeError("cannot turn %r (%s) into a SQL literal" % (v, type(v).__name__))


def _lit_name(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _like_to_glob(pattern):
    """SQL LIKE (% and _, case-sensitive in Spark) -> SQLite GLOB (case-sensitive)."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            out.append("[%s]" % n if n in "*?[" else n)
            i += 2
            continue
        if c == "%":
            out.append("*")
        elif c == "_":
            out.append("?")
        elif c in "*?[":
            out.append("[%s]" % c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _cast_target(dt):
    if isinstance(dt, str):
        dt = T._parse_datatype(dt)
    return dt


def _cast_sql(inner, dt):
    if isinstance(dt, (T.IntegerType, T.LongType, T.ShortType, T.ByteType)):
        return "CAST(%s AS INTEGER)" % inner
    if isinstance(dt, (T.DoubleType, T.FloatType, T.DecimalType)):
        return "CAST(%s AS REAL)" % inner
    if isinstance(dt, T.StringType):
        return "CAST(%s AS TEXT)" % inner
    if isinstance(dt, T.BooleanType):
        return ("(CASE WHEN %s IS NULL THEN NULL WHEN lower(CAST(%s AS TEXT)) IN "
                "('true','1') THEN 1 WHEN lower(CAST(%s AS TEXT)) IN ('false','0') "
                "THEN 0 ELSE NULL END)" % (inner, inner, inner))
    if isinstance(dt, (T.DateType, T.TimestampType)):
        return ("date(%s)" if isinstance(dt, T.DateType) else "datetime(%s)") % inner
    return inner


def _numeric_result(a, b, op):
    if a is None or b is None:
        return None
    if op == "/":
        return T.DoubleType()
    integral = (T.IntegerType, T.LongType, T.ShortType, T.ByteType)
    if isinstance(a, integral) and isinstance(b, integral):
        if isinstance(a, T.LongType) or isinstance(b, T.LongType):
            return T.LongType()
        return T.IntegerType()
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType):
        return a
    return T.DoubleType()


class Column(object):
    """A column expression (PySpark's Column), rendered to SQL for Eddy's engine."""

    def __init__(self, render, name, typer=None, agg=False, df_id=None, ref=None,
                 generator=False, raw=False):
        self._render = render          # ctx -> SQL text
        self._name = name              # Spark's name for it; None: unknown (raw SQL)
        self._typer = typer or (lambda cols: None)
        self._agg = agg
        self._df_id = df_id
        self._ref = ref                # column name when this is a plain column reference
        self._generator = generator
        self._raw = raw
        self._alias = None
        self._sort = None              # (direction, nulls) when made by asc()/desc()

    # --- building ---------------------------------------------------------------------
    def _sql(self, ctx=None):
        return self._render(ctx or {})

    def _type(self, cols):
        try:
            return self._typer(cols)
        except Exception:
            return None

    def _derive(self, render, name, typer=None, agg=None, generator=None):
        return Column(render, name, typer,
                      agg=self._agg if agg is None else agg,
                      generator=self._generator if generator is None else generator)

    def _bin(self, other, op, name_op=None, typer=None, swap=False):
        o = _to_col(other)
        a, b = (o, self) if swap else (self, o)
        render = lambda ctx: "(%s %s %s)" % (a._sql(ctx), op, b._sql(ctx))
        if op == "/":
            render = lambda ctx: "(CAST(%s AS REAL) / %s)" % (a._sql(ctx), b._sql(ctx))
        name = None
        if a._name is not None and b._name is not None:
            name = "(%s %s %s)" % (a._name, name_op or op, b._name)
        if typer is None:
            typer = lambda cols: _numeric_result(a._type(cols), b._type(cols), op)
        return Column(render, name, typer, agg=a._agg or b._agg)

    def _bool(self, other, op, name_op=None):
        return self._bin(other, op, name_op, lambda cols: T.BooleanType())

    # arithmetic
    def __add__(self, o): return self._bin(o, "+")
    def __radd__(self, o): return self._bin(o, "+", swap=True)
    def __sub__(self, o): return self._bin(o, "-")
    def __rsub__(self, o): return self._bin(o, "-", swap=True)
    def __mul__(self, o): return self._bin(o, "*")
    def __rmul__(self, o): return self._bin(o, "*", swap=True)
    def __truediv__(self, o): return self._bin(o, "/")
    def __rtruediv__(self, o): return self._bin(o, "/", swap=True)
    __div__ = __truediv__
    __rdiv__ = __rtruediv__
    def __mod__(self, o): return self._bin(o, "%")
    def __rmod__(self, o): return self._bin(o, "%", swap=True)

    def __neg__(self):
        return self._derive(lambda ctx: "(- %s)" % self._sql(ctx),
                            None if self._name is None else "(- %s)" % self._name,
                            self._type)

    # comparison
    def __eq__(self, o): return self._bool(o, "=")
    def __lt__(self, o): return self._bool(o, "<")
    def __le__(self, o): return self._bool(o, "<=")
    def __gt__(self, o): return self._bool(o, ">")
    def __ge__(self, o): return self._bool(o, ">=")

    def __ne__(self, o):
        eq = self._bool(o, "=")
        return Column(lambda ctx: "(NOT %s)" % eq._sql(ctx),
                      None if eq._name is None else "(NOT %s)" % eq._name,
                      lambda cols: T.BooleanType(), agg=eq._agg)

    def eqNullSafe(self, o):
        return self._bool(o, "IS", "<=>")

    # logic
    def __and__(self, o): return self._bool(o, "AND")
    def __rand__(self, o): return self._bool(o, "AND")
    def __or__(self, o): return self._bool(o, "OR")
    def __ror__(self, o): return self._bool(o, "OR")

    def __invert__(self):
        return self._derive(lambda ctx: "(NOT %s)" % self._sql(ctx),
                            None if self._name is None else "(NOT %s)" % self._name,
                            lambda cols: T.BooleanType())

    def __bool__(self):
        raise ValueError("Cannot convert column into bool: please use '&' for 'and', '|' for "
                         "'or', '~' for 'not' when building DataFrame boolean expressions.")

    __nonzero__ = __bool__

    def __hash__(self):
        return id(self)

    def __contains__(self, item):
        raise ValueError("Cannot apply 'in' operator against a column: please use 'contains' "
                         "in a string column or 'array_contains' function for an array column.")

    def __iter__(self):
        raise TypeError("Column is not iterable")

    # predicates
    def isNull(self):
        return self._derive(lambda ctx: "(%s IS NULL)" % self._sql(ctx),
                            None if self._name is None else "(%s IS NULL)" % self._name,
                            lambda cols: T.BooleanType())

    def isNotNull(self):
        return self._derive(lambda ctx: "(%s IS NOT NULL)" % self._sql(ctx),
                            None if self._name is None else "(%s IS NOT NULL)" % self._name,
                            lambda cols: T.BooleanType())

    def isin(self, *cols):
        if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)):
            cols = list(cols[0])
        items = [_to_col(c) for c in cols]
        name = None
        if self._name is not None and all(i._name is not None for i in items):
            name = "(%s IN (%s))" % (self._name, ", ".join(i._name for i in items))
        if not items:
            return Column(lambda ctx: "0", name, lambda cols: T.BooleanType())
        return Column(lambda ctx: "(%s IN (%s))" % (self._sql(ctx),
                                                   ", ".join(i._sql(ctx) for i in items)),
                      name, lambda cols: T.BooleanType(), agg=self._agg)

    def like(self, pattern):
        glob = _like_to_glob(pattern)
        return self._derive(lambda ctx: "(%s GLOB %s)" % (self._sql(ctx), quote_string(glob)),
                            None if self._name is None else "%s LIKE %s" % (self._name, pattern),
                            lambda cols: T.BooleanType())

    def rlike(self, pattern):
        from pyspark.sql.utils import UnsupportedOperationException
        raise UnsupportedOperationException(
            "Column.rlike is outside Eddy's PySpark subset: Eddy's SQL engine has no regular "
            "expressions (use like, contains, startswith, endswith)")

    def contains(self, other):
        o = _to_col(other)
        return Column(lambda ctx: "(instr(%s, %s) > 0)" % (self._sql(ctx), o._sql(ctx)),
                      None if self._name is None else "contains(%s, %s)" % (self._name, o._name),
                      lambda cols: T.BooleanType(), agg=self._agg)

    def startswith(self, other):
        o = _to_col(other)
        return Column(lambda ctx: "(substr(%s, 1, length(%s)) = %s)" % (
            self._sql(ctx), o._sql(ctx), o._sql(ctx)),
            None if self._name is None else "startswith(%s, %s)" % (self._name, o._name),
            lambda cols: T.BooleanType(), agg=self._agg)

    def endswith(self, other):
        o = _to_col(other)
        return Column(lambda ctx: "(substr(%s, -length(%s)) = %s)" % (
            self._sql(ctx), o._sql(ctx), o._sql(ctx)),
            None if self._name is None else "endswith(%s, %s)" % (self._name, o._name),
            lambda cols: T.BooleanType(), agg=self._agg)

    def between(self, lowerBound, upperBound):
        return (self >= lowerBound) & (self <= upperBound)

    def substr(self, startPos, length):
        s, n = _to_col(startPos), _to_col(length)
        return Column(lambda ctx: "substr(%s, %s, %s)" % (self._sql(ctx), s._sql(ctx),
                                                        n._sql(ctx)),
                      None if self._name is None else "substring(%s, %s, %s)" % (
                          self._name, s._name, n._name),
                      lambda cols: T.StringType(), agg=self._agg)

    # element access
    def getItem(self, key):
        if isinstance(key, int):
            path = "$[%d]" % key
        else:
            path = '$."%s"' % str(key).replace('"', '\\"')
        def typer(cols):
            t = self._type(cols)
            if isinstance(t, T.ArrayType):
                return t.elementType
            if isinstance(t, T.MapType):
                return t.valueType
            if isinstance(t, T.StructType):
                return t[key].dataType
            return None
        return self._derive(lambda ctx: "json_extract(%s, %s)" % (self._sql(ctx),
                                                                  quote_string(path)),
                            None if self._name is None else "%s[%s]" % (self._name, key),
                            typer)

    def getField(self, name):
        c = self.getItem(str(name))
        c._name = None if self._name is None else "%s.%s" % (self._name, name)
        return c

    def __getitem__(self, k):
        if isinstance(k, slice):
            return self.substr(k.start, k.stop)
        return self.getItem(k)

    def __getattr__(self, item):
        if item.startswith("_"):
            raise AttributeError(item)
        return self.getField(item)

    # naming, casting, sorting
    def alias(self, *alias, **kwargs):
        if len(alias) != 1:
            raise ValueError("Eddy's Column.alias takes one name (multi-name aliases of "
                             "generators: use selectExpr with 'explode(m) AS (k, v)')")
        c = copy.copy(self)
        c._alias = alias[0]
        return c

    name = alias

    def _out_name(self):
        return self._alias if self._alias is not None else self._name

    def cast(self, dataType):
        dt = _cast_target(dataType)
        inner = self
        return self._derive(lambda ctx: _cast_sql(inner._sql(ctx), dt),
                            None if self._name is None else "CAST(%s AS %s)" % (
                                self._name, dt.simpleString().upper()),
                            lambda cols: dt)

    astype = cast

    def _sorted(self, direction, nulls):
        c = copy.copy(self)
        c._sort = (direction, nulls)
        return c

    def asc(self): return self._sorted("ASC", "FIRST")
    def desc(self): return self._sorted("DESC", "LAST")
    def asc_nulls_first(self): return self._sorted("ASC", "FIRST")
    def asc_nulls_last(self): return self._sorted("ASC", "LAST")
    def desc_nulls_first(self): return self._sorted("DESC", "FIRST")
    def desc_nulls_last(self): return self._sorted("DESC", "LAST")

    def _order_sql(self, ctx=None):
        d, n = self._sort or ("ASC", "FIRST")
        return "%s %s NULLS %s" % (self._sql(ctx), d, n)

    # CASE WHEN
    def when(self, condition, value):
        if not getattr(self, "_case", None):
            raise TypeError("when() can only be applied on a Column previously generated by "
                            "when() function")
        return _case(self._case + [(condition, _to_col(value))], None)

    def otherwise(self, value):
        if not getattr(self, "_case", None):
            raise TypeError("otherwise() can only be applied on a Column previously "
                            "generated by when()")
        return _case(self._case, _to_col(value))

    def over(self, window):
        from pyspark.sql.utils import UnsupportedOperationException
        raise UnsupportedOperationException("window functions (Column.over) are outside "
                                            "Eddy's PySpark subset: use spark.sql with OVER")

    def __repr__(self):
        n = self._out_name()
        return "Column<%s>" % (n if n is not None else self._sql())

    __str__ = __repr__


def _case(branches, default):
    def render(ctx):
        s = "CASE"
        for cond, val in branches:
            s += " WHEN %s THEN %s" % (_to_col(cond)._sql(ctx), val._sql(ctx))
        if default is not None:
            s += " ELSE %s" % default._sql(ctx)
        return s + " END"

    names = []
    for cond, val in branches:
        names.append((_to_col(cond)._name, val._name))
    name = None
    if all(a is not None and b is not None for a, b in names) and \
            (default is None or default._name is not None):
        name = "CASE" + "".join(" WHEN %s THEN %s" % nv for nv in names)
        if default is not None:
            name += " ELSE %s" % default._name
        name += " END"

    def typer(cols):
        t = None
        for _, v in branches:
            t = T._merge_type(t, v._type(cols))
        if default is not None:
            t = T._merge_type(t, default._type(cols))
        return None if isinstance(t, T.NullType) else t

    c = Column(render, name, typer)
    c._case = branches if default is None else None
    return c


def _col_ref(name, df_id=None):
    """A reference to a column by name: `a`, `a.b` (struct field) or `*`."""
    name = str(name)
    if name == "*":
        return Column(lambda ctx: "%s*" % (ctx[df_id] + "." if df_id in ctx else ""), "*",
                      df_id=df_id, ref="*")
    if name.startswith("`") and name.endswith("`") and len(name) >= 2:
        plain = name[1:-1].replace("``", "`")
    elif "." in name and not name.startswith("."):
        # a.b: column b of the join side aliased a, else field b of struct column a
        parts = name.split(".")
        base = _col_ref(parts[0], df_id)
        for p in parts[1:]:
            base = base.getField(p)
        qualified = _col_ref(".".join(parts[1:]))

        def render(ctx):
            if parts[0] in ctx.get("__aliases__", ()):
                return "%s.%s" % (parts[0], qualified._sql(ctx))
            return base._sql(ctx)

        def typer(cols):
            return base._type(cols) or qualified._type(cols)

        c = Column(render, parts[-1], typer, df_id=df_id)
        c._qualifier = parts[0]
        return c
    else:
        plain = name

    def render(ctx):
        q = ctx.get(df_id)
        return (q + "." if q else "") + quote_ident(plain)

    return Column(render, plain, lambda cols: _lookup(cols, plain), df_id=df_id, ref=plain)


def _lit(v):
    if isinstance(v, Column):
        return v
    return Column(lambda ctx: _lit_sql(v), _lit_name(v), lambda cols: T._infer_type(v))


def _to_col(v):
    """Arguments of operators: a Column as is, anything else a literal."""
    return v if isinstance(v, Column) else _lit(v)


def _to_col_name(v):
    """Arguments of functions: a Column as is, a string a column name."""
    if isinstance(v, Column):
        return v
    if isinstance(v, str):
        return _col_ref(v)
    return _lit(v)


def _raw(sql_text):
    """expr('...'): SQL text passed to the engine; its name and type come from the result."""
    c = Column(lambda ctx: "(%s)" % sql_text, None, None, raw=True)
    c._raw_text = sql_text
    return c
