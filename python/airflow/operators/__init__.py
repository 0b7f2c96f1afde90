"""airflow.operators: the operators Eddy runs. `from airflow.operators import BashOperator`
(Airflow 1.10's form) works too."""
from airflow.operators.bash import BashOperator
from airflow.operators.empty import DummyOperator, EmptyOperator
from airflow.operators.python import PythonOperator

__all__ = ["BashOperator", "DummyOperator", "EmptyOperator", "PythonOperator"]
