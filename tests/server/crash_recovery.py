#!/usr/bin/python3
"""kill -9 of `eddy serve` while 200 clients submit Livy batches concurrently, then a restart:
every submission that got a 2xx must exist exactly once, and the running work must be
reconciled (workers re-attach; every batch ends in success). No process may be left.

usage: crash_recovery.py EDDY_BINARY WORK_DIR
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

import requests

eddy, work = sys.argv[1], sys.argv[2]
data = os.path.join(work, "server")


def start_server(port=0):
    # The restart binds the same port: the surviving workers reconnect to the address they know.
    log = open(os.path.join(work, "server.log"), "a")
    p = subprocess.Popen([eddy, "serve", "--bind", "127.0.0.1:%d" % port, "--data-dir", data],
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(os.path.join(work, "server.log")) as f:
            lines = [l for l in f if "listening on http" in l]
        if len(lines) > start_server.count:
            start_server.count = len(lines)
            url = lines[-1].split("listening on ", 1)[1].split()[0]
            return p, url
        time.sleep(0.05)
    raise SystemExit("server did not start: " + open(os.path.join(work, "server.log")).read())


start_server.count = 0
server, url = start_server()
r = requests.post(url + "/v1/clusters", json={"apiVersion": "eddy.dev/v1", "kind": "Cluster",
                  "metadata": {"name": "rel"}, "spec": {"workers": 2, "idleTimeout": "0"}})
assert r.status_code == 201, r.text

accepted = []  # ids of 2xx answers
failed = [0]
lock = threading.Lock()
go = threading.Event()


def client(i):
    go.wait()
    try:
        r = requests.post(url + "/batches", json={
            "file": "builtin:pi", "args": ["2"], "name": "client-%d" % i,
            "conf": {"eddy.cluster": "rel"}}, timeout=10)
        if 200 <= r.status_code < 300:
            with lock:
                accepted.append(r.json()["id"])
        else:
            with lock:
                failed[0] += 1
    except requests.RequestException:
        with lock:
            failed[0] += 1


threads = [threading.Thread(target=client, args=(i,)) for i in range(200)]
for t in threads:
    t.start()
go.set()
# Kill while submissions are still arriving.
while True:
    with lock:
        if len(accepted) >= 60:
            break
    time.sleep(0.005)
os.kill(server.pid, signal.SIGKILL)
server.wait()
for t in threads:
    t.join()
print("accepted before the crash: at least 60:", len(accepted) >= 60)
print("every client answered or failed:", len(accepted) + failed[0] == 200)

server, url = start_server(int(url.rsplit(":", 1)[1]))
batches = requests.get(url + "/batches", params={"size": 1000}).json()["sessions"]
ids = [b["id"] for b in batches]
print("no duplicate ids:", len(ids) == len(set(ids)))
print("every 2xx exists:", set(accepted) <= set(ids))
names = [b["name"] for b in batches]
print("no submission stored twice:", len(names) == len(set(names)))


def all_done():
    bs = requests.get(url + "/batches", params={"size": 1000}).json()["sessions"]
    states = [b["state"] for b in bs]
    return states if all(s in ("success", "dead", "killed") for s in states) else None


deadline = time.time() + 240
states = None
while time.time() < deadline and states is None:
    states = all_done()
    time.sleep(0.2)
print("all batches finished:", states is not None)
print("all succeeded:", states is not None and set(states) == {"success"})

requests.delete(url + "/v1/clusters/rel")
deadline = time.time() + 30
while time.time() < deadline and requests.get(url + "/v1/clusters/rel").status_code != 404:
    time.sleep(0.1)
server.send_signal(signal.SIGTERM)
print("server exit:", server.wait(timeout=30))
left = subprocess.run(["pgrep", "-f", "worker --server " + url], capture_output=True, text=True)
print("workers left:", len(left.stdout.split()))
