# -*- coding: UTF-8 -*-
import boto3
import time
import os

# Adapted for Eddy: S3 is any S3-compatible endpoint (AWS_ENDPOINT_URL; unset: AWS), and the
# polling interval may be shortened (0: the article's)
S3_ENDPOINT = os.environ.get('AWS_ENDPOINT_URL') or None
POLL_SECONDS = float(os.environ.get('ARTICLE_POLL_SECONDS', '0'))

# Poll S3 until the transform is done (emr/middle_result/part-00000 exists); name is your bucket
name = 'xiaoyj'
s3_client = boto3.client('s3', region_name='us-east-1', endpoint_url=S3_ENDPOINT)
flag = True
while flag:
    time.sleep(POLL_SECONDS or 60)
    r = s3_client.list_objects(Bucket=name)
    for i in r['Contents']:
        if i['Key'] == 'emr/middle_result/part-00000':
            flag = False
