"""airflow.sensors.base_sensor_operator: Airflow 1.10's module of BaseSensorOperator."""
from airflow.sensors.base import BaseSensorOperator

__all__ = ["BaseSensorOperator"]
