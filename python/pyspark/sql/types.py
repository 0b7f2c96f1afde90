"""Spark SQL data types and Row, as PySpark 2.4 presents them (Eddy's PySpark subset).

Written for Eddy from Spark's documented behaviour: simpleString() names ("bigint", "int",
"array<string>", "struct<a:bigint>"), PySpark 2.4 reprs ("LongType",
"StructField(a,LongType,true)"), and Row's 2.4 semantics (keyword fields sorted by name).
"""

import datetime as _dt
import decimal as _decimal
import re as _re

__all__ = [
    "DataType", "NullType", "StringType", "BinaryType", "BooleanType", "DateType",
    "TimestampType", "DecimalType", "DoubleType", "FloatType", "ByteType", "IntegerType",
    "LongType", "ShortType", "ArrayType", "MapType", "StructField", "StructType", "Row",
]


class DataType(object):
    """Base class of Spark SQL types."""

    def __repr__(self):
        return self.__class__.__name__

    def __hash__(self):
        return hash(str(self))

    def __eq__(self, other):
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __ne__(self, other):
        return not self.__eq__(other)

    @classmethod
    def typeName(cls):
        return cls.__name__[:-4].lower()

    def simpleString(self):
        return self.typeName()

    def jsonValue(self):
        return self.typeName()

    def json(self):
        import json
        return json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def needConversion(self):
        return False


class _Atomic(DataType):
    _instance = None

    def __new__(cls, *args, **kwargs):  # singletons, as in PySpark
        if cls._instance is None or cls._instance.__class__ is not cls:
            cls._instance = super(_Atomic, cls).__new__(cls)
        return cls._instance


class NullType(_Atomic):
    pass


class StringType(_Atomic):
    pass


class BinaryType(_Atomic):
    pass


class BooleanType(_Atomic):
    pass


class DateType(_Atomic):
    pass


class TimestampType(_Atomic):
    pass


class DoubleType(_Atomic):
    pass


class FloatType(_Atomic):
    pass


class ByteType(_Atomic):
    def simpleString(self):
        return "tinyint"


class IntegerType(_Atomic):
    def simpleString(self):
        return "int"


class LongType(_Atomic):
    def simpleString(self):
        return "bigint"


class ShortType(_Atomic):
    def simpleString(self):
        return "smallint"


class DecimalType(DataType):
    def __init__(self, precision=10, scale=0):
        self.precision = precision
        self.scale = scale

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def jsonValue(self):
        return self.simpleString()

    def __repr__(self):
        return "DecimalType(%d,%d)" % (self.precision, self.scale)


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()

    def __repr__(self):
        return "ArrayType(%s,%s)" % (self.elementType, str(self.containsNull).lower())

    def jsonValue(self):
        return {"type": "array", "elementType": self.elementType.jsonValue(),
                "containsNull": self.containsNull}


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())

    def __repr__(self):
        return "MapType(%s,%s,%s)" % (self.keyType, self.valueType,
                                      str(self.valueContainsNull).lower())

    def jsonValue(self):
        return {"type": "map", "keyType": self.keyType.jsonValue(),
                "valueType": self.valueType.jsonValue(),
                "valueContainsNull": self.valueContainsNull}


class StructField(DataType):
    def __init__(self, name, dataType, nullable=True, metadata=None):
        assert isinstance(dataType, DataType), "dataType %s should be a DataType" % (dataType,)
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self):
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def __repr__(self):
        return "StructField(%s,%s,%s)" % (self.name, self.dataType, str(self.nullable).lower())

    def jsonValue(self):
        return {"name": self.name, "type": self.dataType.jsonValue(),
                "nullable": self.nullable, "metadata": self.metadata}


