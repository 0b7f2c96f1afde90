"""airflow.operators.empty: EmptyOperator (DummyOperator before Airflow 2.3), a manifest task
`empty: {}` that succeeds at once."""
from airflow.models.baseoperator import BaseOperator


class EmptyOperator(BaseOperator):
    ui_color = "#e8f7e4"

    def execute(self, context):
        pass

    def _eddy_spec(self, dag_file):
        self._eddy_plain(EmptyOperator)
        return {"empty": {}}


class DummyOperator(EmptyOperator):
    pass
