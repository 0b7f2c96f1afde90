#!/usr/bin/python3
"""Hostile input against a real `eddy serve` (issue 19): each reproduction must get a 4xx that
names the problem (or fail alone), while the server keeps answering /healthz within a second,
keeps its RSS under 256 MB, declares no worker dead, and starts again on the same data dir.

Bad input tried: 50,000-digit YAML scalars, a YAML alias bomb, 400 slow-header clients, a
chunked 100 MB body, Livy statements of 100,000 spaces and of 20,000 IN-list items, text/plain
and form-encoded POSTs and a cross-site Origin, 1e400, NUL bytes in a batch's file, `--threads`
in a batch's args, POST without a body, an 8 KB URL, 20 concurrent sessions of one name, a
second server on the same data dir, a 1-character token file, SQL that attaches the live store
or vacuums into a file, YAML that makes yaml-cpp loop (","), and ~1,000 structure-aware
mutations of every API's POST bodies (body_mutations.py).

usage: hostile_input.py EDDY_BINARY WORK_DIR
"""
import json
import os
import random
import socket
import stat
import subprocess
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import body_mutations  # noqa: E402

eddy, work = sys.argv[1], sys.argv[2]
data = os.path.join(work, "data")
failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what, flush=True)
    if not cond:
        failures.append(what)


