"""airflow.operators.python_operator: Airflow 1.10's module of PythonOperator."""
from airflow.operators.python import PythonOperator

__all__ = ["PythonOperator"]
