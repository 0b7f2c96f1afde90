# An Airflow 2 DAG file as users write them: a context manager, a PythonOperator whose callable
# takes Airflow's context by name, templated bash, >> with lists, a trigger rule.
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
from airflow.operators.python import PythonOperator


def count_words(ds, params, **context):
    n = len(open("words.txt").read().split())
    print(f"{ds}: {n} words, threshold {params['threshold']}")
    return n


with DAG(
    dag_id="etl",
    schedule="@daily",
    start_date=datetime(2023, 1, 1),
    params={"threshold": 3},
    default_args={"retries": 1, "retry_delay": timedelta(seconds=0)},
) as dag:
    start = EmptyOperator(task_id="start")
    write = BashOperator(task_id="write", bash_command="echo one two three four > words.txt")
    count = PythonOperator(task_id="count", python_callable=count_words)
    fail = BashOperator(task_id="fail", bash_command="exit 1", retries=0)
    done = BashOperator(task_id="done", bash_command="echo finished {{ ds }}", trigger_rule="one_failed")
    start >> write >> count
    start >> fail
    [count, fail] >> done
