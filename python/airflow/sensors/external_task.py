"""airflow.sensors.external_task: ExternalTaskSensor, a manifest task `sensor: {workflow, task,
executionDelta, allowedStates, failedStates, timeout, pokeInterval, mode, softFail}` that waits
for a task (or, with external_task_id=None, the whole run) of another workflow at the logical
date minus execution_delta (not negative). execution_date_fn, external_task_group_id and
skipped_states are not supported; external_task_ids must name one task. check_existence and
deferrable are accepted and ignored."""
from airflow import _manifest
from airflow.exceptions import AirflowException
from airflow.sensors.base import BaseSensorOperator
from airflow.utils.state import DagRunState, TaskInstanceState

TASK_STATES = tuple(s.value for s in TaskInstanceState)
RUN_STATES = tuple(s.value for s in DagRunState)


class ExternalTaskSensor(BaseSensorOperator):
    template_fields = ("external_dag_id", "external_task_id", "external_task_ids")
    ui_color = "#19647e"

    def __init__(self, *, external_dag_id, external_task_id=None, external_task_ids=None,
                 external_task_group_id=None, allowed_states=None, skipped_states=None,
                 failed_states=None, execution_delta=None, execution_date_fn=None,
                 check_existence=False, deferrable=False, **kwargs):
        super().__init__(**kwargs)
        where = "ExternalTaskSensor %r" % self.task_id
        if execution_date_fn is not None:
            raise AirflowException("execution_date_fn is not supported; use execution_delta (%s)"
                                   % where)
        for arg, value in (("external_task_group_id", external_task_group_id),
                           ("skipped_states", skipped_states)):
            if value:
                raise AirflowException("%s is not supported (%s)" % (arg, where))
        if not isinstance(external_dag_id, str) or not external_dag_id:
            raise AirflowException("external_dag_id of %s must be a DAG id" % where)
        if external_task_ids is not None:
            if external_task_id is not None:
                raise AirflowException("Only one of `external_task_id` or `external_task_ids` "
                                       "may be provided (%s)" % where)
            ids = list(external_task_ids)
            if len(ids) != 1:
                raise AirflowException("external_task_ids must name exactly one task in Eddy, "
                                       "not %r (%s)" % (ids, where))
            external_task_id = ids[0]
        if external_task_id is not None and not isinstance(external_task_id, str):
            raise AirflowException("external_task_id of %s must be a task id" % where)
        allowed = _states(["success"] if allowed_states is None else allowed_states)
        failed = _states(failed_states or [])
        valid = TASK_STATES if external_task_id is not None else RUN_STATES
        for state in allowed + failed:
            if state not in valid:
                raise AirflowException("%s: %r is not a %s state (%s)" % (
                    where, state, "task" if external_task_id is not None else "DAG run",
                    ", ".join(valid)))
        if set(allowed) & set(failed):
            raise AirflowException("%s: allowed_states and failed_states share %s"
                                   % (where, sorted(set(allowed) & set(failed))))
        if execution_delta is not None:  # Eddy looks back only: no negative delta
            _manifest.duration(execution_delta, "execution_delta of %s" % where)
        self.external_dag_id = external_dag_id
        self.external_task_id = external_task_id
        self.external_task_ids = [external_task_id] if external_task_id is not None else None
        self.allowed_states = allowed
        self.failed_states = failed
        self.execution_delta = execution_delta
        self.check_existence = check_existence

    def _eddy_spec(self, dag_file):
        self._eddy_plain(ExternalTaskSensor, "poke")
        sensor = {"workflow": self.external_dag_id}
        if self.external_task_id is not None:
            sensor["task"] = self.external_task_id
        if self.execution_delta is not None:
            sensor["executionDelta"] = _manifest.duration(self.execution_delta, "execution_delta")
        sensor["allowedStates"] = list(self.allowed_states)
        sensor["failedStates"] = list(self.failed_states)
        sensor.update(self._eddy_timing())
        return {"sensor": sensor}


def _states(values):
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:
        v = getattr(v, "value", v)
        out.append("none" if v is None else str(v))
    return out
