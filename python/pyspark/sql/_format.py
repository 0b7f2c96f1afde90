"""Text forms Spark uses: show()'s table, Java's Double.toString, JSON/CSV output lines,
and the conversion of engine values (JSON cells) into Python values of a schema's types."""

import json
import math
from decimal import Decimal

from pyspark.sql import types as T
from pyspark.sql.types import Row, _create_row


def java_double(d):
    """Java's Double.toString, which Spark uses for doubles in show(), JSON and CSV:
    1.0, 2.5, 1.0E7, 1.234E-5 (plain notation for 1e-3 <= |d| < 1e7)."""
    d = float(d)
    if d != d:
        return "NaN"
    if d == float("inf"):
        return "Infinity"
    if d == float("-inf"):
        return "-Infinity"
    if d == 0:
        return "-0.0" if math.copysign(1.0, d) < 0 else "0.0"
    a = abs(d)
    sign = "-" if d < 0 else ""
    if 1e-3 <= a < 1e7:
        s = repr(a)
        if "e" in s or "E" in s:
            s = format(Decimal(s), "f")
        if "." not in s:
            s += ".0"
        return sign + s
    t = Decimal(repr(a)).normalize().as_tuple()
    digits = "".join(str(x) for x in t.digits)
    exponent = len(digits) - 1 + t.exponent
    mant = digits[0] + "." + (digits[1:] or "0")
    return "%s%sE%d" % (sign, mant, exponent)


# --- show() -------------------------------------------------------------------------------

