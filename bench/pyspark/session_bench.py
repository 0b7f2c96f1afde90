#!/usr/bin/python3
"""The pyspark-session half of bench/pyspark/run: against a fresh `eddy serve`, times a pyspark
session from POST /sessions to idle, its first statement (the interpreter's start), and the
Airflow article's transform statement (unchanged but for its paths) over INPUT into OUTPUT.
Prints one JSON object: {"idle_s", "first_statement_s", "transform_s", "statement"}.

usage: session_bench.py EDDY_URL INPUT OUTPUT
"""
import json
import sys
import textwrap
import time

import requests

url, data, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
H = {"Content-Type": "application/json"}


def wait(fn, timeout=3600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.01)
    raise SystemExit("timed out")


def statement(sid, code):
    r = requests.post("%s/sessions/%d/statements" % (url, sid), data=json.dumps({"code": code}),
                      headers=H)
    n = r.json()["id"]
    st = wait(lambda: (lambda s: s if s["state"] in ("available", "cancelled") else None)(
        requests.get("%s/sessions/%d/statements/%d" % (url, sid, n)).json()))
    if st["output"]["status"] != "ok":
        raise SystemExit("statement failed: %s" % json.dumps(st["output"])[:2000])
    return st


t0 = time.time()
sid = requests.post(url + "/sessions", data=json.dumps({"kind": "pyspark"}), headers=H).json()["id"]
wait(lambda: requests.get("%s/sessions/%d/state" % (url, sid)).json()["state"] == "idle")
idle = time.time() - t0
t0 = time.time()
statement(sid, "1")
first = time.time() - t0
code = textwrap.dedent("""
    import json
    text_file = sc.textFile("file://%s")
    text_file = text_file.map(lambda x: x.split('::'))
    text_file = text_file.map(lambda x: (int(x[0]), x[1:]))
    text_file = text_file.groupByKey().map(lambda x: (x[0], list(x[1])))
    text_file = text_file.sortByKey()
    text_file = text_file.map(lambda x: {x[0]: x[1]})
    text_file = text_file.map(lambda x: json.dumps(x))
    text_file.coalesce(1).saveAsTextFile("file://%s")
    print("Transform Complete!")
    """ % (data, out))
t0 = time.time()
st = statement(sid, code)
transform = time.time() - t0
print(json.dumps({"idle_s": idle, "first_statement_s": first, "transform_s": transform,
                  "statement": st["output"]["data"]["text/plain"]}))
