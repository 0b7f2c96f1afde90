"""How Eddy's pyspark.sql talks to the outside: `eddy sql`, files, temp tables.

- run(): one `$EDDY_BINARY sql --format json --table NAME:FORMAT=PATH ... QUERY` per action.
- files go through pyspark._io (the core's local/s3 layer) when it is there; a local-only
  fallback keeps this module usable on its own.
"""

import atexit
import glob as _glob
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading

from pyspark.sql.utils import AnalysisException, QueryExecutionException


def eddy_binary():
    b = os.environ.get("EDDY_BINARY")
    if b:
        return b
    io = _core_io()
    if io is not None and hasattr(io, "eddy_binary"):
        try:
            return io.eddy_binary()
        except Exception:
            pass
    found = shutil.which("eddy")
    if found:
        return found
    raise QueryExecutionException(
        "Eddy's pyspark.sql needs the eddy binary to run SQL: set EDDY_BINARY to its path")


# --- names ------------------------------------------------------------------------------

_counter = itertools.count(1)
_lock = threading.Lock()


def fresh(prefix):
    with _lock:
        return "%s%d" % (prefix, next(_counter))


def quote_ident(name):
    """A SQL identifier as Spark writes it: `name`. A name holding a backtick is written
    "double-quoted" (Eddy's dialect drops backticks inside backtick quotes)."""
    name = str(name)
    if "`" in name:
        return '"' + name.replace('"', '""') + '"'
    return "`" + name + "`"


def quote_string(s):
    return "'" + str(s).replace("'", "''") + "'"


# --- files ------------------------------------------------------------------------------

def _core_io():
    try:
        from pyspark import _io
        return _io
    except ImportError:
        return None


def normalize(path):
    io = _core_io()
    if io is not None and hasattr(io, "normalize"):
        return io.normalize(path)
    p = str(path)
    for pre in ("s3a://", "s3n://"):
        if p.startswith(pre):
            return "s3://" + p[len(pre):]
    if p.startswith("file://"):
        return p[len("file://"):]
    return p


def is_remote(path):
    return normalize(path).startswith("s3://")


def _local_list(path):
    p = normalize(path)
    if any(c in p for c in "*?["):
        cands = sorted(_glob.glob(p))
    else:
        cands = [p] if os.path.exists(p) else []
    out = []
    for c in cands:
        if os.path.isdir(c):
            for root, dirs, files in os.walk(c):
                dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
                for f in sorted(files):
                    if not f.startswith(("_", ".")):
                        out.append(os.path.join(root, f))
        else:
            out.append(c)
    if not cands:
        raise FileNotFoundError("Input path does not exist: %s" % path)
    return sorted(out)


def list_files(path):
    io = _core_io()
    if io is not None and hasattr(io, "list_files"):
        return io.list_files(path)
    if is_remote(path):
        raise QueryExecutionException("reading %s needs pyspark._io (Eddy's core)" % path)
    return _local_list(path)


def read_bytes(path):
    io = _core_io()
    if io is not None and hasattr(io, "read_bytes"):
        return io.read_bytes(path)
    with open(normalize(path), "rb") as f:
        return f.read()


def path_exists(path):
    """True if path names a file, a directory or an s3 prefix that holds anything."""
    if not is_remote(path):
        return os.path.exists(normalize(path))
    try:
        list_files(path)
        return True
    except FileNotFoundError:
        return False


def write_dir(path, files, overwrite=False):
    io = _core_io()
    if io is not None and hasattr(io, "write_dir"):
        return io.write_dir(path, files, overwrite=overwrite)
    if is_remote(path):
        raise QueryExecutionException("writing %s needs pyspark._io (Eddy's core)" % path)
    p = normalize(path)
    if os.path.exists(p):
        if not overwrite:
            raise FileExistsError("Output directory %s already exists" % path)
        if os.path.isdir(p):
            shutil.rmtree(p)
        else:
            os.remove(p)
    os.makedirs(p)
    for name in sorted(files):
        with open(os.path.join(p, name), "wb") as f:
            f.write(files[name])
    open(os.path.join(p, "_SUCCESS"), "wb").close()


def check_input(path):
    """Spark's read.*() fails at once on a missing path: AnalysisException 'Path does not
    exist: PATH'."""
    try:
        files = list_files(path)
    except FileNotFoundError:
        raise AnalysisException("Path does not exist: %s;" % path)
    return files


# --- temp files for DataFrames built from Python rows -----------------------------------

_tmpdir = None


def temp_dir():
    global _tmpdir
    with _lock:
        if _tmpdir is None:
            _tmpdir = tempfile.mkdtemp(prefix="eddy-pyspark-sql-")
            atexit.register(_remove_temp_dir, _tmpdir, os.getpid())
        return _tmpdir


