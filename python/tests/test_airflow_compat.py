"""Eddy's airflow package and eddy_dag_loader.py: Airflow DAG files, run unchanged, print the
Workflow manifests of docs/workflows.md; errors name FILE:LINE; run-python calls a
PythonOperator's callable with Airflow's context. Each DAG file runs in a python3 of its own,
as the eddy binary runs it. Run: cd python && python3 -m unittest tests.test_airflow_compat"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
LOADER = os.path.join(PYTHON_DIR, "eddy_dag_loader.py")
ARTICLE = os.path.join(HERE, "data", "airflow")
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from airflow import _manifest  # noqa: E402

HEADER = """\
import datetime
from datetime import timedelta
from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.operators.empty import EmptyOperator
START = datetime.datetime(2019, 12, 1)
"""
CONTEXT = {"ds": "2019-12-02", "ts": "2019-12-02T00:00:00Z",
           "data_interval_start": "2019-12-02T00:00:00Z",
           "data_interval_end": "2019-12-03T00:00:00Z",
           "run_id": "scheduled__2019-12-02T00:00:00+00:00", "params": {"run": "p"}}
SUPPORTED = ("is not supported by Eddy's airflow package (supported operators: BashOperator, "
             "PythonOperator, EmptyOperator/DummyOperator, ExternalTaskSensor)")


def line_of(source, marker):
    """The 1-based line of source holding marker."""
    for i, text in enumerate(source.splitlines(), 1):
        if marker in text:
            return i
    raise AssertionError("no %r in the source" % marker)


class LoaderTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="eddy-airflow-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, source, name="dag.py", header=True):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write((HEADER if header else "") + textwrap.dedent(source))
        return path

    def loader(self, *args):
        return subprocess.run([sys.executable, LOADER] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
                              cwd=self.tmp)

    def show(self, path):
        out = self.loader("show", path)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, "")
        doc = json.loads(out.stdout)
        self.assertEqual(doc["file"], os.path.abspath(path))
        return doc["workflows"]

    def spec(self, source):
        workflows = self.show(self.write(source))
        self.assertEqual(len(workflows), 1)
        return workflows[0]["spec"]

    def tasks(self, source):
        return {t["name"]: t for t in self.spec(source)["tasks"]}

    def error(self, source, marker=None, header=True):
        """The message of the one error line of loading source, checked to be at marker."""
        path = self.write(source, header=header)
        out = self.loader("show", path)
        self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
        self.assertEqual(out.stdout, "")
        self.assertEqual(out.stderr.count("\n"), 1, out.stderr)
        full = (HEADER if header else "") + textwrap.dedent(source)
        prefix = "%s:%d: " % (path, line_of(full, marker)) if marker else path + ": "
        self.assertTrue(out.stderr.startswith(prefix), "%r does not start with %r"
                        % (out.stderr, prefix))
        return out.stderr[len(prefix):].rstrip("\n")


class ArticleTest(LoaderTest):
    """The Airflow/EMR article's two DAG files (tests/data/airflow), unchanged."""

    def article(self, name):
        before = datetime.datetime.now().replace(microsecond=0)
        workflows = self.show(os.path.join(ARTICLE, name + ".py"))
        after = datetime.datetime.now()
        self.assertEqual(len(workflows), 1)
        w = workflows[0]
        self.assertEqual(w["apiVersion"], "eddy.dev/v1")
        self.assertEqual(w["kind"], "Workflow")
        self.assertEqual(w["metadata"], {"name": name, "annotations": {
            "eddy.dev/source-file": os.path.join(ARTICLE, name + ".py")}})
        spec = dict(w["spec"])
        start = datetime.datetime.strptime(spec.pop("startDate"), "%Y-%m-%dT%H:%M:%SZ")
        self.assertTrue(before <= start <= after, start)  # datetime.now(), naive: taken as UTC
        tasks = spec.pop("tasks")
        self.assertEqual(spec, {"schedule": "1d", "timezone": "UTC", "catchup": True,
                                "defaults": {"retries": 0, "retryDelay": "5m"}})
        return tasks

    def sensor(self, name, workflow, task):
        return {"name": name, "sensor": {
            "workflow": workflow, "task": task, "allowedStates": ["success"], "failedStates": [],
            "timeout": "7d", "pokeInterval": "1m", "mode": "poke", "softFail": False}}

    def test_dag_query(self):
        poc = "python3 /Users/xiaoyj/Desktop/emr_poc/"
        self.assertEqual(self.article("dag_query"), [
            {"name": "transform", "dependsOn": ["sleep_completed"],
             "shell": {"command": poc + "transform.py"}},
            {"name": "check_s3", "dependsOn": ["transform"],
             "shell": {"command": poc + "check_s3.py"}},
            {"name": "query", "dependsOn": ["check_s3"], "shell": {"command": poc + "query.py"}},
            self.sensor("sleep_completed", "dag_transform_calpi", "sleep"),
        ])

    def test_dag_transform_calpi(self):
        poc = "python3 /Users/xiaoyj/Desktop/emr_poc/"
        self.assertEqual(self.article("dag_transform_calpi"), [
            {"name": "create_emr_cluster", "shell": {"command": poc + "create_emr_cluster.py"}},
            {"name": "create_livy_session", "dependsOn": ["create_emr_cluster"],
             "shell": {"command": poc + "create_session.py"}},
            {"name": "sleep", "dependsOn": ["create_livy_session"],
             "shell": {"command": "sleep 20"}},
            {"name": "calpi", "dependsOn": ["sleep"], "shell": {"command": poc + "calpi.py"}},
            {"name": "terminate_cluster", "dependsOn": ["query_completed"],
             "shell": {"command": poc + "terminate_cluster.py"}},
            self.sensor("query_completed", "dag_query", "query"),
        ])


