# -*- coding: UTF-8 -*-
import requests
import json
import textwrap
import pprint
import boto3
import os

# Adapted for Eddy: the EMR API is eddy serve's (Livy stays on the master's port 8998)
EMR_ENDPOINT = os.environ.get('EMR_ENDPOINT_URL', 'http://localhost:8998')

# The Livy batch URL that runs the jar; name is your cluster's name
name = 'emr-cluster'
emr_client = boto3.client('emr', region_name='us-east-1', endpoint_url=EMR_ENDPOINT)
r = emr_client.list_clusters(ClusterStates=['WAITING'])
for i in r['Clusters']:
    if i['Name'] == name:
        cluster_id = i['Id']
r = emr_client.describe_cluster(ClusterId=cluster_id)
emr_dns = r['Cluster']['MasterPublicDnsName']
batch_url = 'http://' + emr_dns + ':8998/batches'
headers = {'Content-Type': 'application/json'}
# Submit the job
data = {"file": "s3://xiaoyj/emr/spark-examples_2.11-2.4.4.jar", "className": "org.apache.spark.examples.SparkPi"}
r = requests.post(batch_url, data=json.dumps(data), headers=headers)
pprint.pprint(r.json())