def _remove_temp_dir(path, owner_pid):
    # forked RDD workers inherit atexit handlers: only the process that made it removes it
    if os.getpid() == owner_pid:
        shutil.rmtree(path, True)


def write_temp_bytes(data):
    path = os.path.join(temp_dir(), fresh("out-"))
    with open(path, "wb") as f:
        f.write(data)
    return path


def write_temp_json_lines(lines):
    path = os.path.join(temp_dir(), fresh("rows-") + ".json")
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line)
            f.write("\n")
    return path


def needs_copy(path, files):
    """The engine reads a file, a directory or an s3 prefix, uncompressed: a glob, several
    paths or .gz files are first copied into one temp file."""
    p = normalize(path)
    return any(c in p for c in "*?[{") or any(f.endswith(".gz") for f in files)


def concatenated_copy(files, suffix):
    """One temp file holding the (decompressed) lines of files, in order."""
    path = os.path.join(temp_dir(), fresh("input-") + suffix)
    with open(path, "wb") as out:
        for f in files:
            data = read_bytes(f)
            if f.endswith(".gz"):
                import gzip
                data = gzip.decompress(data)
            out.write(data)
            if data and not data.endswith(b"\n"):
                out.write(b"\n")
    return path


# --- running `eddy sql` -----------------------------------------------------------------

def _table_args(tables):
    args = []
    for name, (fmt, path) in tables.items():
        args += ["--table", "%s:%s=%s" % (name, fmt, normalize(path))]
    return args


def _fail(proc, tables):
    msg = proc.stderr.decode("utf-8", "replace").strip()
    if msg.startswith("eddy: error: "):
        msg = msg[len("eddy: error: "):]
    for name in tables:
        if name.startswith("__eddy_t"):  # internal names say nothing to the user; paths do
            msg = msg.replace("table %s: " % name, "")
    if proc.returncode in (3, 4):
        raise AnalysisException(msg)
    raise QueryExecutionException("eddy sql failed (exit %d): %s" % (proc.returncode, msg))


# `eddy sql`'s own limits (--time-limit, default 60s; --memory-limit, default 1GiB), set with
# spark.conf.set("spark.eddy.sql.timeLimit", "10m") / ("spark.eddy.sql.memoryLimit", "4GiB")
limits = {}


def run(query, tables, fmt="json", extra=()):
    lim = []
    if limits.get("time"):
        lim += ["--time-limit", limits["time"]]
    if limits.get("memory"):
        lim += ["--memory-limit", limits["memory"]]
    cmd = ([eddy_binary(), "sql", "--format", fmt] + _table_args(tables) + lim + list(extra) +
           [query])
    env = os.environ.copy()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError as e:
        raise QueryExecutionException("cannot run %s: %s" % (cmd[0], e))
    if proc.returncode != 0:
        _fail(proc, tables)
    return proc.stdout.decode("utf-8")


def query_rows(query, tables):
    """Rows of the query as lists of (name, value) pairs (duplicate names kept, in order)."""
    out = run(query, tables, "json")
    rows = []
    for line in out.split("\n"):
        if line:
            row = json.loads(line, object_pairs_hook=_Pairs)
            rows.append([(k, _plain(v)) for k, v in row])
    return rows


class _Pairs(list):
    """A JSON object as parsed: its (key, value) pairs, duplicates kept."""


def _plain(v):
    """Nested objects back to dicts (only a row's top level keeps duplicate names)."""
    if isinstance(v, _Pairs):
        return dict((k, _plain(x)) for k, x in v)
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def query_columns(query, tables):
    """Column names of a query (from the CSV header of its zero-row version)."""
    import csv
    import io
    out = run(query, tables, "csv")
    for rec in csv.reader(io.StringIO(out)):
        return rec
    return []


# --- JSON-lines schema inference (read.json) ----------------------------------------------

def iter_json_records(path):
    """(file, line number, parsed object) for every non-blank line under path."""
    for f in list_files(path):
        data = read_bytes(f)
        if f.endswith(".gz"):
            import gzip
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        for no, line in enumerate(text.split("\n"), 1):
            s = line.strip()
            if not s:
                continue
            try:
                obj = json.loads(s)
            except ValueError as e:
                raise AnalysisException("%s:%d: invalid JSON: %s (Eddy reads JSON in FAILFAST "
                                        "mode: no _corrupt_record column)" % (f, no, e))
            if not isinstance(obj, dict):
                raise AnalysisException("%s:%d: invalid JSON: a line must hold a JSON object "
                                        "(Eddy reads JSON in FAILFAST mode)" % (f, no))
            yield f, no, obj
