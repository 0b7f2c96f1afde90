"""boto3's emr client, unmodified, against a token-protected eddy serve: the secret access key
is the server's token, the request's SigV4 signature is what the server checks.

Bad input tried: a wrong secret, a signature on a non-EMR route, a bearer-less request, a
SigV4 header that is not even well formed.

usage: emr_sigv4.py URL TOKEN_FILE
"""
import sys

import boto3
import botocore.exceptions
import requests

url, token = sys.argv[1], open(sys.argv[2]).read().strip()


def client(secret, region="eu-west-1"):
    return boto3.client("emr", endpoint_url=url, region_name=region,
                        aws_access_key_id="eddy", aws_secret_access_key=secret)


emr = client(token)
resp = emr.run_job_flow(
    Name="signed", ReleaseLabel="emr-5.28.0",
    Instances={"InstanceGroups": [
        {"Name": "Master", "InstanceRole": "MASTER", "InstanceType": "m4.xlarge",
         "InstanceCount": 1}], "KeepJobFlowAliveWhenNoSteps": True},
    JobFlowRole="EMR_EC2_DefaultRole", ServiceRole="EMR_DefaultRole")
cluster_id = resp["JobFlowId"]
print("run_job_flow signed:", cluster_id.startswith("j-"))
print("list_clusters, another region:",
      [c["Name"] for c in client(token, "us-east-1").list_clusters()["Clusters"]])

try:
    client("not-the-token").list_clusters()
    print("wrong secret: accepted")
except botocore.exceptions.ClientError as e:
    err = e.response["Error"]
    print("wrong secret:", e.response["ResponseMetadata"]["HTTPStatusCode"], err["Code"],
          "signature does not match" in err["Message"])

r = requests.get(url + "/sessions", headers={
    "Authorization": "AWS4-HMAC-SHA256 Credential=eddy/20260101/us-east-1/emr/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=00",
    "X-Amz-Date": "20260101T000000Z"})
print("SigV4 on Livy:", r.status_code, "EMR API only" in r.json()["msg"])
r = requests.post(url + "/", headers={"Authorization": "AWS4-HMAC-SHA256 garbage",
                                      "X-Amz-Target": "ElasticMapReduce.ListClusters",
                                      "Content-Type": "application/x-amz-json-1.1"}, data="{}")
print("malformed SigV4:", r.status_code)
print("no credentials:", requests.get(url + "/v1/clusters").status_code)

emr.terminate_job_flows(JobFlowIds=[cluster_id])
state = emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"]
print("terminate signed:", state.startswith("TERMINAT"))