class GraphTest(LoaderTest):
    def test_context_manager_and_lists(self):
        tasks = self.tasks("""
            with DAG("g", start_date=START) as dag:
                a = EmptyOperator(task_id="a")
                b = EmptyOperator(task_id="b")
                c = EmptyOperator(task_id="c")
                d = BashOperator(task_id="d", bash_command="echo {{ ds }}")
                e = EmptyOperator(task_id="e")
            a >> [b, c] >> d
            [a, b] >> e
            e << [c]
            """)
        self.assertEqual(list(tasks), ["a", "b", "c", "d", "e"])
        self.assertNotIn("dependsOn", tasks["a"])
        self.assertEqual(tasks["b"]["dependsOn"], ["a"])
        self.assertEqual(tasks["c"]["dependsOn"], ["a"])
        self.assertEqual(tasks["d"]["dependsOn"], ["b", "c"])
        self.assertEqual(tasks["e"]["dependsOn"], ["a", "b", "c"])
        self.assertEqual(tasks["a"]["empty"], {})
        self.assertEqual(tasks["d"]["shell"], {"command": "echo {{ ds }}"})

    def test_set_upstream_downstream_chain(self):
        tasks = self.tasks("""
            from airflow.models.baseoperator import chain
            from airflow.utils.helpers import cross_downstream
            dag = DAG("g", start_date=START)
            a, b, c, d, e, f = [EmptyOperator(task_id=n, dag=dag) for n in "abcdef"]
            b.set_upstream(a)
            a.set_downstream([c])
            d.set_upstream([b, c])
            chain(d, [e, f])
            g = EmptyOperator(task_id="g")   # no DAG: joins dag through the dependency
            g.set_upstream(f)
            cross_downstream([e], [g])
            """)
        self.assertEqual({k: v.get("dependsOn") for k, v in tasks.items()}, {
            "a": None, "b": ["a"], "c": ["a"], "d": ["b", "c"], "e": ["d"], "f": ["d"],
            "g": ["e", "f"]})

    def test_two_dags_and_a_helper_module(self):
        with open(os.path.join(self.tmp, "common.py"), "w") as f:
            f.write("ARGS = {'retries': 3}\n")
        workflows = self.show(self.write("""
            from common import ARGS
            def make(name):
                with DAG(name, start_date=START, default_args=ARGS) as dag:
                    EmptyOperator(task_id="only")
                return dag
            make("first")
            second = make("second")
            """))
        self.assertEqual([w["metadata"]["name"] for w in workflows], ["first", "second"])
        self.assertEqual(workflows[1]["spec"]["defaults"], {"retries": 3})

    def test_top_level_output(self):
        path = self.write("""
            import os
            print("loading")
            os.system("echo from a child")
            dag = DAG("g", start_date=START)
            """)
        out = self.loader("show", path)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["workflows"][0]["metadata"]["name"], "g")
        self.assertEqual(sorted(out.stderr.splitlines()), ["from a child", "loading"])
        msg = self.error("""
            print("loading")
            raise RuntimeError("no")  # here
            """, "# here")
        self.assertEqual(msg, "RuntimeError: no")

    def test_main_block_does_not_run(self):
        spec = self.spec("""
            with DAG("g", start_date=START) as dag:
                EmptyOperator(task_id="a")
            if __name__ == "__main__":
                dag.cli()
            """)
        self.assertEqual(len(spec["tasks"]), 1)


