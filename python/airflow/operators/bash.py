"""airflow.operators.bash: BashOperator, a manifest task `shell: {command, env, cwd}` that Eddy
runs with `bash -c`. The command is kept as written ({{ ds }} and the like are rendered by Eddy
per run); a command ending in .sh or .bash is, as in Airflow, the name of a template file,
looked up in the DAG file's folder and the DAG's template_searchpath, whose text is the command.

append_env and output_encoding are accepted and ignored."""
import os

from airflow.exceptions import AirflowException
from airflow.models.baseoperator import BaseOperator

DEFAULT_SKIP_EXIT_CODE = 99


class BashOperator(BaseOperator):
    template_fields = ("bash_command", "env", "cwd")
    template_ext = (".sh", ".bash")
    ui_color = "#f0ede4"

    def __init__(self, *, bash_command, env=None, append_env=False, output_encoding="utf-8",
                 skip_exit_code=None, skip_on_exit_code=DEFAULT_SKIP_EXIT_CODE, cwd=None,
                 xcom_push=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(bash_command, str):
            raise AirflowException("bash_command of task %r must be a string, not %r"
                                   % (self.task_id, bash_command))
        if env is not None and not (isinstance(env, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in env.items())):
            raise AirflowException("env of task %r must be a dict of strings" % self.task_id)
        if cwd is not None and not isinstance(cwd, str):
            raise AirflowException("cwd of task %r must be a string" % self.task_id)
        self.bash_command = bash_command
        self.env = env
        self.append_env = append_env
        self.output_encoding = output_encoding
        self.cwd = cwd
        code = skip_exit_code if skip_exit_code is not None else skip_on_exit_code
        if isinstance(code, (list, tuple, set)):
            if len(code) > 1:
                raise AirflowException("skip_on_exit_code of task %r: Eddy takes one exit code, "
                                       "not %r" % (self.task_id, code))
            code = next(iter(code), None)
        if code is not None and (isinstance(code, bool) or not isinstance(code, int) or
                                 not 0 <= code <= 255):
            raise AirflowException("skip_on_exit_code of task %r must be an exit status, 0 to 255"
                                   % self.task_id)
        self.skip_on_exit_code = code

    def execute(self, context):
        raise AirflowException("Eddy runs BashOperator's command itself (eddy workflow)")

    def _eddy_spec(self, dag_file):
        self._eddy_plain(BashOperator)
        command = self.bash_command
        if command.endswith(self.template_ext):
            folder = self.dag.folder if self.dag.fileloc else os.path.dirname(dag_file)
            command = _template_file(command, [folder] + self.dag.template_searchpath)
        shell = {"command": command}
        if self.env is not None:
            shell["env"] = dict(self.env)
        if self.cwd is not None:
            shell["cwd"] = self.cwd
        if self.skip_on_exit_code != DEFAULT_SKIP_EXIT_CODE:
            shell["skipExitCode"] = self.skip_on_exit_code
        return {"shell": shell}


def _template_file(name, searchpath):
    """The text of template file name, looked up as Jinja's FileSystemLoader does."""
    parts = [p for p in name.split("/") if p and p != "."]
    if ".." not in parts:
        for folder in searchpath:
            path = os.path.join(folder, *parts)
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    return f.read()
    raise AirflowException("bash_command %r ends in %s: Airflow reads it as a template file, and "
                           "there is none in %s (end the command with a space to run it as is)"
                           % (name, os.path.splitext(name)[1], ", ".join(searchpath)))
