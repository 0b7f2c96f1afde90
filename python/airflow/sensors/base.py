"""airflow.sensors.base: BaseSensorOperator, the arguments of every sensor (poke_interval,
timeout, soft_fail, mode). exponential_backoff, max_wait and silent_fail are accepted and
ignored. A sensor of one's own (a subclass with poke()) is not supported."""
from airflow import _manifest
from airflow.exceptions import AirflowException
from airflow.models.baseoperator import BaseOperator


class BaseSensorOperator(BaseOperator):
    ui_color = "#e6f1f2"
    valid_modes = ("poke", "reschedule")

    def __init__(self, *, poke_interval=60, timeout=60 * 60 * 24 * 7, soft_fail=False,
                 mode="poke", exponential_backoff=False, max_wait=None, silent_fail=False,
                 **kwargs):
        super().__init__(**kwargs)
        for what, value in (("poke_interval", poke_interval), ("timeout", timeout)):
            _manifest.duration(value, "%s of task %r" % (what, self.task_id))
        if _manifest.to_timedelta(poke_interval, "poke_interval").total_seconds() <= 0:
            raise AirflowException("poke_interval of task %r must be more than 0" % self.task_id)
        if mode not in self.valid_modes:
            raise AirflowException("mode of task %r must be one of %s, not %r"
                                   % (self.task_id, "/".join(self.valid_modes), mode))
        self.poke_interval = poke_interval
        self.timeout = timeout
        self.soft_fail = soft_fail
        self.mode = mode
        self.exponential_backoff = exponential_backoff
        self.max_wait = max_wait

    def poke(self, context):
        raise AirflowException("Override me.")

    def execute(self, context):
        raise AirflowException("Eddy runs sensors itself (eddy workflow)")

    def _eddy_timing(self):
        return {"timeout": _manifest.duration(self.timeout, "timeout"),
                "pokeInterval": _manifest.duration(self.poke_interval, "poke_interval"),
                "mode": self.mode, "softFail": bool(self.soft_fail)}

