"""The interpreter of an Eddy `pyspark` session: one per session, kept by the worker that runs
the session's statements (src/cluster/interpreter_host.h), executing each statement the way
Livy's PySpark REPL does so that Livy clients see the same output.

Protocol (one JSON object per line):
  stdin   requests   {"code": "...", "kind": "pyspark" | "sql"}
  stdout  replies    first {"ready": true, "python": "3.11.2", "pyspark": "..."}; then one per
                     request: {"status": "ok", "data": {"text/plain": "..."}} or
                     {"status": "error", "ename": ..., "evalue": ..., "traceback": [...]}
                     (+ "interrupted": true when SIGINT stopped it: a cancel)
  stderr  the log: everything else, including what forked partitions print
After the ready line, file descriptors 0 and 1 are moved aside: user code printing to fd 1 (a
child process, os.write) lands in the log, never in the reply stream.

Statement semantics (Livy's fake_shell): the code is parsed as a module; every top-level
statement but the last runs in 'exec' mode, the last in 'single' mode (an expression's repr is
printed); what the statement writes to sys.stdout and sys.stderr becomes text/plain (stdout
then stderr, trailing whitespace removed); an exception becomes ename (its class name), evalue
(str of it) and traceback (traceback.format_exception, without the frames above the
statement's own). Lines starting with % are magics when the code does not parse as Python:
%json NAME (application/json) and %table NAME (application/vnd.livy.table.v1+json).
"""
import ast
import io
import json
import os
import signal
import sys
import traceback

MAX_TEXT = 1 << 20  # text/plain beyond 1 MiB is cut, with a note (the worker's stdout limit)
TOP_FRAME = "<stdin>"

user_globals = {"__name__": "__main__", "__builtins__": __builtins__}


class Captured(io.StringIO):
    """sys.stdout/sys.stderr of a statement; bytes are decoded as UTF-8 (Python 2 habits)."""

    def write(self, s):
        if isinstance(s, bytes):
            s = s.decode("utf-8", "replace")
        return super().write(s)


def error_reply(exc_type, exc_value, tb):
    lines = traceback.format_exception(exc_type, exc_value, tb, chain=False)
    # As Livy: "Traceback (most recent call last):", then the frames below the statement's
    # own top-level frame (those of this REPL above it, and that frame, are left out).
    for i, line in enumerate(lines):
        if line.lstrip().startswith('File "%s"' % TOP_FRAME) and "in <module>" in line:
            lines = lines[:1] + lines[i + 1:]
            break
    reply = {"status": "error", "ename": exc_type.__name__, "evalue": str(exc_value),
             "traceback": lines}
    if issubclass(exc_type, KeyboardInterrupt):
        reply["interrupted"] = True
    return reply


