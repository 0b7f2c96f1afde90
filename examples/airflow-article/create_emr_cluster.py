# -*- coding: UTF-8 -*-
import boto3
import os

# Adapted for Eddy: the EMR API is eddy serve's (Livy stays on the master's port 8998), and
# the polling interval may be shortened (0: the article's)
POLL_SECONDS = float(os.environ.get('ARTICLE_POLL_SECONDS', '0'))
EMR_ENDPOINT = os.environ.get('EMR_ENDPOINT_URL', 'http://localhost:8998')
import time

emr_client = boto3.client('emr', region_name='us-east-1', endpoint_url=EMR_ENDPOINT)
# The cluster's name: it must not clash with a cluster that runs now
name = 'emr-cluster'
# The instances: their number and type can be changed
intances = {
    'InstanceGroups': [
        {
            'Market': 'SPOT',
            'InstanceRole': 'MASTER',
            'InstanceType': 'm4.xlarge',
            'InstanceCount': 1,
        },
        {
            'Market': 'SPOT',
            'InstanceRole': 'CORE',
            'InstanceType': 'm4.xlarge',
            'InstanceCount': 2,
        }
    ],
    'KeepJobFlowAliveWhenNoSteps': True
}
# The cluster's applications
applications = [
    {
        'Name': 'Hadoop'
    },
    {
        'Name': 'Pig'
    },
    {
        'Name': 'Livy'
    },
    {
        'Name': 'Hive'
    },
    {
        'Name': 'Hue'
    },
    {
        'Name': 'Spark'
    }
]

if __name__ == '__main__':
    # Create the EMR cluster
    emr_client.run_job_flow(
        Name=name,
        ReleaseLabel='emr-5.12.0',
        Instances=intances,
        Applications=applications,
        JobFlowRole='EMR_EC2_DefaultRole',
        ServiceRole='EMR_DefaultRole'
    )
    # Poll until the cluster is WAITING
    flag = True
    while flag:
        time.sleep(POLL_SECONDS or 20)
        r = emr_client.list_clusters(ClusterStates=['WAITING'])
        for i in r['Clusters']:
            if i['Name'] == name:
                flag = False