class StructType(DataType):
    def __init__(self, fields=None):
        self.fields = list(fields or [])
        self.names = [f.name for f in self.fields]

    def add(self, field, data_type=None, nullable=True, metadata=None):
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if isinstance(data_type, str):
                data_type = _parse_datatype(data_type)
            self.fields.append(StructField(field, data_type, nullable, metadata))
        self.names = [f.name for f in self.fields]
        return self

    def fieldNames(self):
        return list(self.names)

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError("No StructField named %s" % key)
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError("StructType keys should be strings, integers or slices")

    def simpleString(self):
        return "struct<%s>" % ",".join(f.simpleString() for f in self.fields)

    def __repr__(self):
        return "StructType(List(%s))" % ",".join(str(f) for f in self.fields)

    def jsonValue(self):
        return {"type": "struct", "fields": [f.jsonValue() for f in self.fields]}

    def treeString(self):
        """Spark's printSchema() text: 'root' then ' |-- name: type (nullable = true)'."""
        lines = ["root"]
        for f in self.fields:
            _tree_field(lines, f.name, f.dataType, f.nullable, " |")
        return "\n".join(lines) + "\n"


def _tree_type_name(dt):
    # printSchema names types with typeName(): long, integer, string, array, struct, map.
    if isinstance(dt, DecimalType):
        return dt.simpleString()
    return dt.typeName()


def _tree_field(lines, name, dt, nullable, prefix):
    lines.append("%s-- %s: %s (nullable = %s)" % (prefix, name, _tree_type_name(dt),
                                                   str(nullable).lower()))
    _tree_children(lines, dt, prefix + "    |")


def _tree_children(lines, dt, prefix):
    if isinstance(dt, StructType):
        for f in dt.fields:
            _tree_field(lines, f.name, f.dataType, f.nullable, prefix)
    elif isinstance(dt, ArrayType):
        lines.append("%s-- element: %s (containsNull = %s)" % (
            prefix, _tree_type_name(dt.elementType), str(dt.containsNull).lower()))
        _tree_children(lines, dt.elementType, prefix + "    |")
    elif isinstance(dt, MapType):
        lines.append("%s-- key: %s" % (prefix, _tree_type_name(dt.keyType)))
        _tree_children(lines, dt.keyType, prefix + "    |")
        lines.append("%s-- value: %s (valueContainsNull = %s)" % (
            prefix, _tree_type_name(dt.valueType), str(dt.valueContainsNull).lower()))
        _tree_children(lines, dt.valueType, prefix + "    |")


# --- DDL strings: "a int, b string", "array<string>", "struct<a:int>" ---------------------

_SIMPLE_NAMES = {
    "string": StringType, "varchar": StringType, "char": StringType, "text": StringType,
    "int": IntegerType, "integer": IntegerType, "bigint": LongType, "long": LongType,
    "smallint": ShortType, "short": ShortType, "tinyint": ByteType, "byte": ByteType,
    "double": DoubleType, "float": FloatType, "real": FloatType, "boolean": BooleanType,
    "bool": BooleanType, "date": DateType, "timestamp": TimestampType, "binary": BinaryType,
    "null": NullType, "void": NullType,
}


class _DDLParser(object):
    def __init__(self, text):
        self.text = text
        self.pos = 0

    def _ws(self):
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self):
        self._ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, ch):
        if self._peek() != ch:
            raise ValueError("cannot parse data type %r: expected %r at position %d"
                             % (self.text, ch, self.pos))
        self.pos += 1

    def name(self):
        self._ws()
        if self._peek() == "`":
            end = self.text.find("`", self.pos + 1)
            if end < 0:
                raise ValueError("cannot parse %r: unclosed backtick" % self.text)
            n = self.text[self.pos + 1:end]
            self.pos = end + 1
            return n
        m = _re.compile(r"[A-Za-z0-9_]+").match(self.text, self.pos)
        if not m:
            raise ValueError("cannot parse data type %r at position %d" % (self.text, self.pos))
        self.pos = m.end()
        return m.group(0)

    def dtype(self):
        word = self.name().lower()
        if word == "array":
            self._expect("<")
            el = self.dtype()
            self._expect(">")
            return ArrayType(el, True)
        if word == "map":
            self._expect("<")
            k = self.dtype()
            self._expect(",")
            v = self.dtype()
            self._expect(">")
            return MapType(k, v, True)
        if word == "struct":
            self._expect("<")
            fields = []
            if self._peek() != ">":
                while True:
                    n = self.name()
                    if self._peek() == ":":
                        self.pos += 1
                    fields.append(StructField(n, self.dtype(), True))
                    if self._peek() == ",":
                        self.pos += 1
                        continue
                    break
            self._expect(">")
            return StructType(fields)
        if word == "decimal":
            if self._peek() == "(":
                self.pos += 1
                p = int(self.name())
                self._expect(",")
                s = int(self.name())
                self._expect(")")
                return DecimalType(p, s)
            return DecimalType()
        if word in ("varchar", "char") and self._peek() == "(":
            self.pos += 1
            self.name()
            self._expect(")")
        if word not in _SIMPLE_NAMES:
            raise ValueError("DataType %s is not supported." % word)
        return _SIMPLE_NAMES[word]()

    def fields(self):
        out = []
        while True:
            n = self.name()
            if self._peek() == ":":
                self.pos += 1
            out.append(StructField(n, self.dtype(), True))
            if self._peek() == ",":
                self.pos += 1
                continue
            break
        if self._peek():
            raise ValueError("cannot parse schema %r at position %d" % (self.text, self.pos))
        return StructType(out)


