"""spark.read (json, csv, text) and df.write (json, csv, text) for Eddy's pyspark.sql."""

import csv as _csv
import gzip
import io
import os
import uuid

from pyspark.sql import _engine
from pyspark.sql import types as T
from pyspark.sql._format import csv_cell, json_line
from pyspark.sql.types import StructField, StructType
from pyspark.sql.utils import AnalysisException, UnsupportedOperationException

__all__ = ["DataFrameReader", "DataFrameWriter"]


def _bool_opt(v, default=False):
    if v is None:
        return default
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() == "true"


def _paths(path):
    if isinstance(path, (list, tuple)):
        return [str(p) for p in path]
    return [str(path)]


def _as_schema(schema):
    if schema is None or isinstance(schema, StructType):
        return schema
    if isinstance(schema, str):
        dt = T._parse_datatype(schema)
        if not isinstance(dt, StructType):
            raise ValueError("schema %r is not a list of fields" % schema)
        return dt
    raise TypeError("schema should be StructType or string")


class _Options(object):
    """format/option/options: the same on the reader and the writer."""

    def format(self, source):
        self._format = str(source).lower()
        return self

    def option(self, key, value):
        self._options[str(key).lower()] = value
        return self

    def options(self, **options):
        for k, v in options.items():
            self.option(k, v)
        return self


