"""airflow.sensors.external_task_sensor: Airflow 1.10's module of ExternalTaskSensor."""
from airflow.sensors.external_task import ExternalTaskSensor

__all__ = ["ExternalTaskSensor"]
