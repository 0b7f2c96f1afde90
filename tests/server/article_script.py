#!/usr/bin/python3
"""Runs one of the article's client scripts (tests/server/article/) against `eddy serve`,
unchanged: boto3 clients get Eddy's URL as their endpoint (and dummy credentials), requests to
`http://<master DNS>:8998/...` go to Eddy's Livy API at the same path, and the scripts' polling
sleeps (20 s to 120 s) are cut to 0.2 s. Needs Debian's python3-boto3 and python3-requests.

usage: article_script.py EDDY_URL SCRIPT
"""
import re
import runpy
import sys
import time

import boto3
import requests

eddy_url, script = sys.argv[1].rstrip("/"), sys.argv[2]

real_client = boto3.client


def client(service, *args, **kwargs):
    kwargs.setdefault("endpoint_url", eddy_url)
    kwargs.setdefault("aws_access_key_id", "x")
    kwargs.setdefault("aws_secret_access_key", "x")
    return real_client(service, *args, **kwargs)


boto3.client = client

real_request = requests.Session.request
LIVY = re.compile(r"^https?://[^/]+:8998(/.*)?$")


def request(self, method, url, *args, **kwargs):
    m = LIVY.match(url)
    if m:
        url = eddy_url + (m.group(1) or "")
    return real_request(self, method, url, *args, **kwargs)


requests.Session.request = request
real_sleep = time.sleep
time.sleep = lambda seconds: real_sleep(min(seconds, 0.2))

sys.argv = [script]
runpy.run_path(script, run_name="__main__")