class DataFrameReader(_Options):
    def __init__(self, session):
        self._session = session
        self._format = None
        self._options = {}
        self._schema = None


    def schema(self, schema):
        self._schema = _as_schema(schema)
        return self

    def load(self, path=None, format=None, schema=None, **options):
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        fmt = self._format or "parquet"
        if path is None:
            path = self._options.get("path")
        if path is None:
            raise UnsupportedOperationException("load() needs a path in Eddy's subset")
        if fmt == "json":
            return self.json(path)
        if fmt == "csv" or fmt == "com.databricks.spark.csv":
            return self.csv(path)
        if fmt == "text":
            return self.text(path)
        return self._unsupported(fmt)

    def _unsupported(self, fmt):
        raise UnsupportedOperationException(
            "the %s data source is outside Eddy's PySpark subset: Eddy reads json, csv and "
            "text (docs/pyspark-sql.md)" % fmt)

    def parquet(self, *paths, **options):
        return self._unsupported("parquet")

    def orc(self, path, **options):
        return self._unsupported("orc")

    def jdbc(self, url, table, **kwargs):
        return self._unsupported("jdbc")

    def table(self, tableName):
        return self._session.table(tableName)

    # --- json ---------------------------------------------------------------------------
    def json(self, path, schema=None, primitivesAsString=None, prefersDecimal=None,
             allowComments=None, allowUnquotedFieldNames=None, allowSingleQuotes=None,
             allowNumericLeadingZero=None, allowBackslashEscapingAnyCharacter=None,
             mode=None, columnNameOfCorruptRecord=None, dateFormat=None, timestampFormat=None,
             multiLine=None, **kwargs):
        schema = _as_schema(schema) or self._schema
        if _bool_opt(multiLine if multiLine is not None else self._options.get("multiline")):
            raise UnsupportedOperationException(
                "read.json(multiLine=True) is outside Eddy's subset: Eddy reads JSON lines")
        paths = _paths(path)
        if hasattr(path, "collect") and not isinstance(path, (str, list, tuple)):
            raise UnsupportedOperationException("read.json of an RDD is outside Eddy's subset")
        files = []
        for p in paths:
            files += _engine.check_input(p)
        if schema is not None:
            return self._json_materialized(paths, schema)
        p = paths[0]
        if len(paths) > 1 or _engine.needs_copy(p, files):
            p = _engine.concatenated_copy(files, ".json")
        name = _engine.fresh("__eddy_t")

        def infer():
            acc = T._SchemaAccumulator()
            for _, _, obj in _engine.iter_json_records(p):
                acc.add(obj)
            return [(f.name, f.dataType) for f in acc.result().fields]

        from pyspark.sql.dataframe import DataFrame, _Plan
        return DataFrame(self._session, _Plan(_engine.quote_ident(name)),
                         {name: ("json", p)}, None, infer, source=(name, "json", p))

    def _json_materialized(self, paths, schema):
        """Several paths, or a given schema: the rows are written to one temp JSON file."""
        records = []
        acc = T._SchemaAccumulator()
        for p in paths:
            for _, _, obj in _engine.iter_json_records(p):
                records.append(obj)
                if schema is None:
                    acc.add(obj)
        if schema is None:
            schema = acc.result()
        from pyspark.sql._format import convert
        rows = [[convert(obj.get(f.name), f.dataType) for f in schema.fields] for obj in records]
        return self._session._from_python_rows(rows, schema)

    # --- csv ----------------------------------------------------------------------------
    def csv(self, path, schema=None, sep=None, encoding=None, quote=None, escape=None,
            comment=None, header=None, inferSchema=None, ignoreLeadingWhiteSpace=None,
            ignoreTrailingWhiteSpace=None, nullValue=None, nanValue=None, positiveInf=None,
            negativeInf=None, dateFormat=None, timestampFormat=None, maxColumns=None,
            maxCharsPerColumn=None, maxMalformedLogPerPartition=None, mode=None,
            columnNameOfCorruptRecord=None, multiLine=None, **kwargs):
        o = self._options
        schema = _as_schema(schema) or self._schema
        sep = sep if sep is not None else o.get("sep", o.get("delimiter", ","))
        quote = quote if quote is not None else o.get("quote", '"')
        escape = escape if escape is not None else o.get("escape", "\\")
        comment = comment if comment is not None else o.get("comment")
        header = _bool_opt(header if header is not None else o.get("header"))
        infer = _bool_opt(inferSchema if inferSchema is not None else o.get("inferschema"))
        null_value = nullValue if nullValue is not None else o.get("nullvalue", "")
        encoding = encoding or o.get("encoding") or o.get("charset") or "utf-8"
        records = []
        names = None
        for p in _paths(path):
            for f in _engine.check_input(p):
                data = _engine.read_bytes(f)
                if f.endswith(".gz"):
                    data = gzip.decompress(data)
                text = data.decode(encoding, "replace")
                reader = _csv.reader(io.StringIO(text, newline=""), delimiter=sep,
                                     quotechar=quote or None, escapechar=escape or None)
                first = True
                for rec in reader:
                    if not rec or (comment and rec[0].startswith(comment)):
                        continue
                    if first and header:
                        first = False
                        if names is None:
                            names = _safe_header(rec, null_value)
                        continue
                    first = False
                    records.append(rec)
        width = max([len(names or [])] + [len(r) for r in records]) if (records or names) \
            else 0
        if names is None:
            names = ["_c%d" % i for i in range(width)]
        if schema is not None:
            names = schema.names
            types = [f.dataType for f in schema.fields]
        elif infer:
            types = [_csv_infer([r[i] if i < len(r) else None for r in records], null_value)
                     for i in range(len(names))]
        else:
            types = [T.StringType()] * len(names)
        rows = []
        for r in records:
            vals = []
            for i, t in enumerate(types):
                v = r[i] if i < len(r) else None
                vals.append(_csv_value(v, t, null_value))
            rows.append(vals)
        schema = StructType([StructField(n, t, True) for n, t in zip(names, types)])
        return self._session._from_python_rows(rows, schema)

    # --- text ---------------------------------------------------------------------------
    def text(self, paths, wholetext=False, lineSep=None, **kwargs):
        if wholetext:
            raise UnsupportedOperationException("read.text(wholetext=True) is outside "
                                                "Eddy's subset")
        ps = _paths(paths)
        files = []
        for p in ps:
            files += _engine.check_input(p)
        p = ps[0]
        if len(ps) > 1 or _engine.needs_copy(p, files):
            p = _engine.concatenated_copy(files, ".txt")
        name = _engine.fresh("__eddy_t")
        from pyspark.sql.dataframe import DataFrame, _Plan
        df = DataFrame(self._session, _Plan(_engine.quote_ident(name)),
                       {name: ("text", p)}, None,
                       lambda: [("value", T.StringType())], source=(name, "text", p))
        df._cheap = True
        return df


def _safe_header(rec, null_value):
    """Spark's CSV header: empty names become _c<i>; names repeated (case-insensitively) get
    their position appended (a, a -> a0, a1)."""
    low = [n.lower() for n in rec if n]
    dups = set(n for n in low if low.count(n) > 1)
    out = []
    for i, n in enumerate(rec):
        if not n or n == null_value:
            out.append("_c%d" % i)
        elif n.lower() in dups:
            out.append("%s%d" % (n, i))
        else:
            out.append(n)
    return out


