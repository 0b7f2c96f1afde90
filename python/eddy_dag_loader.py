"""Eddy's reader of Airflow DAG files: executes a DAG file unchanged with Eddy's airflow package
(python/airflow, no Airflow installed) and prints what it declared, or runs one of its
PythonOperators. The eddy binary runs it with Debian's python3 (docs/workflows.md).

  eddy_dag_loader.py show FILE
      stdout: one JSON document {"workflows": [MANIFEST, ...], "file": ABSPATH}, a Workflow
      manifest per DAG the file created (in the order created); exit 0.
  eddy_dag_loader.py run-python FILE DAG_ID TASK_ID CONTEXT_JSON
      calls the PythonOperator's callable with Airflow's context, built from CONTEXT_JSON
      {"ds", "ts", "data_interval_start", "data_interval_end", "run_id", "params"}; what it
      prints goes to stdout, then "Returned value was: VALUE". Exit 0; 1 if it raised (the
      traceback on stderr); 99 if it raised AirflowSkipException (the task is skipped).

The file runs as a module named after its stem (so `if __name__ == "__main__":` blocks do not
run), with its folder first on sys.path, as Airflow does. What it prints while `show` runs it
goes to stderr, and only if it loads. An error loading it (a syntax error,
an exception, an airflow module or operator Eddy does not support, a cycle) is one line on
stderr, FILE:LINE: MESSAGE, at the line of the DAG file that caused it; exit 2.
"""
import ast
import contextlib
import datetime
import json
import os
import re
import sys
import tempfile
import traceback
import types

USAGE = ("usage: eddy_dag_loader.py show FILE | "
         "eddy_dag_loader.py run-python FILE DAG_ID TASK_ID CONTEXT_JSON")


class LoadError(Exception):
    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def _same(a, b):
    return bool(a) and os.path.abspath(a) == os.path.abspath(b)


def _module_name(path):
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    if stem.isidentifier() and stem not in sys.modules:
        return stem
    return "unusual_prefix_eddy_" + stem


def load(path):
    """Executes the DAG file; returns the DAGs it created. Raises LoadError."""
    from airflow.models import dag as dagmod  # Eddy's, before the DAG's folder is on sys.path

    abspath = os.path.abspath(path)
    try:
        with open(abspath, "rb") as f:
            source = f.read()
    except OSError as e:
        raise LoadError("cannot read the DAG file: %s" % (e.strerror or e))
    folder = os.path.dirname(abspath)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    dagmod.reset()
    module = types.ModuleType(_module_name(abspath))
    module.__file__ = abspath
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, abspath, "exec"), module.__dict__)
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt):
            raise
        raise _load_error(e, abspath, source)
    dags = [d for d in dagmod.registered()
            if d.auto_register or any(v is d for v in vars(module).values())]
    seen = {}
    for d in dags:
        if d.dag_id in seen:
            raise LoadError("DAG id %r is defined twice (also at line %s)"
                            % (d.dag_id, _line(seen[d.dag_id]._where, abspath)),
                            _line(d._where, abspath))
        seen[d.dag_id] = d
    return dags


def _line(where, abspath):
    """The line of the DAG file among caller frames (innermost first), else None."""
    for filename, line in where:
        if _same(filename, abspath):
            return line
    return None


def _load_error(exc, abspath, source):
    from airflow import _manifest, _unsupported
    if isinstance(exc, _manifest.ManifestError):
        return LoadError(str(exc), _line(exc.where, abspath))
    line = None
    if isinstance(exc, SyntaxError) and _same(exc.filename, abspath):
        line = exc.lineno
    else:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if _same(frame.f_code.co_filename, abspath):
                line = lineno
    if isinstance(exc, _unsupported.Unsupported):
        name = _imported_module(source, line, exc.name) or exc.name
        return LoadError(str(_unsupported.unsupported(name)), line)
    if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "airflow":
        m = re.match(r"cannot import name '(\w+)'", str(exc))
        if m:
            return LoadError(str(_unsupported.unsupported(exc.name + "." + m.group(1))), line)
    from airflow.exceptions import AirflowException
    if isinstance(exc, SyntaxError):
        message = "%s: %s" % (type(exc).__name__, exc.msg)
    elif isinstance(exc, AirflowException):
        message = str(exc)
    elif isinstance(exc, SystemExit):
        message = "the DAG file called sys.exit(%r)" % (exc.code,)
    else:
        message = "%s: %s" % (type(exc).__name__, exc)
    return LoadError(message, line)


