"""How a recorded DAG becomes Eddy's Workflow manifest (docs/workflows.md): durations ("5m"),
times (RFC 3339 in UTC), schedules and time zone names, the checks Airflow makes when it loads a
DAG (a cycle), and the manifest itself."""
import datetime as _dt
import json
import re

from airflow.exceptions import AirflowException

API_VERSION = "eddy.dev/v1"
SOURCE_ANNOTATION = "eddy.dev/source-file"
PRESETS = ("@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly")
PRESET_ALIASES = {"@annually": "@yearly", "@midnight": "@daily"}
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*,/?#-]+$")
_UNITS = (("d", 86400000), ("h", 3600000), ("m", 60000), ("s", 1000), ("ms", 1))
# BaseOperator arguments that the manifest's spec.defaults and its tasks carry.
RETRY_FIELDS = (("retries", "retries"), ("retry_delay", "retryDelay"),
                ("retry_exponential_backoff", "retryExponentialBackoff"),
                ("max_retry_delay", "maxRetryDelay"), ("execution_timeout", "executionTimeout"))


class ManifestError(AirflowException):
    """An error found after the DAG file ran, with where (caller_frames) it comes from."""

    def __init__(self, message, where=()):
        super().__init__(message)
        self.where = where


def to_timedelta(value, what):
    """A timedelta, or a number of seconds (as Airflow accepts for delays and sensor times)."""
    if isinstance(value, _dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _dt.timedelta(seconds=value)
    raise AirflowException("%s must be a timedelta or a number of seconds, not %r" % (what, value))


def duration(value, what):
    """"2d", "6h", "5m", "90s", "250ms": the largest unit that holds the value exactly."""
    td = to_timedelta(value, what)
    us = (td.days * 86400 + td.seconds) * 1000000 + td.microseconds
    if us % 1000:
        raise AirflowException("%s %r is not a whole number of milliseconds" % (what, td))
    ms = us // 1000
    if ms < 0:
        raise AirflowException("%s must not be negative (%r)" % (what, td))
    if ms == 0:
        return "0s"
    for unit, size in _UNITS:
        if ms % size == 0:
            return "%d%s" % (ms // size, unit)


def optional_duration(value, what):
    return None if value is None else duration(value, what)


def retries(value):
    if value is None:
        return 0
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise AirflowException("retries must be an integer, not %r" % (value,))
    if n < 0 or isinstance(value, bool) or (isinstance(value, float) and n != value):
        raise AirflowException("retries must be a non-negative integer, not %r" % (value,))
    return n


def execution_timeout(value):
    if value is not None and not (isinstance(value, _dt.timedelta) and value > _dt.timedelta(0)):
        raise AirflowException("execution_timeout must be a positive timedelta, not %r" % (value,))
    return optional_duration(value, "execution_timeout")


# Manifest value of each RETRY_FIELDS argument.
RETRY_VALUES = {
    "retries": retries,
    "retry_delay": lambda v: duration(v, "retry_delay"),
    "retry_exponential_backoff": bool,
    "max_retry_delay": lambda v: optional_duration(v, "max_retry_delay"),
    "execution_timeout": execution_timeout,
}


def as_datetime(value, what):
    """None, or the datetime a date or datetime stands for (a date: its midnight)."""
    if value is None or isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    raise AirflowException("%s must be a datetime, not %r" % (what, value))


def utc(value):
    """A datetime in UTC; a naive one is taken as UTC (Airflow's default time zone)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def rfc3339(value):
    u = utc(value)
    text = u.strftime("%Y-%m-%dT%H:%M:%S")
    if u.microsecond:
        text += (".%06d" % u.microsecond).rstrip("0")
    return text + "Z"


def zone_name(value):
    """The IANA name of a datetime's time zone: "UTC" for a naive one."""
    tz = value.tzinfo
    if tz is None or value.utcoffset() is None:
        return "UTC"
    for attr in ("key", "zone", "name"):  # zoneinfo, pytz, pendulum
        name = getattr(tz, attr, None)
        if isinstance(name, str) and name:
            return name
    offset = value.utcoffset()
    if offset == _dt.timedelta(0):
        return "UTC"
    hours, rest = divmod(offset, _dt.timedelta(hours=1))
    if isinstance(tz, _dt.timezone) and not rest:
        return "Etc/GMT%+d" % -hours  # POSIX signs: Etc/GMT-2 is UTC+2
    raise AirflowException("the time zone of %r has no IANA name: use zoneinfo.ZoneInfo" % (value,))


def schedule(value):
    """The manifest's schedule of a schedule_interval: a duration, cron, a preset or "none"."""
    if value is None:
        return "none"
    if isinstance(value, _dt.timedelta):
        if value <= _dt.timedelta(0):
            raise AirflowException("schedule %r must be positive" % (value,))
        return duration(value, "schedule")
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("@"):
            text = PRESET_ALIASES.get(text, text)
            if text not in PRESETS:
                raise AirflowException("schedule %r is not a preset (%s)"
                                       % (value, " ".join(PRESETS)))
            return text
        fields = text.split()
        if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
            raise AirflowException("schedule %r is not a cron expression of 5 fields" % (value,))
        return " ".join(fields)
    raise AirflowException("schedule %r is not supported: use a timedelta, a cron expression, "
                           "a preset such as '@daily', or None" % (value,))


def json_value(value, what):
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as e:
        raise AirflowException("%s must be JSON values (%s)" % (what, e))


def check_cycles(dag):
    """Raises ManifestError at the dependency that closed a cycle, naming the cycle."""
    state, path = {}, []
    for root in dag.task_dict:
        if root in state:
            continue
        state[root] = 1
        path.append(root)
        stack = [iter(sorted(dag.task_dict[root].upstream_task_ids))]
        while stack:
            up = next(stack[-1], None)
            if up is None:
                stack.pop()
                state[path.pop()] = 2
            elif state.get(up) == 1:
                cycle = path[path.index(up):] + [up]  # each the downstream of the next
                edges = [(cycle[i + 1], cycle[i]) for i in range(len(cycle) - 1)]
                _, where = max(dag.task_dict[d]._upstream_where[u] for u, d in edges)
                chain = " >> ".join(reversed(cycle))
                raise ManifestError("DAG %r has a cycle: %s" % (dag.dag_id, chain), where)
            elif up not in state and up in dag.task_dict:
                state[up] = 1
                path.append(up)
                stack.append(iter(sorted(dag.task_dict[up].upstream_task_ids)))


def _task(task, dag, dag_file):
    out = {"name": task.task_id}
    ups = sorted(task.upstream_task_ids)
    if ups:
        out["dependsOn"] = ups
    if task.trigger_rule != "all_success":
        out["triggerRule"] = task.trigger_rule
    # default_args of the DAG are spec.defaults; a task names what it sets itself (or what it
    # got from the defaults of no DAG or another: it was created before joining this one).
    own = task._eddy_defaults_dag is not dag
    for arg, key in RETRY_FIELDS:
        if own or arg in task._eddy_explicit:
            out[key] = RETRY_VALUES[arg](getattr(task, arg))
    if "params" in task._eddy_explicit and task.params:
        out["params"] = json_value(task.params, "params of task %r" % task.task_id)
    out.update(task._eddy_spec(dag_file))
    return out


def manifest(dag, dag_file):
    """The Workflow manifest of a DAG loaded from dag_file (an absolute path)."""
    check_cycles(dag)
    spec = {"schedule": dag._eddy_schedule, "timezone": dag._eddy_timezone}
    start = dag.start_date
    if start is None:
        starts = [t.start_date for t in dag.task_dict.values() if t.start_date is not None]
        start = min((utc(s) for s in starts), default=None)
    if start is not None:
        spec["startDate"] = rfc3339(start)
    if dag.end_date is not None:
        spec["endDate"] = rfc3339(dag.end_date)
    spec["catchup"] = bool(dag.catchup)
    if dag.max_active_runs is not None:
        spec["maxActiveRuns"] = dag.max_active_runs
    if dag.max_active_tasks is not None:
        spec["maxActiveTasks"] = dag.max_active_tasks
    if dag.params:
        spec["params"] = json_value(dag.params, "params of DAG %r" % dag.dag_id)
    try:
        defaults = {key: RETRY_VALUES[arg](dag.default_args[arg])
                    for arg, key in RETRY_FIELDS if arg in dag.default_args}
    except AirflowException as e:
        raise ManifestError("default_args of DAG %r: %s" % (dag.dag_id, e), dag._where)
    if defaults:
        spec["defaults"] = defaults
    tasks = []
    for task in dag.task_dict.values():
        try:
            tasks.append(_task(task, dag, dag_file))
        except ManifestError:
            raise
        except AirflowException as e:
            raise ManifestError(str(e), task._where)
    spec["tasks"] = tasks
    return {"apiVersion": API_VERSION, "kind": "Workflow",
            "metadata": {"name": dag.dag_id, "annotations": {SOURCE_ANNOTATION: dag_file}},
            "spec": spec}