def _csv_type_of(s):
    try:
        v = int(s)
        return T.IntegerType() if -2 ** 31 <= v < 2 ** 31 else T.LongType()
    except ValueError:
        pass
    try:
        float(s)
        return T.DoubleType()
    except ValueError:
        pass
    if s.lower() in ("true", "false"):
        return T.BooleanType()
    return T.StringType()


def _csv_infer(values, null_value):
    """Spark's CSV inferSchema: int, then long, double, boolean, else string."""
    t = None
    for v in values:
        if v is None or v == null_value or v == "":
            continue
        vt = _csv_type_of(v)
        if t is None:
            t = vt
        elif t != vt:
            nums = (T.IntegerType, T.LongType, T.DoubleType)
            if isinstance(t, nums) and isinstance(vt, nums):
                t = T.DoubleType() if T.DoubleType() in (t, vt) else T.LongType()
            else:
                t = T.StringType()
    return t or T.StringType()


def _csv_value(v, t, null_value):
    if v is None or v == null_value or v == "":
        return None
    if isinstance(t, (T.IntegerType, T.LongType, T.ShortType, T.ByteType)):
        try:
            return int(v)
        except ValueError:
            return None
    if isinstance(t, (T.DoubleType, T.FloatType)):
        try:
            return float(v)
        except ValueError:
            return None
    if isinstance(t, T.BooleanType):
        return {"true": True, "false": False}.get(v.lower())
    return v


_SAVE_MODES = ("append", "overwrite", "error", "errorifexists", "ignore", "default")


