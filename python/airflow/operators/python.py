"""airflow.operators.python: PythonOperator, a manifest task `python: {file, dag, task}`. To run
it, Eddy imports the DAG file again (eddy_dag_loader.py run-python) and calls execute(context):
the callable gets op_args, op_kwargs and, as in Airflow 2, the context values its parameters
name (all of them if it takes **kwargs, or with Airflow 1.10's provide_context=True).

Not done here: op_args, op_kwargs and templates_dict are passed as written, not rendered as
Jinja templates; the context has no ti/task_instance (no XCom)."""
import inspect

from airflow.exceptions import AirflowException
from airflow.models.baseoperator import BaseOperator

_contexts = []


def get_current_context():
    """The context of the python callable running now."""
    if not _contexts:
        raise AirflowException("Current context was requested but no context was found! "
                               "Are you running within an airflow task?")
    return _contexts[-1]


class PythonOperator(BaseOperator):
    template_fields = ("templates_dict", "op_args", "op_kwargs")
    ui_color = "#ffefeb"

    def __init__(self, *, python_callable, op_args=None, op_kwargs=None, provide_context=False,
                 templates_dict=None, templates_exts=None, show_return_value_in_logs=True,
                 **kwargs):
        super().__init__(**kwargs)
        if not callable(python_callable):
            raise AirflowException("`python_callable` param must be callable (task_id %r)"
                                   % self.task_id)
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {})
        self.provide_context = provide_context
        self.templates_dict = templates_dict
        self.templates_exts = templates_exts
        self.show_return_value_in_logs = show_return_value_in_logs

    def execute(self, context):
        context = dict(context, templates_dict=self.templates_dict)
        _contexts.append(context)
        try:
            return self.execute_callable(context)
        finally:
            _contexts.pop()

    def execute_callable(self, context):
        kwargs = _context_kwargs(self.python_callable, len(self.op_args), context,
                                 self.provide_context)
        kwargs.update(self.op_kwargs)
        return self.python_callable(*self.op_args, **kwargs)

    def _eddy_spec(self, dag_file):
        return {"python": {"file": dag_file, "dag": self.dag_id, "task": self.task_id}}


def _context_kwargs(fn, nargs, context, everything):
    """The context values fn takes: those its parameters name (but the first nargs, given by
    op_args), or all if it has **kwargs or everything is set."""
    if everything:
        return dict(context)
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature
        return {}
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return dict(context)
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = {p.name for p in params if p.kind != p.POSITIONAL_ONLY} - set(positional[:nargs])
    return {k: v for k, v in context.items() if k in names}
