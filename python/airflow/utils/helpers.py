"""airflow.utils.helpers: chain and cross_downstream (Airflow 1.10's home of them)."""
from airflow.models.baseoperator import chain, cross_downstream

__all__ = ["chain", "cross_downstream"]
