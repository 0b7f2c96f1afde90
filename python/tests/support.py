"""Shared helpers of the pyspark tests: the SparkContext, the Eddy binary, s3rver."""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(PYTHON_DIR)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

EDDY = os.environ.get("EDDY_BINARY") or os.path.join(REPO, "build", "eddy")
os.environ.setdefault("EDDY_BINARY", EDDY)
S3RVER = os.path.join(REPO, "node_modules", ".bin", "s3rver")
START_S3RVER = os.path.join(REPO, "tests", "storage", "start-s3rver")

from pyspark import SparkContext  # noqa: E402


def sc():
    return SparkContext.getOrCreate()


class S3rver(object):
    """An s3rver on a free loopback port with the given buckets, stopped by stop() (and by
    start-s3rver's watcher when this process exits). The AWS_* variables point at it while
    it runs."""

    VARS = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")

    def __init__(self, tmpdir, *buckets):
        if not os.path.exists(S3RVER):
            raise unittest.SkipTest("%s is missing (run scripts/install-deps): S3 tests skipped"
                                    % S3RVER)
        if not os.path.exists(EDDY):
            raise unittest.SkipTest("%s is not built: S3 tests skipped" % EDDY)
        out = subprocess.run([START_S3RVER, os.path.join(tmpdir, "s3rver"), "--watch",
                              str(os.getpid())] + list(buckets), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=True, timeout=60)
        port, pid = out.stdout.decode().split()
        self.port, self.pid = int(port), int(pid)
        self._saved = {k: os.environ.get(k) for k in self.VARS}
        os.environ.update({"AWS_ENDPOINT_URL": "http://127.0.0.1:%d" % self.port,
                           "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                           "AWS_REGION": "us-east-1"})

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except OSError:
            pass
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def eddy(*args, **kw):
    return subprocess.run([EDDY] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=True, **kw)
