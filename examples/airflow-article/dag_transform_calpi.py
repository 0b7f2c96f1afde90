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
dag = DAG('dag_transform_calpi', default_args=default_args, schedule_interval=timedelta(days=1))
t0 = BashOperator(task_id='create_emr_cluster', bash_command='python3 create_emr_cluster.py', dag=dag)
t1 = BashOperator(task_id='create_livy_session', bash_command='python3 create_session.py', dag=dag)
t2 = BashOperator(task_id='sleep', bash_command='sleep 20', dag=dag)
t3 = BashOperator(task_id='calpi', bash_command='python3 calpi.py', dag=dag)
t4 = BashOperator(task_id='terminate_cluster', bash_command='python3 terminate_cluster.py', dag=dag)
external_task = ExternalTaskSensor(external_task_id='query', task_id='query_completed', external_dag_id='dag_query', dag=dag)
t0 >> t1
t1 >> t2
t2 >> t3
external_task >> t4