def _parse_datatype(text):
    """'int', 'array<string>', or a DDL field list 'a int, b string' (-> StructType)."""
    text = text.strip()
    p = _DDLParser(text)
    try:
        dt = p.dtype()
        if not p._peek():
            return dt
    except ValueError:
        pass
    return _DDLParser(text).fields()


# --- type inference (JSON rows, Python rows, query results) -------------------------------

def _infer_type(v):
    """Spark's JSON inference for one value; None -> NullType (turned into string at the end)."""
    if v is None:
        return NullType()
    if isinstance(v, bool):
        return BooleanType()
    if isinstance(v, int):
        return LongType()
    if isinstance(v, float):
        return DoubleType()
    if isinstance(v, _decimal.Decimal):
        return DoubleType()
    if isinstance(v, str):
        return StringType()
    if isinstance(v, (bytes, bytearray)):
        return BinaryType()
    if isinstance(v, _dt.datetime):
        return TimestampType()
    if isinstance(v, _dt.date):
        return DateType()
    if isinstance(v, Row) and hasattr(v, "__fields__"):
        return StructType([StructField(n, _infer_type(x), True)
                           for n, x in zip(v.__fields__, v)])
    if isinstance(v, dict):
        return StructType([StructField(k, _infer_type(v[k]), True) for k in sorted(v)])
    if isinstance(v, (list, tuple)):
        et = NullType()
        for x in v:
            et = _merge_type(et, _infer_type(x))
        return ArrayType(et, True)
    return StringType()


def _merge_type(a, b):
    """Widening as Spark's JSON inference does: long+double -> double, struct fields merged,
    anything else that disagrees -> string."""
    if a is None:
        return b
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if a == b:
        return a
    numeric = (IntegerType, LongType, ShortType, ByteType)
    if isinstance(a, numeric) and isinstance(b, numeric):
        return LongType()
    if isinstance(a, numeric + (DoubleType, FloatType)) and \
            isinstance(b, numeric + (DoubleType, FloatType)):
        return DoubleType()
    if isinstance(a, StructType) and isinstance(b, StructType):
        fields = {}
        for f in a.fields + b.fields:
            fields[f.name] = _merge_type(fields.get(f.name), f.dataType)
        return StructType([StructField(n, fields[n], True) for n in sorted(fields)])
    if isinstance(a, ArrayType) and isinstance(b, ArrayType):
        return ArrayType(_merge_type(a.elementType, b.elementType), True)
    if isinstance(a, MapType) and isinstance(b, MapType):
        return MapType(_merge_type(a.keyType, b.keyType), _merge_type(a.valueType, b.valueType),
                       True)
    return StringType()


def _infer_py_type(v):
    """PySpark's inference for createDataFrame: as _infer_type, but a dict is a map
    (MapType), not a struct; Rows are structs."""
    if isinstance(v, dict):
        kt, vt = NullType(), NullType()
        for k, x in v.items():
            kt = _merge_type(kt, _infer_py_type(k))
            vt = _merge_type(vt, _infer_py_type(x))
        return MapType(kt, vt, True)
    if isinstance(v, Row) and hasattr(v, "__fields__"):
        return StructType([StructField(n, _infer_py_type(x), True)
                           for n, x in zip(v.__fields__, v)])
    if isinstance(v, (list, tuple)) and not isinstance(v, Row):
        et = NullType()
        for x in v:
            et = _merge_type(et, _infer_py_type(x))
        return ArrayType(et, True)
    return _infer_type(v)


