#!/usr/bin/python3
"""Livy pyspark sessions against `eddy serve`, as a Livy client sees them: Livy's own Pi example,
state kept across statements, Livy's error output (NameError, a SyntaxError, an exception inside
a lambda), print output and the last expression's repr, %json, a `sql` statement in a pyspark
session, a statement cancelled mid-run (the session keeps its state), a statement that kills its
interpreter (the session is dead), and a deleted session's interpreter going away.
Prints what it checks; the e2e case (serve-pyspark-session) compares it. Expected values come
from Livy's documented behaviour (docs/livy.md, Livy's fake_shell semantics): noted per check.

usage: pyspark_session.py EDDY_URL DATA_DIR
"""
import json
import subprocess
import sys
import time

import requests

url, data_dir = sys.argv[1].rstrip("/"), sys.argv[2]
H = {"Content-Type": "application/json"}


def wait(what, fn, timeout=120, every=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(every)
    raise SystemExit("timed out waiting for " + what)


def new_session():
    r = requests.post(url + "/sessions", data=json.dumps({"kind": "pyspark"}), headers=H)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def post(sid, code, kind=None):
    body = {"code": code}
    if kind:
        body["kind"] = kind
    r = requests.post("%s/sessions/%d/statements" % (url, sid), data=json.dumps(body), headers=H)
    return r


def run(sid, code, kind=None):
    r = post(sid, code, kind)
    assert r.status_code == 201, r.text
    n = r.json()["id"]
    return wait("statement %d" % n, lambda: (lambda s: s if s["state"] in (
        "available", "cancelled") else None)(
        requests.get("%s/sessions/%d/statements/%d" % (url, sid, n)).json()))


def text(st):
    return st["output"]["data"]["text/plain"]


def interpreters():
    out = subprocess.run(["pgrep", "-f", data_dir + "/.*eddy_repl.py"], capture_output=True,
                         text=True).stdout.split()
    return len(out)


s = new_session()
print("session:", requests.get("%s/sessions/%d" % (url, s)).json()["kind"])

# Livy's documented Pi example (Livy REST API docs, "Examples"): 4 * inside / n is about pi.
st = run(s, """import random
NUM_SAMPLES = 100000
def sample(p):
    x, y = random.random(), random.random()
    return 1 if x*x + y*y < 1 else 0

count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))""")
pi = float(text(st).split()[-1])
print("pi:", st["output"]["status"], abs(pi - 3.14159) < 0.05)
print("session idle after a statement:",
      requests.get("%s/sessions/%d/state" % (url, s)).json()["state"])

# State across statements; the last expression's repr is the output (Python's 'single' mode).
run(s, "x = 1 + 1")
print("state kept:", text(run(s, "x * 21")))
# stdout first, then the repr of the last expression, trailing newline removed.
print("print then expression:", repr(text(run(s, "print('a')\n1 + 1"))))
# Livy's error output: the exception's class name, str(), and the traceback without the
# REPL's frames (Livy cuts everything down to the statement's own).
err = run(s, "nope + 1")["output"]
print("NameError:", err["status"], err["ename"], err["evalue"], err["traceback"])
err = run(s, "x = (")["output"]
print("SyntaxError:", err["status"], err["ename"])
err = run(s, "sc.parallelize([2, 1, 0], 3).map(lambda v: 10 // v).collect()")["output"]
print("error in a lambda:", err["status"], err["ename"], err["evalue"])
print("after errors:", text(run(s, "x")))
# %json NAME: Livy's magic, the value as application/json.
st = run(s, "d = {'a': [1, 2]}\n%json d")
print("%json:", st["output"]["data"])
# A sql statement in a pyspark session runs with the session's `spark` and its views.
run(s, "spark.createDataFrame([(1, 'one'), (2, 'two')], ['n', 's']).createOrReplaceTempView('t')")
st = run(s, "SELECT s FROM t WHERE n = 2", kind="sql")
print("sql statement:", st["output"]["status"], st["output"]["data"]["application/json"]["data"])
# Statement kinds: eddy needs an eddy session.
r = post(s, "kind: BatchJob", kind="eddy")
print("eddy statement:", r.status_code, r.json()["msg"])

# Cancel mid-run: the statement is interrupted (KeyboardInterrupt), the session keeps x.
r = post(s, "import time\nfor i in range(600): time.sleep(0.1)")
n = r.json()["id"]
wait("running", lambda: requests.get("%s/sessions/%d/statements/%d" % (url, s, n)).json()[
    "state"] == "running")
time.sleep(0.5)
t0 = time.time()
requests.post("%s/sessions/%d/statements/%d/cancel" % (url, s, n), headers=H)
st = wait("cancelled", lambda: (lambda v: v if v["state"] == "cancelled" else None)(
    requests.get("%s/sessions/%d/statements/%d" % (url, s, n)).json()))
print("cancelled:", st["state"], "within 5 s:", time.time() - t0 < 5)
# A cancel also stops the partitions running in forked processes.
r = post(s, "sc.parallelize(range(4), 4).map(lambda v: __import__('time').sleep(60)).count()")
n = r.json()["id"]
wait("running", lambda: requests.get("%s/sessions/%d/statements/%d" % (url, s, n)).json()[
    "state"] == "running")
time.sleep(1)
requests.post("%s/sessions/%d/statements/%d/cancel" % (url, s, n), headers=H)
st = wait("cancelled", lambda: (lambda v: v if v["state"] == "cancelled" else None)(
    requests.get("%s/sessions/%d/statements/%d" % (url, s, n)).json()))
print("partitions cancelled:", st["state"])
print("state after cancels:", text(run(s, "x + 40")))
print("interpreters:", interpreters())

# A statement that ends its interpreter: the session's state is gone, the session is dead.
st = run(s, "import os\nos._exit(3)")
print("interpreter exit:", st["output"]["status"], st["output"]["ename"])
print("session:", requests.get("%s/sessions/%d/state" % (url, s)).json()["state"])
r = post(s, "x")
print("statement on a dead session:", r.status_code, r.json()["msg"])

# A deleted session's interpreter goes (the worker hears it with its next heartbeat).
s2 = new_session()
print("second session:", text(run(s2, "'ok'")))
print("interpreters:", interpreters())
requests.delete("%s/sessions/%d" % (url, s2))
print("interpreter closed:", wait("closed", lambda: interpreters() == 0, timeout=30))
