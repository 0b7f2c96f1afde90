# -*- coding: UTF-8 -*-
from airflow import DAG
from airflow.operators.bash_operator import BashOperator
from datetime import datetime, timedelta
from airflow.sensors.external_task_sensor import ExternalTaskSensor

default_args = {
    'owner': 'Airflow',
    'depends_on_past': False,
    'start_date': datetime.now().replace(microsecond=0),
    'email': ['756044579@qq.com'],
    'email_on_failure': False,
    'email_on_retry': False,
    'retries': 0,
    'retry_delay': timedelta(minutes=5),
    # 'queue': 'bash_queue',
    # 'pool': 'backfill',
    # 'priority_weight': 10,
    # 'end_date': datetime(2016, 1, 1),
}
dag = DAG('dag_query', default_args=default_args, schedule_interval=timedelta(days=1))
t0 = BashOperator(task_id='transform', bash_command='python3 transform.py', dag=dag)
t1 = BashOperator(task_id='check_s3', bash_command='python3 check_s3.py', dag=dag)
t2 = BashOperator(task_id='query', bash_command='python3 query.py', dag=dag)
external_task = ExternalTaskSensor(external_task_id='sleep', task_id='sleep_completed', external_dag_id='dag_transform_calpi', dag=dag)
external_task >> t0
t0 >> t1
t1 >> t2
