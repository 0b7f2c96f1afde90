"""Eddy's airflow: the part of Apache Airflow's API (1.10 and 2.x) that DAG files use to declare
their graph, so that a DAG file runs unchanged under Debian's python3 with no Airflow installed.
Nothing is scheduled here: eddy_dag_loader.py executes the file, and every DAG it creates is
recorded and printed as Eddy's Workflow manifest (docs/workflows.md).

Supported: DAG, BashOperator, PythonOperator, EmptyOperator/DummyOperator, ExternalTaskSensor,
and the helpers DAG files import with them (airflow.utils.dates, trigger_rule, timezone, state;
airflow.exceptions). Importing any other airflow module raises an ImportError naming it.
"""
from airflow import _unsupported
from airflow.models.dag import DAG

__version__ = "2.4.3+eddy"

__all__ = ["DAG"]

_unsupported.install()