class ArgumentsTest(LoaderTest):
    def test_default_args_inheritance_and_override(self):
        spec = self.spec("""
            args = {"owner": "me", "retries": 2, "retry_delay": timedelta(seconds=10),
                    "execution_timeout": timedelta(hours=1), "bash_command": "echo default",
                    "on_failure_callback": print, "queue": "q", "pool": "p"}
            with DAG("g", start_date=START, default_args=args) as dag:
                a = BashOperator(task_id="a")
                b = BashOperator(task_id="b", retries=5, bash_command="echo b")
                c = BashOperator(task_id="c", default_args={"retry_delay": 30})
                d = EmptyOperator(task_id="d", execution_timeout=None)
            """)
        self.assertEqual(spec["defaults"], {"retries": 2, "retryDelay": "10s",
                                            "executionTimeout": "1h"})
        tasks = {t["name"]: t for t in spec["tasks"]}
        self.assertEqual(tasks["a"], {"name": "a", "shell": {"command": "echo default"}})
        self.assertEqual(tasks["b"], {"name": "b", "retries": 5, "shell": {"command": "echo b"}})
        self.assertEqual(tasks["c"], {"name": "c", "retryDelay": "30s",
                                      "shell": {"command": "echo default"}})
        self.assertEqual(tasks["d"], {"name": "d", "executionTimeout": None, "empty": {}})

    def test_retry_arguments(self):
        tasks = self.tasks("""
            with DAG("g", start_date=START) as dag:
                EmptyOperator(task_id="a", retries=3, retry_delay=timedelta(minutes=2),
                              retry_exponential_backoff=True,
                              max_retry_delay=timedelta(hours=2),
                              execution_timeout=timedelta(seconds=90))
                EmptyOperator(task_id="b", retry_delay=1.5)
            """)
        self.assertEqual(tasks["a"], {
            "name": "a", "retries": 3, "retryDelay": "2m", "retryExponentialBackoff": True,
            "maxRetryDelay": "2h", "executionTimeout": "90s", "empty": {}})
        self.assertEqual(tasks["b"], {"name": "b", "retryDelay": "1500ms", "empty": {}})

    def test_task_created_before_joining_its_dag_keeps_its_own_settings(self):
        tasks = self.tasks("""
            dag = DAG("g", start_date=START, default_args={"retries": 4})
            a = EmptyOperator(task_id="a", dag=dag)
            b = EmptyOperator(task_id="b", start_date=START)  # no DAG: no default_args
            a >> b
            """)
        self.assertEqual(tasks["a"], {"name": "a", "empty": {}})
        self.assertEqual(tasks["b"], {"name": "b", "dependsOn": ["a"], "retries": 0,
                                      "retryDelay": "5m", "retryExponentialBackoff": False,
                                      "maxRetryDelay": None, "executionTimeout": None,
                                      "empty": {}})

    def test_ignored_arguments_and_params(self):
        spec = self.spec("""
            dag = DAG("g", "a description", start_date=START, tags=["x"], doc_md="doc",
                      max_active_runs=2, concurrency=4, params={"bucket": "b"},
                      default_args={"params": {"region": "r"}, "email": ["a@b"],
                                    "provide_context": True},
                      default_view="graph", orientation="LR", dagrun_timeout=timedelta(1))
            BashOperator(task_id="a", bash_command="true", dag=dag, owner="o", email="e",
                         email_on_failure=True, email_on_retry=False, depends_on_past=False,
                         queue="q", pool="p", priority_weight=3, params={"k": 1},
                         sla=timedelta(hours=1), doc_md="x")
            """)
        self.assertEqual(spec["maxActiveRuns"], 2)
        self.assertEqual(spec["maxActiveTasks"], 4)
        self.assertEqual(spec["params"], {"region": "r", "bucket": "b"})
        self.assertEqual(spec["tasks"], [{"name": "a", "params": {"k": 1},
                                          "shell": {"command": "true"}}])
        spec = self.spec("""
            dag = DAG("g", start_date=START, max_active_tasks=3)
            """)
        self.assertEqual(spec["maxActiveTasks"], 3)

    def test_trigger_rules(self):
        tasks = self.tasks("""
            from airflow.utils.trigger_rule import TriggerRule
            with DAG("g", start_date=START) as dag:
                EmptyOperator(task_id="a", trigger_rule="all_done")
                EmptyOperator(task_id="b", trigger_rule=TriggerRule.ONE_FAILED)
                EmptyOperator(task_id="c", trigger_rule=TriggerRule.ALL_SUCCESS)
                EmptyOperator(task_id="d", trigger_rule="dummy")
                EmptyOperator(task_id="e", trigger_rule=TriggerRule.NONE_FAILED_OR_SKIPPED)
            """)
        self.assertEqual({k: v.get("triggerRule") for k, v in tasks.items()}, {
            "a": "all_done", "b": "one_failed", "c": None, "d": "always",
            "e": "none_failed_min_one_success"})
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                EmptyOperator(task_id="a", trigger_rule="sometimes")  # here
            """, "# here")
        self.assertRegex(msg, r"^EmptyOperator \(task_id 'a'\): trigger_rule 'sometimes' is not "
                              r"one of all_done, all_failed, all_success, ")

    def test_bash_operator(self):
        with open(os.path.join(self.tmp, "job.sh"), "w") as f:
            f.write("echo {{ ds }}\n")
        os.mkdir(os.path.join(self.tmp, "more"))
        with open(os.path.join(self.tmp, "more", "other.bash"), "w") as f:
            f.write("echo other\n")
        tasks = self.tasks("""
            from airflow.operators.bash_operator import BashOperator as Old
            with DAG("g", start_date=START, template_searchpath="%s") as dag:
                BashOperator(task_id="a", bash_command="run", env={"A": "1"}, cwd="/tmp",
                             skip_exit_code=3, append_env=True)
                Old(task_id="b", bash_command="job.sh")
                BashOperator(task_id="c", bash_command="other.bash", skip_on_exit_code=[99])
                BashOperator(task_id="d", bash_command="/abs/job.sh ")
                BashOperator(task_id="e", bash_command="x", skip_on_exit_code=None)
            """ % os.path.join(self.tmp, "more"))
        self.assertEqual(tasks["a"]["shell"], {"command": "run", "env": {"A": "1"},
                                               "cwd": "/tmp", "skipExitCode": 3})
        self.assertEqual(tasks["b"]["shell"], {"command": "echo {{ ds }}\n"})
        self.assertEqual(tasks["c"]["shell"], {"command": "echo other\n"})
        self.assertEqual(tasks["d"]["shell"], {"command": "/abs/job.sh "})
        self.assertEqual(tasks["e"]["shell"], {"command": "x", "skipExitCode": None})
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                BashOperator(task_id="a", bash_command="/abs/missing.sh")  # here
            """, "# here")
        self.assertIn("bash_command '/abs/missing.sh' ends in .sh", msg)

    def test_unknown_and_unsupported_arguments(self):
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                BashOperator(task_id="a", bash_command="x",  # here: the call's first line
                             colour="blue")
            """, "# here")
        self.assertEqual(msg, "BashOperator (task_id 'a') got an unknown argument 'colour'")
        msg = self.error("""
            with DAG("g", start_date=START, default_args={"depends_on_past": True}) as dag:
                EmptyOperator(task_id="a")  # here
            """, "# here")
        self.assertEqual(msg, "depends_on_past is not supported yet (task_id 'a')")
        msg = self.error("""
            dag = DAG("g", start_date=START, colour="blue")  # here
            """, "# here")
        self.assertEqual(msg, "DAG got an unknown argument 'colour'")
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                BashOperator(task_id="a")  # here
            """, "# here")
        self.assertEqual(msg, "BashOperator (task_id 'a'): argument 'bash_command' is required")

    def test_custom_operator_is_refused(self):
        msg = self.error("""
            from airflow.models import BaseOperator
            class Mine(BaseOperator):
                def execute(self, context):
                    pass
            with DAG("g", start_date=START) as dag:
                Mine(task_id="m")  # here
            """, "# here")
        self.assertTrue(msg.startswith("Mine (task_id 'm'): custom operators are not supported"),
                        msg)


