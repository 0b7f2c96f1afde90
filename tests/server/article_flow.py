#!/usr/bin/python3
"""The Airflow/EMR/Livy article's flow against `eddy serve`, with the article's own clients:
boto3's EMR client creates the cluster and polls until WAITING, requests talks Livy (sessions,
the SparkPi batch, the transform as an `eddy` statement, the query as `sql` statements), boto3
terminates the cluster. Prints what a reader of the article would check; the e2e case compares
it. Needs Debian's python3-boto3 and python3-requests (run with /usr/bin/python3).

usage: article_flow.py EDDY_URL BUCKET MANIFEST_TEXT_FILE
"""
import json
import sys
import time

import boto3
import requests

url, bucket, manifest_path = sys.argv[1], sys.argv[2], sys.argv[3]
host_port = url.split("//", 1)[1]
port = host_port.rsplit(":", 1)[1]


def wait(what, fn, timeout=60, every=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(every)
    raise SystemExit("timed out waiting for " + what)


# ---- create_emr_cluster: run_job_flow, then poll until the cluster named emr-cluster is WAITING
emr = boto3.client("emr", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="x")
resp = emr.run_job_flow(
    Name="emr-cluster", ReleaseLabel="emr-5.28.0", LogUri="s3://" + bucket + "/logs",
    Applications=[{"Name": n} for n in ("Hadoop", "Pig", "Livy", "Hive", "Hue", "Spark")],
    Instances={"InstanceGroups": [
        {"Name": "Master", "Market": "SPOT", "InstanceRole": "MASTER",
         "InstanceType": "m4.xlarge", "InstanceCount": 1},
        {"Name": "Core", "Market": "SPOT", "InstanceRole": "CORE",
         "InstanceType": "m4.xlarge", "InstanceCount": 2}],
        "KeepJobFlowAliveWhenNoSteps": True, "TerminationProtected": False},
    VisibleToAllUsers=True, JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole")
cluster_id = resp["JobFlowId"]
print("run_job_flow:", cluster_id.startswith("j-"))


def waiting_cluster():
    for c in emr.list_clusters(ClusterStates=["WAITING"])["Clusters"]:
        if c["Name"] == "emr-cluster":
            return c["Id"]
    return None


print("cluster WAITING:", wait("WAITING", waiting_cluster) == cluster_id)
desc = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
dns = desc["MasterPublicDnsName"]
print("timeline has ready time:", "ReadyDateTime" in desc["Status"]["Timeline"])
livy = "http://%s:%s" % (dns, port)
headers = {"Content-Type": "application/json"}

# ---- create_livy_session: the article asks for pyspark (its statements: serve-pyspark-article)
r = requests.post(livy + "/sessions", data=json.dumps({"kind": "pyspark"}), headers=headers)
print("pyspark session:", r.status_code, r.json().get("kind"))
conf = {"eddy.cluster": desc["Name"]}
r = requests.post(livy + "/sessions", data=json.dumps({"kind": "eddy", "conf": conf}),
                  headers=headers)
print("eddy session:", r.status_code, r.headers["Location"] == "/sessions/%d" % r.json()["id"])
session = r.json()["id"]
print("session idle:", wait("idle", lambda: requests.get(
    "%s/sessions/%d/state" % (livy, session)).json()["state"] == "idle"))

# ---- calpi: the SparkPi batch
r = requests.post(livy + "/batches", headers=headers, data=json.dumps({
    "file": "s3://%s/jars/spark-examples_2.11-2.4.4.jar" % bucket,
    "className": "org.apache.spark.examples.SparkPi", "args": ["20"], "conf": conf}))
batch = r.json()["id"]
print("batch created:", r.status_code)
state = wait("batch end", lambda: (lambda s: s if s in ("success", "dead", "killed") else None)(
    requests.get("%s/batches/%d" % (livy, batch)).json()["state"]))
print("batch state:", state)
log = requests.get("%s/batches/%d/log" % (livy, batch), params={"size": -1}).json()["log"]
print("batch log has Pi:", any(line.startswith("Pi is roughly 3.1") for line in log))


def run_statement(session_id, code):
    r = requests.post("%s/sessions/%d/statements" % (livy, session_id), headers=headers,
                      data=json.dumps({"code": code}))
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    return wait("statement", lambda: (lambda st: st if st["state"] in ("available", "cancelled")
                                      else None)(requests.get(
        "%s/sessions/%d/statements/%d" % (livy, session_id, sid)).json()), timeout=120)


# ---- transform: the article's PySpark code as an Eddy BatchJob manifest
st = run_statement(session, open(manifest_path).read())
print("transform:", st["state"], st["output"]["status"])

# ---- query: a sql session over the transform's output, like spark.read.json + tbn
r = requests.post(livy + "/sessions", data=json.dumps({"kind": "sql", "conf": conf}),
                  headers=headers)
sql_session = r.json()["id"]
wait("sql idle", lambda: requests.get("%s/sessions/%d" % (livy, sql_session)).json()["state"]
     == "idle")
st = run_statement(sql_session, "CREATE TEMPORARY VIEW tbn USING json OPTIONS "
                                "(path 's3a://%s/emr/middle_result')" % bucket)
print("view:", st["output"]["status"])
st = run_statement(sql_session, "SELECT size(`9`) AS n FROM tbn")
data = st["output"]["data"]["application/json"]["data"]
sizes = sorted(row[0] for row in data)
print("query sizes:", sizes.count(-1), "x -1,", [s for s in sizes if s != -1])
st = run_statement(sql_session, "INSERT OVERWRITE DIRECTORY 's3a://%s/emr/result' USING json "
                                "SELECT size(`9`) AS n FROM tbn" % bucket)
print("result saved:", st["output"]["status"])
bad = run_statement(sql_session, "SELECT nosuchcolumn FROM tbn")
print("bad query:", bad["state"], bad["output"]["status"], bad["output"]["ename"])

# ---- terminate_cluster
emr.terminate_job_flows(JobFlowIds=[cluster_id])
final = wait("TERMINATED", lambda: (lambda s: s if s.startswith("TERMINATED") else None)(
    emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"]))
print("cluster:", final)
d = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]
print("end time set:", "EndDateTime" in d["Status"]["Timeline"])
