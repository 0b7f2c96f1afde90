# -*- coding: UTF-8 -*-
import boto3
import time
import os

# Adapted for Eddy: the EMR API is eddy serve's, and the polling interval may be shortened
# (0: the article's)
EMR_ENDPOINT = os.environ.get('EMR_ENDPOINT_URL', 'http://localhost:8998')
POLL_SECONDS = float(os.environ.get('ARTICLE_POLL_SECONDS', '0'))

# Terminate the cluster; name is your cluster's name
name = 'emr-cluster'
emr_client = boto3.client('emr', region_name='us-east-1', endpoint_url=EMR_ENDPOINT)
flag = True
while flag:
    time.sleep(POLL_SECONDS or 120)
    r = emr_client.list_clusters(ClusterStates=['WAITING'])
    for i in r['Clusters']:
        if i['Name'] == name:
            emr_client.terminate_job_flows(JobFlowIds=[i['Id']])
            flag = False