class ScheduleTest(LoaderTest):
    def schedule(self, argument):
        return self.spec('dag = DAG("g", start_date=START, %s)\n' % argument)["schedule"]

    def test_schedules(self):
        for argument, expected in [
                ("schedule_interval=timedelta(days=1)", "1d"),
                ("schedule_interval=timedelta(hours=6)", "6h"),
                ("schedule_interval=timedelta(seconds=90)", "90s"),
                ("schedule_interval=timedelta(minutes=30)", "30m"),
                ("schedule_interval=timedelta(hours=36)", "36h"),
                ("schedule_interval='0 3 * * 1-5'", "0 3 * * 1-5"),
                ("schedule_interval='@daily'", "@daily"),
                ("schedule_interval='@annually'", "@yearly"),
                ("schedule_interval='@once'", "@once"),
                ("schedule_interval=None", "none"),
                ("schedule='*/15 * * * *'", "*/15 * * * *"),
                ("schedule=None", "none"),
                ("catchup=False", "1d")]:  # Airflow 1.10/2.x's default: one day
            self.assertEqual(self.schedule(argument), expected, argument)

    def test_bad_schedules(self):
        msg = self.error('dag = DAG("g", start_date=START, schedule_interval="0 3 * *")\n',
                         'DAG("g"')
        self.assertEqual(msg, "schedule '0 3 * *' is not a cron expression of 5 fields")
        msg = self.error('dag = DAG("g", start_date=START, schedule="@fortnightly")\n', 'DAG("g"')
        self.assertTrue(msg.startswith("schedule '@fortnightly' is not a preset"), msg)
        msg = self.error('dag = DAG("g", start_date=START, schedule="@daily", '
                         'schedule_interval="@daily")\n', 'DAG("g"')
        self.assertEqual(msg, "pass schedule or schedule_interval, not both")

    def test_dates(self):
        spec = self.spec("""
            dag = DAG("g", start_date=datetime.datetime(2019, 12, 2, 6, 30),
                      end_date=datetime.datetime(2020, 1, 1), catchup=False)
            """)
        self.assertEqual((spec["timezone"], spec["startDate"], spec["endDate"], spec["catchup"]),
                         ("UTC", "2019-12-02T06:30:00Z", "2020-01-01T00:00:00Z", False))
        spec = self.spec("""
            from zoneinfo import ZoneInfo
            dag = DAG("g", schedule="0 3 * * *",
                      start_date=datetime.datetime(2019, 12, 2, tzinfo=ZoneInfo("Europe/Paris")))
            """)
        self.assertEqual((spec["timezone"], spec["startDate"]),
                         ("Europe/Paris", "2019-12-01T23:00:00Z"))
        spec = self.spec("""
            from airflow.utils import timezone
            dag = DAG("g", start_date=timezone.datetime(2019, 12, 2, 1))
            """)
        self.assertEqual((spec["timezone"], spec["startDate"]), ("UTC", "2019-12-02T01:00:00Z"))
        def yesterday():
            t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
            return t.strftime("%Y-%m-%dT00:00:00Z")
        before = yesterday()
        spec = self.spec("""
            from airflow.utils.dates import days_ago
            dag = DAG("g", default_args={"start_date": days_ago(1)})
            """)
        self.assertIn(spec["startDate"], (before, yesterday()))  # midnight UTC, a day ago
        spec = self.spec('dag = DAG("g", schedule_interval=None)\n')
        self.assertNotIn("startDate", spec)
        msg = self.error("""
            with DAG("g") as dag:
                EmptyOperator(task_id="a")  # here
            """, "# here")
        self.assertEqual(msg, "DAG 'g' is missing the start_date parameter")

    def test_durations(self):
        d = datetime.timedelta
        for value, expected in [(d(days=2), "2d"), (d(hours=6), "6h"), (d(minutes=5), "5m"),
                                (d(seconds=300), "5m"), (d(seconds=90), "90s"), (60, "1m"),
                                (0.25, "250ms"), (d(0), "0s"), (d(hours=25), "25h")]:
            self.assertEqual(_manifest.duration(value, "x"), expected, value)
        with self.assertRaises(Exception):
            _manifest.duration(d(microseconds=1500), "x")
        with self.assertRaises(Exception):
            _manifest.duration(d(hours=-1), "x")