def _imported_module(source, line, name):
    """The whole module name an import statement at line names, of which name is a prefix:
    `import airflow.contrib.operators.x` fails at airflow.contrib, and names all of it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) != line:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            candidates = [node.module or ""]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        for c in candidates:
            if c == name or c.startswith(name + "."):
                return c
    return None


@contextlib.contextmanager
def _captured():
    """Sends what the DAG file writes (file descriptors 1 and 2) to a temporary file, kept
    apart from the JSON on stdout and the one error line on stderr."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield f
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def show(path):
    from airflow import _manifest
    abspath = os.path.abspath(path)
    with _captured() as output:
        dags = load(path)
        try:
            workflows = [_manifest.manifest(d, abspath) for d in dags]
        except _manifest.ManifestError as e:
            raise LoadError(str(e), _line(e.where, abspath))
        output.seek(0)
        printed = output.read()
    if printed:  # the DAG file's own output, on success only: stderr is the log then
        sys.stderr.buffer.write(printed)
        sys.stderr.flush()
    json.dump({"workflows": workflows, "file": abspath}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _time(value, what):
    if not isinstance(value, str):
        raise LoadError("CONTEXT_JSON: %s must be an RFC 3339 time" % what)
    try:
        t = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise LoadError("CONTEXT_JSON: %s %r is not an RFC 3339 time" % (what, value))
    if t.utcoffset() is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(datetime.timezone.utc)


def context(dag, task, given):
    """Airflow's context of a task instance, from the run's CONTEXT_JSON."""
    logical = _time(given.get("ts"), "ts")
    ds = given.get("ds") or logical.strftime("%Y-%m-%d")
    day = datetime.datetime.strptime(ds, "%Y-%m-%d")
    params = dict(dag.params)
    params.update(task.params)
    params.update(given.get("params") or {})
    return {
        "dag": dag,
        "task": task,
        "ds": ds,
        "ds_nodash": ds.replace("-", ""),
        "ts": logical.isoformat(),
        "ts_nodash": logical.strftime("%Y%m%dT%H%M%S"),
        "logical_date": logical,
        "execution_date": logical,
        "data_interval_start": _time(given.get("data_interval_start") or given.get("ts"),
                                     "data_interval_start"),
        "data_interval_end": _time(given.get("data_interval_end") or given.get("ts"),
                                   "data_interval_end"),
        "yesterday_ds": (day - datetime.timedelta(days=1)).strftime("%Y-%m-%d"),
        "tomorrow_ds": (day + datetime.timedelta(days=1)).strftime("%Y-%m-%d"),
        "run_id": given.get("run_id") or "",
        "params": params,
        "templates_dict": task.templates_dict,
    }


def run_python(path, dag_id, task_id, context_json):
    try:
        given = json.loads(context_json)
    except ValueError as e:
        raise LoadError("CONTEXT_JSON is not JSON: %s" % e)
    if not isinstance(given, dict):
        raise LoadError("CONTEXT_JSON must be a JSON object")
    abspath = os.path.abspath(path)
    dags = [d for d in load(path) if d.dag_id == dag_id]
    if not dags:
        raise LoadError("no DAG %r in the file" % dag_id)
    dag = dags[0]
    task = dag.task_dict.get(task_id)
    from airflow.exceptions import AirflowSkipException
    from airflow.operators.python import PythonOperator
    if not isinstance(task, PythonOperator):
        raise LoadError("DAG %r has no PythonOperator %r" % (dag_id, task_id),
                        _line(task._where, abspath) if task is not None else None)
    ctx = context(dag, task, given)
    sys.stdout.flush()
    try:
        value = task.execute(ctx)
    except AirflowSkipException as e:
        sys.stdout.flush()
        sys.stderr.write("Skipping the task: %s\n" % (e or "AirflowSkipException"))
        return 99
    except Exception:
        sys.stdout.flush()
        traceback.print_exc()
        return 1
    if task.show_return_value_in_logs:
        print("Returned value was: %s" % (value,))
    else:
        print("Returned value was not logged (show_return_value_in_logs=False)")
    return 0


def main(argv):
    sys.dont_write_bytecode = True  # no __pycache__ beside the user's DAG files
    path = argv[1] if len(argv) > 1 else None
    try:
        if len(argv) == 2 and argv[0] == "show":
            return show(path)
        if len(argv) == 5 and argv[0] == "run-python":
            return run_python(*argv[1:])
        sys.stderr.write(USAGE + "\n")
        return 2
    except LoadError as e:
        message = re.sub(r"\s*\n\s*", " ", str(e).strip())
        where = path if e.line is None else "%s:%d" % (path, e.line)
        sys.stderr.write("%s: %s\n" % (where, message))
        sys.stderr.flush()
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
