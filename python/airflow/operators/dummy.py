"""airflow.operators.dummy: Airflow 2.0-2.3's module of DummyOperator."""
from airflow.operators.empty import DummyOperator, EmptyOperator

__all__ = ["DummyOperator", "EmptyOperator"]