class SensorTest(LoaderTest):
    def test_external_task_sensor(self):
        tasks = self.tasks("""
            from airflow.sensors.external_task import ExternalTaskSensor
            from airflow.utils.state import State
            with DAG("g", start_date=START) as dag:
                ExternalTaskSensor(task_id="a", external_dag_id="other", external_task_id="t",
                                   execution_delta=timedelta(hours=1),
                                   allowed_states=["success", State.SKIPPED],
                                   failed_states=["failed", "upstream_failed"],
                                   timeout=600, poke_interval=timedelta(seconds=30),
                                   mode="reschedule", soft_fail=True, check_existence=True)
                ExternalTaskSensor(task_id="b", external_dag_id="other", external_task_id=None,
                                   failed_states=["failed"])
                ExternalTaskSensor(task_id="c", external_dag_id="other",
                                   external_task_ids=["only"])
            """)
        self.assertEqual(tasks["a"]["sensor"], {
            "workflow": "other", "task": "t", "executionDelta": "1h",
            "allowedStates": ["success", "skipped"], "failedStates": ["failed", "upstream_failed"],
            "timeout": "10m", "pokeInterval": "30s", "mode": "reschedule", "softFail": True})
        self.assertEqual(tasks["b"]["sensor"], {
            "workflow": "other", "allowedStates": ["success"], "failedStates": ["failed"],
            "timeout": "7d", "pokeInterval": "1m", "mode": "poke", "softFail": False})
        self.assertEqual(tasks["c"]["sensor"]["task"], "only")

    def test_sensor_errors(self):
        head = ("from airflow.sensors.external_task_sensor import ExternalTaskSensor\n"
                "dag = DAG('g', start_date=START)\n")
        for argument, expected in [
                ("execution_date_fn=lambda d: d",
                 "execution_date_fn is not supported; use execution_delta"),
                ("external_task_ids=['x', 'y']", "external_task_ids must name exactly one task"),
                ("external_task_id='x', allowed_states=['bogus']", "'bogus' is not a task state"),
                ("allowed_states=['skipped']", "'skipped' is not a DAG run state"),
                ("external_task_id='x', mode='wait'", "mode of task 's' must be one of"),
                ("external_task_id='x', timeout=-1", "must not be negative"),
                ("execution_delta=timedelta(hours=-1)", "execution_delta of ExternalTaskSensor "
                 "'s' must not be negative"),
                ("poke_interval=0", "poke_interval of task 's' must be more than 0")]:
            msg = self.error(head + "ExternalTaskSensor(task_id='s', external_dag_id='o', "
                             "dag=dag, %s)  # here\n" % argument, "# here")
            self.assertIn(expected, msg)