class _SchemaAccumulator(object):
    """Schema inference over many JSON objects, linear in the number of keys: field types
    merged per key, names sorted once at the end (Spark's read.json sorts field names)."""

    _SCALARS = (str, int, float, bool)

    def __init__(self):
        self.fields = {}
        self.last = {}      # key -> Python type of a scalar already merged into fields[key]
        self.seen = False

    def add(self, obj):
        self.seen = True
        fields = self.fields
        last = self.last
        for k, v in obj.items():
            tv = type(v)
            if last.get(k) is tv:
                continue  # the same scalar type again: nothing to merge
            fields[k] = _merge_type(fields.get(k), _infer_type(v))
            if tv in self._SCALARS:
                last[k] = tv

    def result(self):
        return StructType([StructField(n, _null_to_string(self.fields[n]), True)
                           for n in sorted(self.fields)])


def _null_to_string(dt):
    """Spark turns columns that only ever held null into string columns."""
    if isinstance(dt, NullType) or dt is None:
        return StringType()
    if isinstance(dt, ArrayType):
        return ArrayType(_null_to_string(dt.elementType), dt.containsNull)
    if isinstance(dt, StructType):
        return StructType([StructField(f.name, _null_to_string(f.dataType), f.nullable)
                           for f in dt.fields])
    if isinstance(dt, MapType):
        return MapType(dt.keyType, _null_to_string(dt.valueType), dt.valueContainsNull)
    return dt


# --- Row ----------------------------------------------------------------------------------

def _create_row(fields, values):
    row = Row(*values)
    row.__fields__ = list(fields)
    return row


class Row(tuple):
    """A row: Row(a=1, b=2), Row("a", "b")(1, 2), row[0], row.a, row["a"], asDict().

    As in PySpark 2.4 (Eddy's target), Row(**kwargs) sorts the fields by name:
    Row(b=1, a=2) is Row(a=2, b=1).
    """

    def __new__(cls, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            names = sorted(kwargs.keys())
            row = tuple.__new__(cls, [kwargs[n] for n in names])
            row.__fields__ = names
            row.__from_dict__ = True
            return row
        return tuple.__new__(cls, args)

    def asDict(self, recursive=False):
        if not hasattr(self, "__fields__"):
            raise TypeError("Cannot convert a Row class into dict")

        def conv(obj):
            if isinstance(obj, Row):
                return obj.asDict(True)
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, dict):
                return dict((k, conv(v)) for k, v in obj.items())
            return obj

        if recursive:
            return dict(zip(self.__fields__, (conv(o) for o in self)))
        return dict(zip(self.__fields__, self))

    def __contains__(self, item):
        if hasattr(self, "__fields__"):
            return item in self.__fields__
        return super(Row, self).__contains__(item)

    def __call__(self, *args):
        """Row("a", "b")(1, 2): this row's values are the field names."""
        if len(args) > len(self):
            raise ValueError("Can not create Row with fields %s, expected %d values but got %s"
                             % (self, len(self), args))
        return _create_row(self, args)

    def __getitem__(self, item):
        if isinstance(item, (int, slice)):
            return super(Row, self).__getitem__(item)
        try:
            idx = self.__fields__.index(item)
            return super(Row, self).__getitem__(idx)
        except IndexError:
            raise KeyError(item)
        except (ValueError, AttributeError):
            raise ValueError(item)

    def __getattr__(self, item):
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            idx = self.__fields__.index(item)
            return self[idx]
        except IndexError:
            raise AttributeError(item)
        except ValueError:
            raise AttributeError(item)

    def __setattr__(self, key, value):
        if key not in ("__fields__", "__from_dict__"):
            raise Exception("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self):
        if hasattr(self, "__fields__"):
            return (_create_row, (self.__fields__, tuple(self)))
        return tuple.__reduce__(self)

    def __repr__(self):
        if hasattr(self, "__fields__"):
            return "Row(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self.__fields__, self))
        return "<Row(%s)>" % ", ".join("%s" % (f,) for f in self)
