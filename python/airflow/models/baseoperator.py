"""airflow.models.baseoperator: BaseOperator, the arguments every operator takes; default_args
applied Airflow's way (to the arguments an operator's __init__ names, before its own defaults);
the dependency operators >> << set_upstream set_downstream; chain and cross_downstream.

Accepted and ignored (no meaning for Eddy): owner, email*, queue, pool*, priority_weight,
weight_rule, sla, the callbacks, resources, executor_config, do_xcom_push, inlets/outlets,
doc*, task_concurrency/max_active_tis_*. Refused: depends_on_past, wait_for_downstream,
run_as_user, task_group (Eddy cannot honour them)."""
import datetime as _dt
import functools
import inspect

from airflow import _manifest, _source, _unsupported
from airflow.exceptions import AirflowException
from airflow.models import dag as _dagmod
from airflow.utils import trigger_rule as _trigger_rule

_KEYWORDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _apply_defaults(init):
    """Wraps an operator's __init__: arguments it names but was not given come from the
    operator's default_args, then from its DAG's. Records which were given (_eddy_explicit)."""
    params = list(inspect.signature(init).parameters.values())[1:]
    names = [p.name for p in params
             if p.kind in _KEYWORDS and p.name not in ("dag", "default_args")]
    required = [p.name for p in params if p.kind in _KEYWORDS and p.default is p.empty]

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        if args:
            raise AirflowException("Use keyword arguments when initializing operators")
        dag = kwargs.get("dag") or _dagmod.current_dag()
        dag_defaults = dag.default_args if dag is not None else {}
        own_defaults = kwargs.get("default_args") or {}
        explicit = self.__dict__.setdefault("_eddy_explicit", set())
        explicit.update(kwargs)
        self.__dict__.setdefault("_eddy_defaults_dag", dag)
        for name in names:
            if name in kwargs:
                continue
            if name in own_defaults:
                kwargs[name] = own_defaults[name]
                explicit.add(name)
            elif name in dag_defaults:
                kwargs[name] = dag_defaults[name]
        missing = [n for n in required if n not in kwargs]
        if missing:
            raise AirflowException("%s (task_id %r): argument %r is required"
                                   % (type(self).__name__, kwargs.get("task_id"), missing[0]))
        init(self, **kwargs)

    wrapper._eddy_wrapped = True
    return wrapper