def cell_string(v):
    """A value as Spark 2.4's show() casts it to a string (arrays and structs as [a, b], maps
    as [k -> v], null elements inside them as nothing, as 2.4 does)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return java_double(v)
    if isinstance(v, (list, tuple)):  # arrays and structs (Row is a tuple)
        out = "["
        for i, x in enumerate(v):
            if i > 0:
                out += ","
                if x is not None:
                    out += " "
            if x is not None:
                out += cell_string(x)
        return out + "]"
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            parts.append("%s ->%s" % (cell_string(k), "" if x is None else " " + cell_string(x)))
        return "[" + ", ".join(parts) + "]"
    if isinstance(v, (bytes, bytearray)):
        return "[" + " ".join("%02X" % b for b in v) + "]"
    return str(v)


def _fullwidth(ch):
    o = ord(ch)
    return (0x1100 <= o <= 0x115F or 0x2E80 <= o <= 0xA4CF or 0xAC00 <= o <= 0xD7A3 or
            0xF900 <= o <= 0xFAFF or 0xFE10 <= o <= 0xFE19 or 0xFE30 <= o <= 0xFE6F or
            0xFF00 <= o <= 0xFF60 or 0xFFE0 <= o <= 0xFFE6)


def half_width(s):
    """Display width as Spark 2.4 counts it (full-width East Asian characters count 2)."""
    return sum(2 if _fullwidth(c) else 1 for c in s)


def show_string(names, rows, num_rows=20, truncate=True, has_more=False):
    """Spark's Dataset.showString: '+---+' borders, cells right-aligned (left-aligned when
    truncate=False), cells (not the header) longer than truncate (20) cut to 17 chars +
    '...', then
    'only showing top N rows' when rows were left out."""
    if truncate is True:
        truncate = 20
    elif truncate is False:
        truncate = 0
    truncate = int(truncate)

    def cut(s):
        if truncate > 0 and len(s) > truncate:
            if truncate < 4:
                return s[:truncate]
            return s[:truncate - 3] + "..."
        return s

    table = [[str(n) for n in names]]  # Spark truncates cells, never the header
    for r in rows:
        table.append([cut(cell_string(v)) for v in r])
    ncols = len(names)
    widths = [3] * ncols
    for line in table:
        for i, c in enumerate(line):
            widths[i] = max(widths[i], half_width(c))
    sep = "+" + "+".join("-" * w for w in widths) + "+\n"

    def fmt(line):
        cells = []
        for i, c in enumerate(line):
            pad = " " * (widths[i] - half_width(c))
            cells.append(pad + c if truncate > 0 else c + pad)
        return "|" + "|".join(cells) + "|\n"

    out = sep + fmt(table[0]) + sep
    for line in table[1:]:
        out += fmt(line)
    out += sep
    if has_more:
        out += "only showing top %d %s\n" % (num_rows, "row" if num_rows == 1 else "rows")
    return out


# --- engine values -> Python values -------------------------------------------------------

def _compact_json(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def convert(v, dt):
    """One value (as the engine or a JSON file gives it) as Spark would hand it to Python."""
    if v is None or dt is None:
        return v
    if isinstance(dt, T.StringType):
        if isinstance(v, str):
            return v
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return java_double(v)
        if isinstance(v, (list, dict)):
            return _compact_json(v)
        return str(v)
    if isinstance(dt, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            return int(v) if v == v and abs(v) != float("inf") else None
        if isinstance(v, str):
            try:
                return int(v)
            except ValueError:
                try:
                    return int(float(v))
                except ValueError:
                    return None
        return v
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            try:
                return float(v)
            except ValueError:
                return None
        return v
    if isinstance(dt, T.DecimalType):
        try:
            return Decimal(str(v))
        except Exception:
            return None
    if isinstance(dt, T.BooleanType):
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            return v != 0
        if isinstance(v, str):
            low = v.strip().lower()
            if low in ("true", "1"):
                return True
            if low in ("false", "0"):
                return False
            return None
        return v
    if isinstance(dt, (T.DateType, T.TimestampType)) and isinstance(v, str):
        import datetime
        try:
            if isinstance(dt, T.DateType):
                return datetime.date.fromisoformat(v[:10])
            return datetime.datetime.fromisoformat(v.replace("T", " ").rstrip("Z"))
        except ValueError:
            return v
    if isinstance(dt, (T.ArrayType, T.StructType)) and isinstance(v, str):
        try:
            v = json.loads(v)  # the engine returns nested values as JSON text
        except ValueError:
            return v
    if isinstance(dt, T.ArrayType):
        if isinstance(v, list):
            return [convert(x, dt.elementType) for x in v]
        return v
    if isinstance(dt, T.StructType):
        if isinstance(v, dict):
            return _create_row(dt.names, [convert(v.get(f.name), f.dataType) for f in dt.fields])
        return v
    if isinstance(dt, T.MapType):
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                return v
        if isinstance(v, dict):
            return dict((k, convert(x, dt.valueType)) for k, x in v.items())
        return v
    return v


# --- Python values -> JSON text (df.write.json, toJSON, temp tables) ----------------------

def json_value(v, dt):
    """A value as Spark's JSON writer puts it (doubles as Java prints them)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return '"%s"' % java_double(v)
        if isinstance(dt, (T.DoubleType, T.FloatType)) or dt is None:
            return java_double(v)
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Row) and hasattr(v, "__fields__"):
        fields = dt.fields if isinstance(dt, T.StructType) else None
        parts = []
        for i, (n, x) in enumerate(zip(v.__fields__, v)):
            if x is None:
                continue
            fdt = fields[i].dataType if fields and i < len(fields) else None
            parts.append("%s:%s" % (_compact_json(n), json_value(x, fdt)))
        return "{" + ",".join(parts) + "}"
    if isinstance(v, dict):
        vdt = dt.valueType if isinstance(dt, T.MapType) else None
        if isinstance(dt, T.StructType):
            return json_value(_create_row(dt.names, [v.get(n) for n in dt.names]), dt)
        return "{" + ",".join("%s:%s" % (_compact_json(str(k)), json_value(x, vdt))
                              for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        edt = dt.elementType if isinstance(dt, T.ArrayType) else None
        if isinstance(dt, T.StructType):
            return json_value(_create_row(dt.names, list(v)), dt)
        return "[" + ",".join(json_value(x, edt) for x in v) + "]"
    if hasattr(v, "isoformat"):
        return _compact_json(v.isoformat())
    if isinstance(v, Decimal):
        return str(v)
    return _compact_json(str(v) if not isinstance(v, str) else v)


def json_line(row, schema, keep_nulls=False):
    parts = []
    for f, v in zip(schema.fields, row):
        if v is None and not keep_nulls:
            continue
        parts.append("%s:%s" % (_compact_json(f.name), json_value(v, f.dataType)))
    return "{" + ",".join(parts) + "}"


def csv_cell(v, sep=",", quote='"', null_value="", escape="\\"):
    if v is None:
        return null_value
    if isinstance(v, bool):
        s = "true" if v else "false"
    elif isinstance(v, float):
        s = java_double(v)
    else:
        s = str(v)
    if s == "":
        return quote + quote
    if any(c in s for c in (sep, quote, "\n", "\r")):
        return quote + s.replace(quote, escape + quote) + quote
    return s