def start_server(extra=(), log_name="server.log", wait=True):
    log = open(os.path.join(work, log_name), "a")
    p = subprocess.Popen([eddy, "serve", "--bind", "127.0.0.1:0", "--data-dir", data] + list(extra),
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    if not wait:
        return p, None
    deadline = time.time() + 20
    while time.time() < deadline:
        text = open(os.path.join(work, log_name)).read()
        lines = [l for l in text.splitlines() if "listening on http" in l]
        if len(lines) > start_server.count:
            start_server.count = len(lines)
            return p, lines[-1].split("listening on ", 1)[1].split()[0]
        if p.poll() is not None:
            raise SystemExit("server exited: " + text)
        time.sleep(0.05)
    raise SystemExit("server did not start: " + open(os.path.join(work, log_name)).read())


start_server.count = 0


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def healthz_seconds(url):
    t0 = time.perf_counter()
    try:
        r = requests.get(url + "/healthz", timeout=5)
        ok = r.status_code == 200
    except requests.RequestException:
        ok = False
    return (time.perf_counter() - t0) if ok else 99


def alive(server, url, what):
    check(server.poll() is None and healthz_seconds(url) < 1.0,
          what + ": server alive, /healthz in < 1 s")
    peak[0] = max(peak[0], rss_mb(server.pid))


def batch_end(bid):
    """The final state of Livy batch `bid` (or its state after 15 s)."""
    for _ in range(300):
        state = s.get(url + "/batches/%d" % bid).json()["state"]
        if state in ("success", "dead", "killed"):
            break
        time.sleep(0.05)
    return state


def error_text(r):
    return r.text[:300]


peak = [0.0]
server, url = start_server()
host, port = url.split("//")[1].split(":")
port = int(port)
s = requests.Session()

# 7. store and data dir readable by nobody else
check(stat.S_IMODE(os.stat(data).st_mode) == 0o700, "data dir is 0700")
check(stat.S_IMODE(os.stat(os.path.join(data, "eddy.db")).st_mode) == 0o600, "eddy.db is 0600")

r = s.post(url + "/v1/clusters", json={"kind": "Cluster", "metadata": {"name": "h"},
                                       "spec": {"workers": 2, "idleTimeout": "0"}})
assert r.status_code == 201, r.text
for _ in range(200):
    if s.get(url + "/v1/clusters/h").json()["status"].get("state") == "WAITING":
        break
    time.sleep(0.05)
r = s.post(url + "/sessions", json={"kind": "sql", "conf": {"eddy.cluster": "h"}})
assert r.status_code == 201, r.text
sid = r.json()["id"]

# 1. statements that once crashed the server (and every restart after)
digits = "1" * 50000
r = s.post(url + "/v1/clusters", data="kind: Cluster\nmetadata: {name: big}\nspec: {workers: %s}\n"
           % digits, headers={"Content-Type": "application/yaml"})
check(400 <= r.status_code < 500, "50,000-digit YAML scalar: 4xx (%d %s)" % (r.status_code, error_text(r)))
alive(server, url, "50,000-digit YAML")
stmts = []
for code in [" " * 100000 + "SELECT 1",
             "INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT 1 WHERE 1 IN (%s)"
             % ",".join(str(i) for i in range(20000))]:
    r = s.post(url + "/sessions/%d/statements" % sid, json={"code": code, "kind": "sql"})
    check(r.status_code == 201, "long statement accepted for running (%d)" % r.status_code)
    if r.status_code == 201:
        stmts.append(r.json()["id"])
alive(server, url, "long statements")
for st in stmts:
    for _ in range(300):
        state = s.get(url + "/sessions/%d/statements/%d" % (sid, st)).json()["state"]
        if state in ("available", "error", "cancelled"):
            break
        time.sleep(0.05)
    check(state in ("available", "error"), "long statement %d ends (%s)" % (st, state))

# 5. SQL that writes files: the live store must stay out of a statement's reach
for code in ["ATTACH DATABASE '%s' AS s" % os.path.join(data, "eddy.db"),
             "VACUUM INTO '%s'" % os.path.join(work, "copy.db")]:
    r = s.post(url + "/sessions/%d/statements" % sid, json={"code": code, "kind": "sql"})
    st = r.json()["id"]
    for _ in range(1600):
        out = s.get(url + "/sessions/%d/statements/%d" % (sid, st)).json()
        if out["state"] in ("available", "error", "cancelled"):
            break
        time.sleep(0.05)
    text = json.dumps(out.get("output"))
    check(out["state"] == "available" and out["output"]["status"] == "error",
          "SQL %s...: refused (%s)" % (code[:20], text[:200]))
check(not os.path.exists(os.path.join(work, "copy.db")), "VACUUM INTO wrote no file")
alive(server, url, "SQL that writes files")

# 2. YAML alias bomb
bomb = "kind: Cluster\nmetadata:\n  name: bomb\n  labels:\n    a: &a [x, x, x, x, x, x, x, x, x]\n"
prev = "a"
for i in range(9):
    name = "b%d" % i
    bomb += "    %s: &%s [%s]\n" % (name, name, ", ".join(["*" + prev] * 9))
    prev = name
r = s.post(url + "/v1/clusters", data=bomb, headers={"Content-Type": "application/yaml"})
check(r.status_code == 400 and "alias" in r.text.lower(),
      "YAML alias bomb: 400 naming aliases (%d %s)" % (r.status_code, error_text(r)))
deep = "kind: Cluster\nmetadata: {name: deep}\nspec: " + "[" * 5000 + "]" * 5000 + "\n"
r = s.post(url + "/v1/clusters", data=deep, headers={"Content-Type": "application/yaml"})
check(r.status_code == 400 and "nest" in r.text.lower(),
      "YAML nested 5,000 deep: 400 naming nesting (%d %s)" % (r.status_code, error_text(r)))
for text in [",", "- a\n,", "--- ,"]:  # yaml-cpp 0.7 loops forever on these, allocating
    try:
        r = s.post(url + "/v1/clusters", data=text, headers={"Content-Type": "application/yaml"},
                   timeout=10)
        got = "%d %s" % (r.status_code, error_text(r))
        ok = r.status_code == 400 and "no progress" in r.text
    except requests.RequestException as e:
        got, ok = str(e), False
    check(ok, "YAML %r: 400 at once (%s)" % (text, got))
alive(server, url, "YAML bombs")

# 4. body cap with Transfer-Encoding: chunked
def chunks():
    block = b"x" * (1 << 20)
    yield b'{"file": "builtin:pi", "args": ["'
    for _ in range(100):
        yield block
    yield b'"]}'
try:
    r = requests.post(url + "/batches", data=chunks(), headers={"Content-Type": "application/json"},
                      timeout=60)
    code = r.status_code
except requests.RequestException as e:  # the server may close while the client still sends
    code = 413 if "reset" in str(e).lower() or "aborted" in str(e).lower() or "broken" in str(e).lower() else str(e)
check(code == 413, "chunked 100 MB body: 413 (%s)" % code)
alive(server, url, "chunked body")
r = s.get(url + "/v1/batches")
check(r.status_code == 200 and len(r.content) < 4 << 20, "GET /v1/batches is bounded (%d bytes)" % len(r.content))

# 6. cross-site shapes
for ctype in ["text/plain", "application/x-www-form-urlencoded"]:
    r = requests.post(url + "/batches", data=json.dumps({"file": "builtin:pi"}),
                      headers={"Content-Type": ctype})
    check(r.status_code == 415, "Livy POST as %s: 415 (%d)" % (ctype, r.status_code))
r = requests.post(url + "/batches", json={"file": "builtin:pi"},
                  headers={"Origin": "http://evil.example"})
check(r.status_code == 403, "cross-site Origin: 403 (%d %s)" % (r.status_code, error_text(r)))
r = requests.post(url + "/batches", json={"file": "builtin:pi", "args": ["1"],
                                          "conf": {"eddy.cluster": "h"}},
                  headers={"Origin": url})
check(r.status_code == 201, "same-origin Origin: 201 (%d %s)" % (r.status_code, error_text(r)))

# 9. small ones
r = requests.post(url + "/batches", data='{"file": "builtin:pi", "args": [1e400]}',
                  headers={"Content-Type": "application/json"})
check(r.status_code == 400, "1e400: 400 (%d %s)" % (r.status_code, error_text(r)))
r = s.post(url + "/batches", json={"file": "/tmp/a\u0000b.yaml", "conf": {"eddy.cluster": "h"}})
check(r.status_code == 400 and "NUL" in r.text, "NUL byte in file: 400 (%d %s)" % (r.status_code, error_text(r)))
r = s.post(url + "/batches", json={"file": "builtin:pi", "args": ["--threads", "256"],
                                   "conf": {"eddy.cluster": "h"}})
if r.status_code == 201:
    state = batch_end(r.json()["id"])
    log = "\n".join(s.get(url + "/batches/%d/log" % r.json()["id"]).json().get("log", []))
    print("      batch log: " + log[-300:].replace("\n", " | "))
    check(state == "dead" and "expected at most one argument" in log,
          "batch args are the job's arguments, not eddy flags: pi refuses ['--threads', '256'] (%s)"
          % state)
else:
    check(r.status_code == 400, "batch args with --threads refused or passed through (%d)" % r.status_code)
out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-XPOST", "-m", "5",
                      url + "/sessions/%d/statements/0/cancel" % sid], capture_output=True, text=True)
