"""airflow.operators.dummy_operator: Airflow 1.10's module of DummyOperator."""
from airflow.operators.empty import DummyOperator, EmptyOperator

__all__ = ["DummyOperator", "EmptyOperator"]