PYTHON_DAG = """
    import json
    from airflow.operators.python import PythonOperator, get_current_context
    from airflow.operators.python_operator import PythonOperator as Old
    from airflow.exceptions import AirflowSkipException

    def double(x, ds, params, logical_date=None, y=0):
        print("in double", ds, sorted(params.items()), logical_date.isoformat(), y)
        return x * 2

    def everything(**context):
        assert context["dag"].dag_id == "py" and context["task"].task_id == "everything"
        assert get_current_context()["run_id"] == context["run_id"]
        return json.dumps({k: str(v) for k, v in context.items() if k not in ("dag", "task")},
                          sort_keys=True)

    def old_style(ds, **kwargs):
        return (ds, kwargs["templates_dict"], kwargs["extra"])

    def fails():
        raise ValueError("it broke")

    def skips():
        raise AirflowSkipException("nothing new")

    with DAG("py", start_date=START, params={"dag": "d"}) as dag:
        PythonOperator(task_id="double", python_callable=double, op_args=[21],
                       op_kwargs={"y": 1}, params={"task": "t"})
        PythonOperator(task_id="everything", python_callable=everything)
        Old(task_id="old_style", python_callable=old_style, provide_context=True,
            op_kwargs={"extra": 1}, templates_dict={"q": "{{ ds }}"})
        PythonOperator(task_id="fails", python_callable=fails)
        PythonOperator(task_id="skips", python_callable=skips)
        BashOperator(task_id="bash", bash_command="true")
    """


