# -*- coding: UTF-8 -*-
import requests
import json
import textwrap
import pprint
import boto3
import os

# Adapted for Eddy: the EMR API is eddy serve's (Livy stays on the master's port 8998)
EMR_ENDPOINT = os.environ.get('EMR_ENDPOINT_URL', 'http://localhost:8998')

# The Livy URL to submit the job to; name is your cluster's name
name = 'emr-cluster'
emr_client = boto3.client('emr', region_name='us-east-1', endpoint_url=EMR_ENDPOINT)
r = emr_client.list_clusters(ClusterStates=['WAITING'])
for i in r['Clusters']:
    if i['Name'] == name:
        cluster_id = i['Id']
r = emr_client.describe_cluster(ClusterId=cluster_id)
emr_dns = r['Cluster']['MasterPublicDnsName']
livy_url = 'http://' + emr_dns + ':8998/sessions/0/statements'
headers = {'Content-Type': 'application/json'}
# Submit the job: the code in data runs on EMR, transforms the file in S3 and stores the result
# back in S3 as an intermediate result
data = {
    'code': textwrap.dedent("""
        import json
        sc._jsc.hadoopConfiguration().set('fs.s3a.endpoint', 's3-us-east-2.amazonaws.com')
        text_file = sc.textFile("s3a://xiaoyj/emr/emrdata.txt")
        text_file = text_file.map(lambda x: x.split('::'))
        text_file = text_file.map(lambda x: (int(x[0]), x[1:]))
        text_file = text_file.groupByKey().map(lambda x: (x[0], list(x[1])))
        text_file = text_file.sortByKey()
        text_file = text_file.map(lambda x: {x[0]: x[1]})
        text_file = text_file.map(lambda x: json.dumps(x))
        text_file.coalesce(1).saveAsTextFile("s3a://xiaoyj/emr/middle_result")
        print("Transform Complete!")
        """)
}
r = requests.post(livy_url, data=json.dumps(data), headers=headers)
pprint.pprint(r.json())
