"""airflow.sensors: ExternalTaskSensor (`from airflow.sensors import ExternalTaskSensor` works)."""
from airflow.sensors.external_task import ExternalTaskSensor

__all__ = ["ExternalTaskSensor"]
