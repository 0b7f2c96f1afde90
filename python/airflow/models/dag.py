"""airflow.models.dag: the DAG as Eddy's airflow package records it. Every DAG created is kept in
a registry (eddy_dag_loader.py reads all of them, not only the module's globals), and
`with DAG(...) as dag:` makes it the DAG of the operators created inside without dag=.

The arguments are Airflow 2's (schedule_interval, and schedule of 2.4+); those with no meaning
for Eddy (description, tags, callbacks, doc_md, ...) are accepted and ignored."""
import datetime as _dt
import os
import re

from airflow import _manifest, _source
from airflow.exceptions import AirflowException, DuplicateTaskIdFound

_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,250}$")
_UNSET = object()
_registry = []
_context = []


def reset():
    """Forgets every DAG (eddy_dag_loader.py, before it executes a DAG file)."""
    del _registry[:]
    del _context[:]


def registered():
    return list(_registry)


def current_dag():
    """The DAG of the innermost `with DAG(...)` block, or None."""
    return _context[-1] if _context else None


def validate_key(what, key):
    if not isinstance(key, str) or not _KEY.match(key):
        raise AirflowException("%s %r must be 1 to 250 letters, digits, '_', '.' or '-'"
                               % (what, key))


class DAG(object):
    def __init__(self, dag_id, description=None, schedule_interval=_UNSET, *, schedule=_UNSET,
                 timetable=None, start_date=None, end_date=None, full_filepath=None,
                 template_searchpath=None, template_undefined=None, user_defined_macros=None,
                 user_defined_filters=None, default_args=None, concurrency=None,
                 max_active_tasks=None, max_active_runs=None, dagrun_timeout=None,
                 sla_miss_callback=None, default_view=None, orientation=None, catchup=True,
                 on_success_callback=None, on_failure_callback=None, doc_md=None, params=None,
                 access_control=None, is_paused_upon_creation=None,
                 jinja_environment_kwargs=None, render_template_as_native_obj=False, tags=None,
                 owner_links=None, auto_register=True, fail_stop=False, dag_display_name=None,
                 **kwargs):
        self._where = _source.caller_frames()
        if kwargs:
            raise AirflowException("DAG got an unknown argument %r" % sorted(kwargs)[0])
        validate_key("dag_id", dag_id)
        self.dag_id = dag_id
        self.description = description
        self.default_args = dict(default_args or {})
        if timetable is not None:
            raise AirflowException("timetable is not supported: use schedule_interval")
        if schedule is not _UNSET and schedule_interval is not _UNSET:
            raise AirflowException("pass schedule or schedule_interval, not both")
        value = schedule if schedule is not _UNSET else schedule_interval
        self.schedule_interval = _dt.timedelta(days=1) if value is _UNSET else value
        self._eddy_schedule = _manifest.schedule(self.schedule_interval)
        self.start_date = _manifest.as_datetime(
            start_date if start_date is not None else self.default_args.get("start_date"),
            "start_date")
        self.end_date = _manifest.as_datetime(
            end_date if end_date is not None else self.default_args.get("end_date"), "end_date")
        self._eddy_timezone = _manifest.zone_name(self.start_date or _dt.datetime(1970, 1, 1))
        if self.start_date and self.end_date and \
                _manifest.utc(self.end_date) < _manifest.utc(self.start_date):
            raise AirflowException("end_date %s is before start_date %s"
                                   % (self.end_date, self.start_date))
        self.catchup = catchup
        self.max_active_runs = _positive(max_active_runs, "max_active_runs")
        self.max_active_tasks = _positive(
            max_active_tasks if max_active_tasks is not None else concurrency, "max_active_tasks")
        self.params = dict(self.default_args.get("params") or {})
        self.params.update(params or {})
        self.template_searchpath = ([template_searchpath] if isinstance(template_searchpath, str)
                                    else list(template_searchpath or []))
        self.user_defined_macros = user_defined_macros
        self.dagrun_timeout = dagrun_timeout
        self.doc_md = doc_md
        self.tags = list(tags or [])
        self.auto_register = auto_register
        self.fileloc = self._where[0][0] if self._where else ""
        self.task_dict = {}
        _registry.append(self)

    def __repr__(self):
        return "<DAG: %s>" % self.dag_id

    def __enter__(self):
        _context.append(self)
        return self

    def __exit__(self, *exc):
        if _context and _context[-1] is self:
            _context.pop()

    @property
    def folder(self):
        return os.path.dirname(self.fileloc)

    @property
    def tasks(self):
        return list(self.task_dict.values())

    @property
    def task_ids(self):
        return list(self.task_dict)

    @property
    def concurrency(self):
        return self.max_active_tasks

    @property
    def roots(self):
        return [t for t in self.task_dict.values() if not t.upstream_task_ids]

    @property
    def leaves(self):
        return [t for t in self.task_dict.values() if not t.downstream_task_ids]

    def has_task(self, task_id):
        return task_id in self.task_dict

    def get_task(self, task_id):
        if task_id not in self.task_dict:
            raise AirflowException("Task %s not found" % task_id)
        return self.task_dict[task_id]

    def add_task(self, task):
        """An operator joins the DAG (as task.dag = dag does)."""
        known = self.task_dict.get(task.task_id)
        if known is task:
            return
        if task.dag is not None:
            raise AirflowException("task %r is in DAG %r already" % (task.task_id, task.dag.dag_id))
        if known is not None:
            raise DuplicateTaskIdFound("Task id %r has already been added to the DAG %r"
                                       % (task.task_id, self.dag_id))
        if self.start_date is None and task.start_date is None and self._eddy_schedule != "none":
            raise AirflowException("DAG %r is missing the start_date parameter" % self.dag_id)
        self.task_dict[task.task_id] = task
        task._dag = self

    def add_tasks(self, tasks):
        for task in tasks:
            self.add_task(task)


def _positive(value, what):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AirflowException("%s must be a positive integer, not %r" % (what, value))
    return value