check(out.stdout == "200", "curl -XPOST .../cancel without a body: 200 (%s)" % out.stdout)
r = s.get(url + "/v1/clusters?x=" + "a" * 9000)
check(r.status_code == 414 and "Internal" not in r.text, "9 KB URL: 414, not Internal (%d %s)" % (r.status_code, error_text(r)))

# 8. uniqueness under concurrency
codes = []
def make_session():
    try:
        codes.append(requests.post(url + "/sessions", json={"kind": "sql", "name": "same",
                                                             "conf": {"eddy.cluster": "h"}},
                                   timeout=10).status_code)
    except requests.RequestException as e:
        codes.append(str(e))
ts = [threading.Thread(target=make_session) for _ in range(20)]
for t in ts:
    t.start()
for t in ts:
    t.join()
check(codes.count(201) == 1, "20 concurrent sessions named 'same': one created (%s)" % sorted(map(str, codes)))
second, _ = start_server(log_name="second.log", wait=False)
try:
    second.wait(timeout=10)
except subprocess.TimeoutExpired:
    second.kill()
    second.wait()
text = open(os.path.join(work, "second.log")).read()
check(second.returncode not in (0, None, -9) and str(server.pid) in text,
      "second eddy serve on the same data dir refused, naming pid %d (%s)" % (server.pid, text.strip()[-200:]))
tok = os.path.join(work, "short-token")
open(tok, "w").write("x\n")
p = subprocess.run([eddy, "serve", "--bind", "127.0.0.1:0", "--data-dir", os.path.join(work, "d2"),
                    "--token-file", tok], capture_output=True, text=True, timeout=10)
check(p.returncode != 0 and "token" in p.stderr, "1-character token refused (%s)" % p.stderr.strip())

