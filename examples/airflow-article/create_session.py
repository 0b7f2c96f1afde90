# -*- coding: UTF-8 -*-
import requests
import json
import pprint
import boto3
import os

# Adapted for Eddy: the EMR API is eddy serve's (Livy stays on the master's port 8998)
EMR_ENDPOINT = os.environ.get('EMR_ENDPOINT_URL', 'http://localhost:8998')

# The cluster's DNS name; name is your cluster's name
name = 'emr-cluster'
emr_client = boto3.client('emr', region_name='us-east-1', endpoint_url=EMR_ENDPOINT)
r = emr_client.list_clusters(ClusterStates=['WAITING'])
for i in r['Clusters']:
    if i['Name'] == name:
        cluster_id = i['Id']
r = emr_client.describe_cluster(ClusterId=cluster_id)
emr_dns = r['Cluster']['MasterPublicDnsName']
# livy_host is the URL of Livy on the EMR cluster: no need to change the code
livy_host = 'http://' + emr_dns + ':8998'
data = {'kind': 'pyspark'}
headers = {'Content-Type': 'application/json'}
r = requests.post(livy_host + '/sessions', data=json.dumps(data), headers=headers)
pprint.pprint(r.json())
