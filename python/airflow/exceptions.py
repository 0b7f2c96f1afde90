"""airflow.exceptions: the exceptions DAG files and python callables raise or catch. A callable
raising AirflowSkipException ends its task "skipped" (eddy_dag_loader.py run-python exits 99)."""


class AirflowException(Exception):
    status_code = 500


class AirflowSkipException(AirflowException):
    """Raise in a python callable to end the task skipped."""


class AirflowFailException(AirflowException):
    """Raise in a python callable to fail the task (Eddy retries it like any other failure)."""


class AirflowSensorTimeout(AirflowException):
    pass


class AirflowTaskTimeout(AirflowException):
    pass


class DuplicateTaskIdFound(AirflowException):
    pass


class AirflowDagCycleException(AirflowException):
    pass