# Mutated bodies for every API's POST routes: never a 5xx, never a dead server.
seeds = [
    ("/sessions", {}, {"kind": "sql", "name": "m", "conf": {"eddy.cluster": "h"}}),
    ("/batches", {}, {"file": "builtin:pi", "args": ["1"], "name": "mb", "conf": {"eddy.cluster": "h"}}),
    ("/sessions/%d/statements" % sid, {}, {"code": "SELECT 1", "kind": "sql"}),
    ("/sessions/%d/completion" % sid, {}, {"code": "SEL", "kind": "sql", "cursor": 3}),
    ("/v1/clusters", {}, {"apiVersion": "eddy.dev/v1", "kind": "Cluster", "metadata": {"name": "mc", "labels": {"a": "b"}},
                          "spec": {"workers": 1, "idleTimeout": "1s", "memoryPerWorker": "1GiB"}}),
    ("/v1/batchjobs", {}, {"kind": "BatchJob", "metadata": {"name": "mj"},
                           "spec": {"cluster": "h", "manifest": "kind: BatchJob\n"}}),
    ("/", {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "ElasticMapReduce.RunJobFlow"},
     {"Name": "emr-m", "ReleaseLabel": "emr-6.2.0", "Instances": {"InstanceCount": 2, "KeepJobFlowAliveWhenNoSteps": True}}),
    ("/", {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "ElasticMapReduce.DescribeCluster"},
     {"ClusterId": "j-1"}),
    ("/v1/workers/register", {}, {"worker": "w-x", "cluster": "h", "pid": 1, "cores": 1, "memoryBytes": 1}),
]
rng = random.Random(19)
server_errors = []
for path, headers, seed in seeds:
    h = {"Content-Type": "application/json"}
    h.update(headers)
    # Each accepted RunJobFlow starts a cluster with workers: fewer of those.
    for i in range(30 if "RunJobFlow" in headers.get("X-Amz-Target", "") else 120):
        text = body_mutations.mutate(seed, rng)
        try:
            r = s.post(url + path, data=text.encode("utf-8", "surrogatepass"), headers=h, timeout=30)
            if r.status_code >= 500 and r.status_code != 503:
                server_errors.append("%s %d %s <- %s" % (path, r.status_code, r.text[:160], text[:300]))
        except requests.RequestException as e:
            server_errors.append("%s: %s <- %s" % (path, e, text[:300]))
for e in server_errors[:10]:
    print("      " + e)
check(not server_errors, "mutated bodies over %d routes: no 5xx (%d)"
      % (len(seeds), len(server_errors)))
alive(server, url, "mutated bodies")

# 3. 400 slow clients (a header line every few seconds, never finishing)
dead_before = s.get(url + "/v1/clusters/h").json()["status"].get("replacedWorkers", 0)
socks = []
for i in range(400):
    c = socket.create_connection((host, port))
    c.sendall(b"GET /v1/clusters HTTP/1.1\r\nHost: x\r\n")
    socks.append(c)
stop = threading.Event()
def drip():
    while not stop.wait(3):
        for c in socks:
            try:
                c.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
dripper = threading.Thread(target=drip)
dripper.start()
worst = 0
for _ in range(15):
    worst = max(worst, healthz_seconds(url))
    time.sleep(1)
check(worst < 1.0, "400 slow clients: /healthz within a second throughout (worst %.2f s)" % worst)
r = s.post(url + "/batches", json={"file": "builtin:pi", "args": ["1"], "conf": {"eddy.cluster": "h"}})
state = batch_end(r.json()["id"])
check(state == "success", "a batch runs while 400 slow clients hang on (%s)" % state)
stop.set()
dripper.join()
for c in socks:
    c.close()
dead_after = s.get(url + "/v1/clusters/h").json()["status"].get("replacedWorkers", 0)
check(dead_after == dead_before, "no worker declared dead (%s -> %s)" % (dead_before, dead_after))
alive(server, url, "slow clients")

check(peak[0] < 256, "server RSS stayed under 256 MB (peak %.0f MB)" % peak[0])

# a restart on the same data dir succeeds (statements stored above must not crash it)
server.terminate()
server.wait(timeout=30)
server, url = start_server()
alive(server, url, "restart on the same data dir")
server.terminate()
server.wait(timeout=30)

if failures:
    print("%d failed:" % len(failures))
    for f in failures:
        print("  " + f)
    sys.exit(1)
print("hostile input: all passed")
