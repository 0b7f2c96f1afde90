#!/usr/bin/python3
"""A pyspark session on a confined `eddy serve` (--allow-path ALLOWED --allow-bucket emr): its
Python code reaches what a job may, and nothing else. Tried: open() and sc.textFile of a file
outside, saveAsTextFile outside, a subprocess reading outside, a bucket not allowed. Prints one
line per attempt (for tests/e2e/cases/serve-confined).

usage: pyspark_confined.py EDDY_URL ALLOWED_DIR SECRET_DIR
"""
import json
import sys
import time

import requests

url, allowed, secret = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
H = {"Content-Type": "application/json"}
sid = requests.post(url + "/sessions", data=json.dumps({"kind": "pyspark"}), headers=H).json()["id"]


def run(label, code):
    n = requests.post("%s/sessions/%d/statements" % (url, sid), data=json.dumps({"code": code}),
                      headers=H).json()["id"]
    for _ in range(1200):
        st = requests.get("%s/sessions/%d/statements/%d" % (url, sid, n)).json()
        if st["state"] in ("available", "cancelled"):
            out = st["output"]
            if out["status"] == "ok":
                print("pyspark", label, "ok", out["data"]["text/plain"])
            else:
                print("pyspark", label, out["ename"], "denied" if "denied" in out["evalue"]
                      or "not allowed" in out["evalue"] else out["evalue"])
            return
        time.sleep(0.05)
    raise SystemExit("timed out: " + label)


run("read-inside", "sc.textFile('%s/in.txt').count()" % allowed)
run("open-secret", "open('%s/data.txt').read()" % secret)
run("textFile-secret", "sc.textFile('%s/data.txt').collect()" % secret)
run("write-outside", "sc.parallelize([1]).saveAsTextFile('%s/stolen-py')" % secret)
run("subprocess-secret", "import subprocess\n"
    "print(subprocess.run(['cat', '%s/data.txt'], capture_output=True, text=True).stderr"
    ".split(': ')[-1].strip())" % secret)
run("s3-allowed", "sc.textFile('s3a://emr/in.txt').count()")
run("s3-other", "sc.textFile('s3a://other/data.txt').collect()")