class BaseOperator(object):
    template_fields = ()
    template_ext = ()
    ui_color = "#fff"
    ui_fgcolor = "#000"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_eddy_wrapped", False):
            cls.__init__ = _apply_defaults(init)

    def __init__(self, *, task_id, owner="airflow", email=None, email_on_retry=True,
                 email_on_failure=True, retries=0, retry_delay=_dt.timedelta(seconds=300),
                 retry_exponential_backoff=False, max_retry_delay=None, start_date=None,
                 end_date=None, depends_on_past=False, ignore_first_depends_on_past=True,
                 wait_for_past_depends_before_skipping=False, wait_for_downstream=False,
                 dag=None, params=None, default_args=None, priority_weight=1,
                 weight_rule="downstream", queue="default", pool=None, pool_slots=1, sla=None,
                 execution_timeout=None, on_execute_callback=None, on_failure_callback=None,
                 on_success_callback=None, on_retry_callback=None, on_skipped_callback=None,
                 pre_execute=None, post_execute=None, trigger_rule="all_success",
                 resources=None, run_as_user=None, task_concurrency=None,
                 max_active_tis_per_dag=None, max_active_tis_per_dagrun=None,
                 executor_config=None, do_xcom_push=True, inlets=None, outlets=None,
                 task_group=None, doc=None, doc_md=None, doc_json=None, doc_yaml=None,
                 doc_rst=None, **kwargs):
        self._where = _source.caller_frames()
        name = type(self).__name__
        if kwargs:
            raise AirflowException("%s (task_id %r) got an unknown argument %r"
                                   % (name, task_id, sorted(kwargs)[0]))
        _dagmod.validate_key("task_id", task_id)
        self.task_id = task_id
        for arg, value in (("depends_on_past", depends_on_past),
                           ("wait_for_downstream", wait_for_downstream),
                           ("run_as_user", run_as_user), ("task_group", task_group)):
            if value:
                raise AirflowException("%s is not supported yet (task_id %r)" % (arg, task_id))
        try:
            self.trigger_rule = _trigger_rule.normalize(trigger_rule)
        except ValueError as e:
            raise AirflowException("%s (task_id %r): %s" % (name, task_id, e))
        self.retries = _manifest.retries(retries)
        self.retry_delay = _manifest.to_timedelta(retry_delay, "retry_delay")
        _manifest.duration(self.retry_delay, "retry_delay")
        self.retry_exponential_backoff = retry_exponential_backoff
        self.max_retry_delay = (None if max_retry_delay is None else
                                _manifest.to_timedelta(max_retry_delay, "max_retry_delay"))
        _manifest.execution_timeout(execution_timeout)
        self.execution_timeout = execution_timeout
        self.start_date = _manifest.as_datetime(start_date, "start_date")
        self.end_date = _manifest.as_datetime(end_date, "end_date")
        self.params = dict(params or {})
        self.owner, self.email, self.queue, self.pool = owner, email, queue, pool
        self.priority_weight = priority_weight
        self.doc_md = doc_md
        self.upstream_task_ids = set()
        self.downstream_task_ids = set()
        self._upstream_where = {}  # upstream task id -> (order, caller_frames) of the edge
        self._dag = None
        if dag is None:
            dag = _dagmod.current_dag()
        if dag is not None:
            self.dag = dag

    def __repr__(self):
        return "<Task(%s): %s>" % (type(self).__name__, self.task_id)

    @property
    def dag(self):
        return self._dag

    @dag.setter
    def dag(self, dag):
        if dag is self._dag:
            return
        if self._dag is not None:
            raise AirflowException("The DAG assigned to %s can not be changed." % self)
        dag.add_task(self)

    @property
    def dag_id(self):
        return self._dag.dag_id if self._dag is not None else "adhoc_airflow"

    def has_dag(self):
        return self._dag is not None

    @property
    def upstream_list(self):
        return [self._dag.get_task(t) for t in sorted(self.upstream_task_ids)]

    @property
    def downstream_list(self):
        return [self._dag.get_task(t) for t in sorted(self.downstream_task_ids)]

    def get_direct_relative_ids(self, upstream=False):
        return set(self.upstream_task_ids if upstream else self.downstream_task_ids)

    def set_upstream(self, task_or_task_list):
        self._set_relatives(task_or_task_list, upstream=True)

    def set_downstream(self, task_or_task_list):
        self._set_relatives(task_or_task_list, upstream=False)

    def _set_relatives(self, others, upstream):
        others = list(others) if isinstance(others, (list, tuple, set)) else [others]
        for other in others:
            if not isinstance(other, BaseOperator):
                raise AirflowException("Relationships can only be set between operators; "
                                       "received %s" % type(other).__name__)
        dags = {id(t.dag): t.dag for t in [self] + others if t.dag is not None}
        if len(dags) > 1:
            raise AirflowException("Tried to set relationships between tasks in more than one "
                                   "DAG: %s" % sorted(d.dag_id for d in dags.values()))
        dag = next(iter(dags.values()), None)
        where = (_source.next_order(), _source.caller_frames())
        for other in others:
            for task in (self, other):
                if dag is not None and task.dag is None:
                    task.dag = dag
            up, down = (other, self) if upstream else (self, other)
            down.upstream_task_ids.add(up.task_id)
            up.downstream_task_ids.add(down.task_id)
            down._upstream_where.setdefault(up.task_id, where)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other

    def __lshift__(self, other):
        self.set_upstream(other)
        return other

    def __rrshift__(self, other):
        """[t1, t2] >> self"""
        self.set_upstream(other)
        return self

    def __rlshift__(self, other):
        """[t1, t2] << self"""
        self.set_downstream(other)
        return self

    def execute(self, context):
        raise NotImplementedError()

    def _eddy_plain(self, cls, *methods):
        """Refuses a subclass of cls that overrides what Eddy does in cls's place."""
        for m in ("execute",) + methods:
            if getattr(type(self), m) is not getattr(cls, m):
                raise AirflowException("%s (task_id %r) overrides %s.%s: custom operators are "
                                       "not supported by Eddy's airflow package (%s)" % (
                                           type(self).__name__, self.task_id, cls.__name__, m,
                                           _unsupported.SUPPORTED))

    def _eddy_spec(self, dag_file):
        """The task type of the manifest's task: {"shell": {...}} and so on."""
        raise AirflowException("%s (task_id %r): custom operators are not supported by Eddy's "
                               "airflow package (%s)" % (type(self).__name__, self.task_id,
                                                         _unsupported.SUPPORTED))


BaseOperator.__init__ = _apply_defaults(BaseOperator.__init__)


def chain(*tasks):
    """chain(t1, [t2, t3], t4): each element upstream of the next; two lists: pairwise."""
    for up, down in zip(tasks, tasks[1:]):
        up_list, down_list = isinstance(up, (list, tuple)), isinstance(down, (list, tuple))
        if up_list and down_list:
            if len(up) != len(down):
                raise AirflowException("chain() of two lists needs lists of one length, "
                                       "got %d and %d" % (len(up), len(down)))
            for u, d in zip(up, down):
                u.set_downstream(d)
        elif up_list:
            down.set_upstream(list(up))
        else:
            up.set_downstream(down if down_list else [down])


def cross_downstream(from_tasks, to_tasks):
    for task in from_tasks:
        task.set_downstream(list(to_tasks))
