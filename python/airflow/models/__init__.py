"""airflow.models: DAG and BaseOperator (no Variable, Connection or XCom: Eddy's airflow package
records a DAG file's graph; it has no metadata database)."""
from airflow.models.baseoperator import BaseOperator
from airflow.models.dag import DAG

__all__ = ["BaseOperator", "DAG"]