def run_python(code):
    """Executes `code`; returns the data dict of an ok reply (text/plain added by the caller)."""
    try:
        tree = compile(code, TOP_FRAME, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        chunks = [tree]
    except SyntaxError:
        chunks = split_magics(code)  # raises the SyntaxError again when there is no magic
    result = {}
    for chunk in chunks:
        if isinstance(chunk, str):
            result = run_magic(chunk)
            continue
        body = chunk.body
        for node in body[:-1]:
            exec(compile(ast.Module([node], []), TOP_FRAME, "exec"), user_globals)
        for node in body[-1:]:
            exec(compile(ast.Interactive([node]), TOP_FRAME, "single"), user_globals)
    return result


def split_magics(code):
    chunks, normal = [], []
    for line in code.rstrip().split("\n"):
        if line.startswith("%"):
            if normal:
                chunks.append("\n".join(normal))
                normal = []
            chunks.append(line)
        else:
            normal.append(line)
    if normal:
        chunks.append("\n".join(normal))
    if not any(c.startswith("%") for c in chunks):
        compile(code, TOP_FRAME, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)  # the real error
    out = []
    for c in chunks:
        out.append(c if c.startswith("%") else
                   compile(c, TOP_FRAME, "exec", ast.PyCF_ONLY_AST, dont_inherit=True))
    return out


class MagicError(Exception):
    pass


def run_magic(line):
    name, _, arg = line[1:].partition(" ")
    arg = arg.strip()
    if name not in ("json", "table"):
        raise MagicError("unknown magic command '%s' (Eddy supports %%json and %%table)" % name)
    if arg not in user_globals:
        raise NameError("name '%s' is not defined" % arg)
    value = user_globals[arg]
    if name == "json":
        return {"application/json": value}
    return {"application/vnd.livy.table.v1+json": livy_table(value)}


def table_type(value):
    """Livy's %table column types."""
    if value is None:
        return "NULL_TYPE"
    for types, name in ((bool, "BOOLEAN_TYPE"), (int, "INT_TYPE"), (float, "DOUBLE_TYPE"),
                        ((list, tuple), "ARRAY_TYPE"), (dict, "MAP_TYPE")):
        if isinstance(value, types):
            return name
    return "STRING_TYPE"


def livy_table(value):
    rows = value if isinstance(value, (list, tuple)) else [value]
    headers, data = {}, []
    for row in rows:
        if hasattr(row, "asDict"):
            row = row.asDict()
        if not isinstance(row, (list, tuple, dict)):
            row = [row]
        items = sorted(row.items()) if isinstance(row, dict) else enumerate(row)
        cols = []
        for key, col in items:
            kind = table_type(col)
            if kind == "STRING_TYPE":
                col = str(col)
            h = headers.setdefault(key, {"name": str(key), "type": kind})
            if kind != "NULL_TYPE" and h["type"] != kind:
                if h["type"] != "NULL_TYPE":
                    raise ValueError("table rows have different types")
                h["type"] = kind
            cols.append(col)
        data.append(cols)
    return {"headers": [h for _, h in sorted(headers.items(), key=lambda kv: str(kv[0]))],
            "data": data}


def run_sql(code):
    """A `sql` statement in a pyspark session: Spark SQL through the session's `spark`, shaped
    as Livy's SQL interpreter answers (application/json {schema, data})."""
    df = user_globals["spark"].sql(code)
    rows = df.collect()
    schema = df.schema.jsonValue() if hasattr(df.schema, "jsonValue") else {
        "type": "struct",
        "fields": [{"name": c, "type": "string", "nullable": True, "metadata": {}}
                   for c in df.columns]}
    return {"application/json": {"schema": schema, "data": [list(r) for r in rows]}}


def execute(request, out, err):
    code = request.get("code")
    if not isinstance(code, str):
        return {"status": "error", "ename": "InternalError",
                "evalue": 'Malformed message: no "code" string', "traceback": []}
    try:
        if request.get("kind") == "sql":
            data = run_sql(code)
        else:
            data = run_python(code)
    except SyntaxError:
        t, v, _ = sys.exc_info()
        return error_reply(t, v, None)
    except MagicError:
        t, v, _ = sys.exc_info()
        return error_reply(t, v, None)
    except BaseException:  # noqa: B902 - SystemExit and KeyboardInterrupt are the user's too
        return error_reply(*sys.exc_info())
    data = dict(data or {})
    text = data.pop("text/plain", "") + out.getvalue() + err.getvalue()
    text = text.rstrip()
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + "\n[Eddy: output cut at %d characters]" % MAX_TEXT
    if text or not data:
        data["text/plain"] = text
    return {"status": "ok", "data": data}


def main():
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # fd 1 of user code and its children: the log
    sys.stdin = io.StringIO()
    log = sys.stderr

    try:
        from pyspark import SparkContext
        from pyspark.sql import HiveContext, Row, SparkSession, SQLContext
        sc = SparkContext.getOrCreate()
        spark = SparkSession.builder.getOrCreate()
        user_globals.update(sc=sc, spark=spark, sqlContext=SQLContext(sc),
                            HiveContext=HiveContext, Row=Row)
        import pyspark
        version = getattr(pyspark, "__version__", "?")
    except BaseException:  # noqa: B902
        traceback.print_exc(file=log)
        replies.write(json.dumps({"ready": False, "error": traceback.format_exc(limit=3)}) + "\n")
        return 3
    replies.write(json.dumps({"ready": True, "python": sys.version.split()[0],
                              "pyspark": version}) + "\n")

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # until a statement runs
    while True:
        try:
            line = requests.readline()
        except KeyboardInterrupt:
            continue  # a cancel that came after its statement ended
        if line == "":
            return 0
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            reply = {"status": "error", "ename": "InternalError",
                     "evalue": "Malformed message: %s" % e, "traceback": []}
        else:
            out, err = Captured(), Captured()
            sys.stdout, sys.stderr = out, err
            # SIGINT (a cancel) interrupts the statement only: outside it, it is ignored, so
            # that one landing as the statement ends cannot stop the interpreter.
            signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                reply = execute(request, out, err)
            except KeyboardInterrupt:  # between the statement's end and here
                reply = error_reply(*sys.exc_info())
            finally:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                sys.stdout, sys.stderr = sys.__stdout__, log
        try:
            text = json.dumps(reply)
        except (TypeError, ValueError) as e:
            text = json.dumps({"status": "error", "ename": type(e).__name__,
                               "evalue": "the statement's result cannot be sent as JSON: %s" % e,
                               "traceback": []})
        replies.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