class PythonTest(LoaderTest):
    def run_task(self, task, context=CONTEXT):
        path = self.write(PYTHON_DAG, name="py_dag.py")
        return self.loader("run-python", path, "py", task, json.dumps(context))

    def test_recorded(self):
        path = self.write(PYTHON_DAG, name="py_dag.py")
        tasks = {t["name"]: t for t in self.show(path)[0]["spec"]["tasks"]}
        self.assertEqual(tasks["double"], {"name": "double", "params": {"task": "t"},
                                           "python": {"file": path, "dag": "py",
                                                      "task": "double"}})
        self.assertEqual(tasks["old_style"]["python"]["task"], "old_style")

    def test_run_by_name(self):
        out = self.run_task("double")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, "in double 2019-12-02 [('dag', 'd'), ('run', 'p'), "
                                     "('task', 't')] 2019-12-02T00:00:00+00:00 1\n"
                                     "Returned value was: 42\n")

    def test_run_with_kwargs(self):
        out = self.run_task("everything")
        self.assertEqual(out.returncode, 0, out.stderr)
        value = out.stdout.split("Returned value was: ", 1)[1]
        self.assertEqual(json.loads(value), {
            "data_interval_end": "2019-12-03 00:00:00+00:00",
            "data_interval_start": "2019-12-02 00:00:00+00:00",
            "ds": "2019-12-02", "ds_nodash": "20191202",
            "execution_date": "2019-12-02 00:00:00+00:00",
            "logical_date": "2019-12-02 00:00:00+00:00",
            "params": str({"dag": "d", "run": "p"}),
            "run_id": "scheduled__2019-12-02T00:00:00+00:00",
            "templates_dict": "None", "tomorrow_ds": "2019-12-03",
            "ts": "2019-12-02T00:00:00+00:00", "ts_nodash": "20191202T000000",
            "yesterday_ds": "2019-12-01"})

    def test_run_provide_context(self):
        out = self.run_task("old_style")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout,
                         "Returned value was: ('2019-12-02', {'q': '{{ ds }}'}, 1)\n")

    def test_run_failures(self):
        out = self.run_task("fails")
        self.assertEqual(out.returncode, 1)
        self.assertIn("Traceback", out.stderr)
        self.assertTrue(out.stderr.rstrip().endswith("ValueError: it broke"), out.stderr)
        out = self.run_task("skips")
        self.assertEqual(out.returncode, 99, out.stderr)
        self.assertIn("nothing new", out.stderr)
        out = self.run_task("bash")
        self.assertEqual(out.returncode, 2)
        self.assertRegex(out.stderr, r"py_dag\.py:\d+: DAG 'py' has no PythonOperator 'bash'\n$")
        out = self.loader("run-python", self.write(PYTHON_DAG), "py", "double", "{")
        self.assertEqual(out.returncode, 2)
        self.assertIn("CONTEXT_JSON is not JSON", out.stderr)