class DataFrameWriter(_Options):
    def __init__(self, df):
        self._df = df
        self._mode = "error"
        self._format = None
        self._options = {}

    def mode(self, saveMode):
        if saveMode is None:
            return self
        m = str(saveMode).lower()
        if m not in _SAVE_MODES:
            raise ValueError("Unknown save mode: %s. Accepted save modes are 'overwrite', "
                             "'append', 'ignore', 'error', 'errorifexists'." % saveMode)
        self._mode = "error" if m in ("default", "errorifexists") else m
        return self


    def partitionBy(self, *cols):
        raise UnsupportedOperationException("DataFrameWriter.partitionBy is outside Eddy's "
                                            "subset")

    def bucketBy(self, numBuckets, col, *cols):
        raise UnsupportedOperationException("DataFrameWriter.bucketBy is outside Eddy's subset")

    def sortBy(self, col, *cols):
        raise UnsupportedOperationException("DataFrameWriter.sortBy is outside Eddy's subset")

    def saveAsTable(self, name, format=None, mode=None, partitionBy=None, **options):
        raise UnsupportedOperationException(
            "saveAsTable is outside Eddy's subset (no metastore): write to a path, or "
            "createOrReplaceTempView")

    def insertInto(self, tableName, overwrite=False):
        raise UnsupportedOperationException("insertInto is outside Eddy's subset (no "
                                            "metastore)")

    def parquet(self, path, mode=None, partitionBy=None, compression=None):
        raise UnsupportedOperationException("writing parquet is outside Eddy's subset: Eddy "
                                            "writes json, csv and text")

    def orc(self, path, mode=None, partitionBy=None, compression=None):
        raise UnsupportedOperationException("writing orc is outside Eddy's subset")

    def jdbc(self, url, table, mode=None, properties=None):
        raise UnsupportedOperationException("jdbc is outside Eddy's subset")

    def save(self, path=None, format=None, mode=None, partitionBy=None, **options):
        self.mode(mode)
        if format is not None:
            self.format(format)
        self.options(**options)
        if partitionBy:
            self.partitionBy(partitionBy)
        fmt = self._format or "parquet"
        if path is None:
            path = self._options.get("path")
        if fmt == "json":
            return self.json(path)
        if fmt in ("csv", "com.databricks.spark.csv"):
            return self.csv(path)
        if fmt == "text":
            return self.text(path)
        if fmt == "parquet":
            return self.parquet(path)
        raise UnsupportedOperationException("the %s data source is outside Eddy's subset" % fmt)

    def json(self, path, mode=None, compression=None, dateFormat=None, timestampFormat=None,
             lineSep=None, encoding=None, **kwargs):
        self.mode(mode)
        schema, rows = self._df._run()
        data = "".join(json_line(r, schema) + "\n" for r in rows)
        self._write(path, data, "json", compression)

    def text(self, path, compression=None, lineSep=None):
        schema, rows = self._df._run()
        if len(schema.fields) != 1:
            raise AnalysisException("Text data source supports only a single column, and you "
                                    "have %d columns.;" % len(schema.fields))
        if not isinstance(schema.fields[0].dataType, T.StringType):
            raise AnalysisException("Text data source does not support %s data type.;"
                                    % schema.fields[0].dataType.simpleString())
        data = "".join(("" if r[0] is None else r[0]) + "\n" for r in rows)
        self._write(path, data, "txt", compression)

    def csv(self, path, mode=None, compression=None, sep=None, quote=None, escape=None,
            header=None, nullValue=None, escapeQuotes=None, quoteAll=None, dateFormat=None,
            timestampFormat=None, ignoreLeadingWhiteSpace=None,
            ignoreTrailingWhiteSpace=None, charToEscapeQuoteEscaping=None, encoding=None,
            emptyValue=None, lineSep=None):
        self.mode(mode)
        o = self._options
        sep = sep if sep is not None else o.get("sep", o.get("delimiter", ","))
        quote = quote if quote is not None else o.get("quote", '"')
        escape = escape if escape is not None else o.get("escape", "\\")
        header = _bool_opt(header if header is not None else o.get("header"))
        null_value = nullValue if nullValue is not None else o.get("nullvalue", "")
        schema, rows = self._df._run()
        for f in schema.fields:
            if isinstance(f.dataType, (T.ArrayType, T.StructType, T.MapType)):
                raise AnalysisException("CSV data source does not support %s data type.;"
                                        % f.dataType.simpleString())
        lines = []
        if header:
            lines.append(sep.join(csv_cell(n, sep, quote, null_value, escape)
                                  for n in schema.names))
        for r in rows:
            lines.append(sep.join(csv_cell(v, sep, quote, null_value, escape) for v in r))
        self._write(path, "".join(l + "\n" for l in lines), "csv",
                    compression or o.get("compression"))

    def _write(self, path, text, ext, compression=None):
        if path is None:
            raise ValueError("a path is needed to write")
        compression = compression or self._options.get("compression")
        data = text.encode("utf-8")
        name = "part-00000-%s-c000.%s" % (uuid.uuid4(), ext)
        if compression and str(compression).lower() in ("gzip", "gz"):
            data = gzip.compress(data)
            name += ".gz"
        elif compression and str(compression).lower() not in ("none", "uncompressed"):
            raise UnsupportedOperationException("compression %s is outside Eddy's subset "
                                                "(gzip or none)" % compression)
        exists = _output_exists(path)
        mode = self._mode
        if exists:
            if mode == "error":
                raise AnalysisException("path %s already exists.;" % path)
            if mode == "ignore":
                return
        files = {name: data}
        if exists and mode == "append":
            io_mod = _engine._core_io()
            if io_mod is not None and hasattr(io_mod, "put_file"):
                # one more part file next to the others (its name is new: a new uuid)
                tmp = _engine.write_temp_bytes(data)
                try:
                    io_mod.put_file(tmp, _engine.normalize(path).rstrip("/") + "/" + name)
                finally:
                    os.remove(tmp)
                return
            base = _engine.normalize(path).rstrip("/") + "/"
            try:
                old = _engine.list_files(path)
            except FileNotFoundError:
                old = []
            for f in old:
                rel = _engine.normalize(f)
                rel = rel[len(base):] if rel.startswith(base) else rel.rsplit("/", 1)[-1]
                files[rel] = _engine.read_bytes(f)
            _engine.write_dir(path, files, overwrite=True)
            return
        _engine.write_dir(path, files, overwrite=(exists and mode == "overwrite"))


def _output_exists(path):
    io_mod = _engine._core_io()
    if io_mod is not None and hasattr(io_mod, "output_exists"):
        return io_mod.output_exists(path)
    return _engine.path_exists(path)
