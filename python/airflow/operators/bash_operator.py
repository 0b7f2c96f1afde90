"""airflow.operators.bash_operator: Airflow 1.10's module of BashOperator."""
from airflow.operators.bash import BashOperator

__all__ = ["BashOperator"]