class ErrorTest(LoaderTest):
    def test_unsupported_modules(self):
        msg = self.error("""
            from airflow import DAG
            from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
            """, "providers", header=False)
        self.assertEqual(msg, "airflow.providers.amazon.aws.operators.emr " + SUPPORTED)
        msg = self.error("import airflow.contrib.hooks.emr_hook\n", "contrib", header=False)
        self.assertEqual(msg, "airflow.contrib.hooks.emr_hook " + SUPPORTED)
        msg = self.error("from airflow.operators.bash import Foo\n", "Foo", header=False)
        self.assertEqual(msg, "airflow.operators.bash.Foo " + SUPPORTED)
        msg = self.error("from airflow.models import Variable\n", "Variable", header=False)
        self.assertEqual(msg, "airflow.models.Variable " + SUPPORTED)
        path = self.write("""
            try:
                from airflow.operators.bash import BashOperator
            except ImportError:
                from airflow.operators.bash_operator import BashOperator
            try:
                from airflow.operators.email import EmailOperator
            except ImportError:
                EmailOperator = None
            from airflow.operators import BashOperator, DummyOperator, PythonOperator
            from airflow.operators.dummy import DummyOperator
            from airflow.operators.dummy_operator import DummyOperator
            from airflow.sensors import ExternalTaskSensor
            from airflow.models.dag import DAG
            from airflow.models import DAG, BaseOperator
            from airflow.utils.trigger_rule import TriggerRule
            from airflow.utils.timezone import utc
            import airflow
            dag = airflow.DAG("g", start_date=START)
            """)
        self.assertEqual(len(self.show(path)), 1)

    def test_syntax_and_runtime_errors(self):
        msg = self.error("""
            dag = DAG("g", start_date=START)
            x = (1,  # here
            """, "# here")
        self.assertEqual(msg, "SyntaxError: '(' was never closed")
        msg = self.error("""
            def f():
                return undefined_name  # here
            f()
            """, "# here")
        self.assertEqual(msg, "NameError: name 'undefined_name' is not defined")
        msg = self.error("import sys\nsys.exit(3)\n", "sys.exit", header=False)
        self.assertEqual(msg, "the DAG file called sys.exit(3)")

    def test_duplicate_task_id(self):
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                EmptyOperator(task_id="a")
                EmptyOperator(task_id="a")  # here
            """, "# here")
        self.assertEqual(msg, "Task id 'a' has already been added to the DAG 'g'")

    def test_cycle(self):
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                a = EmptyOperator(task_id="a")
                b = EmptyOperator(task_id="b")
                c = EmptyOperator(task_id="c")
            a >> b >> c
            c >> a  # here
            """, "# here")
        self.assertEqual(msg, "DAG 'g' has a cycle: a >> b >> c >> a")
        msg = self.error("""
            with DAG("g", start_date=START) as dag:
                a = EmptyOperator(task_id="a")
            a >> a  # here
            """, "# here")
        self.assertEqual(msg, "DAG 'g' has a cycle: a >> a")

    def test_bad_ids(self):
        msg = self.error('dag = DAG("has space", start_date=START)  # here\n', "# here")
        self.assertIn("dag_id 'has space' must be", msg)
        source = """
            dag = DAG("g", start_date=START)  # first
            dag2 = DAG("g", start_date=START)  # here
            """
        msg = self.error(source, "# here")
        self.assertEqual(msg, "DAG id 'g' is defined twice (also at line %d)"
                         % line_of(HEADER + textwrap.dedent(source), "# first"))

    def test_bad_invocations(self):
        out = self.loader("show")
        self.assertEqual(out.returncode, 2)
        self.assertTrue(out.stderr.startswith("usage: "))
        out = self.loader("show", os.path.join(self.tmp, "missing.py"))
        self.assertEqual(out.returncode, 2)
        self.assertRegex(out.stderr, r"missing\.py: cannot read the DAG file: ")


if __name__ == "__main__":
    unittest.main()
