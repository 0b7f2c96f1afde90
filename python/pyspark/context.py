"""SparkContext: the entry point of Eddy's PySpark (docs/pyspark.md)."""
import atexit
import getpass
import os
import shutil
import sys
import tempfile
import threading
import time

from . import _io
from . import accumulators as _accumulators
from .broadcast import Broadcast
from .conf import SparkConf
from .rdd import _ParallelCollectionRDD, _TextFileRDD, _UnionRDD, _WholeTextFilesRDD

__all__ = ["SparkContext"]

_SUBSET_NOTE = "is not in Eddy's PySpark subset (see docs/pyspark.md)"
_LOG_LEVELS = ("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF", "TRACE", "WARN")


class _HadoopConfiguration(object):
    """sc._jsc.hadoopConfiguration(): settings are stored and returned, not used. In
    particular fs.s3a.endpoint does not choose the S3 endpoint: Eddy's environment does
    (AWS_ENDPOINT_URL, docs/storage.md)."""

    def __init__(self):
        self._conf = {}

    def set(self, key, value):
        self._conf[str(key)] = str(value)

    def get(self, key, defaultValue=None):
        return self._conf.get(str(key), defaultValue)

    def unset(self, key):
        self._conf.pop(str(key), None)

    def setInt(self, key, value):
        self.set(key, int(value))

    def setBoolean(self, key, value):
        self.set(key, "true" if value else "false")

    def getInt(self, key, defaultValue):
        v = self._conf.get(str(key))
        return int(v) if v is not None else defaultValue

    def size(self):
        return len(self._conf)


class _JavaSparkContext(object):
    """The part of PySpark's sc._jsc that scripts touch: hadoopConfiguration()."""

    def __init__(self, sc):
        self._sc = sc
        self._hadoop = _HadoopConfiguration()

    def hadoopConfiguration(self):
        return self._hadoop

    def sc(self):
        return self._sc

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError("sc._jsc.%s %s: Eddy has no JVM; only "
                             "sc._jsc.hadoopConfiguration() is accepted" % (name, _SUBSET_NOTE))


class SparkContext(object):
    _active_spark_context = None
    _lock = threading.RLock()

    def __init__(self, master=None, appName=None, sparkHome=None, pyFiles=None,
                 environment=None, batchSize=0, serializer=None, conf=None, gateway=None,
                 jsc=None, profiler_cls=None):
        with SparkContext._lock:
            active = SparkContext._active_spark_context
            if active is not None:
                raise ValueError(
                    "Cannot run multiple SparkContexts at once; existing SparkContext(app=%s, "
                    "master=%s) created by __init__; use SparkContext.getOrCreate()"
                    % (active.appName, active.master))
            self._conf = conf._copy() if conf is not None else SparkConf()
            if master:
                self._conf.set("spark.master", master)
            if appName:
                self._conf.setAppName(appName)
            if sparkHome:
                self._conf.setSparkHome(sparkHome)
            for k, v in (environment or {}).items():
                self._conf.setExecutorEnv(k, v)
            self.appName = (self._conf.get("spark.app.name") or os.environ.get("EDDY_APP_NAME")
                            or "pyspark-shell")
            self._conf.set("spark.app.name", self.appName)
            self.master = "eddy"
            self.version = "2.4.4"
            self.environment = dict(environment or {})
            self.pythonExec = sys.executable
            self.pythonVer = "%d.%d" % sys.version_info[:2]
            self.startTime = int(time.time() * 1000)
            self.applicationId = "eddy-%d-%d" % (self.startTime, os.getpid())
            self._jsc = _JavaSparkContext(self)
            self._log_level = "WARN"
            self._stopped = False
            self._rdd_counter = 0
            self._shuffle_counter = 0
            self._tmp = None
            self._owner_pid = os.getpid()
            self._local_properties = {}
            SparkContext._active_spark_context = self
            atexit.register(self._cleanup)
        if pyFiles:
            for p in pyFiles:
                self.addPyFile(p)

    # -- construction
    @classmethod
    def getOrCreate(cls, conf=None):
        with SparkContext._lock:
            if SparkContext._active_spark_context is None:
                SparkContext(conf=conf or SparkConf())
            return SparkContext._active_spark_context

    _system_properties = {}

    @classmethod
    def setSystemProperty(cls, key, value):
        """Stored (Eddy has no JVM system properties)."""
        SparkContext._system_properties[key] = value

    def __enter__(self):
        return self

    def __exit__(self, typ, value, tb):
        self.stop()

    def __repr__(self):
        return "<SparkContext master=%s appName=%s>" % (self.master, self.appName)

    def __reduce__(self):
        raise Exception(
            "It appears that you are attempting to reference SparkContext from a broadcast "
            "variable, action, or transformation. SparkContext can only be used on the driver, "
            "not in code that it run on workers. For more information, see SPARK-5063.")

    def __getattr__(self, name):
        if name.startswith("__") or name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError("'SparkContext' object has no attribute '%s': SparkContext.%s %s"
                             % (name, name, _SUBSET_NOTE))

    # -- settings
    @property
    def defaultParallelism(self):
        v = self._conf.get("spark.default.parallelism")
        if v:
            return max(1, int(v))
        try:
            threads = int(os.environ.get("EDDY_THREADS") or 0)
        except ValueError:
            threads = 0
        return threads if threads > 0 else (os.cpu_count() or 1)  # 0: every core

    @property
    def defaultMinPartitions(self):
        return min(self.defaultParallelism, 2)

    def getConf(self):
        return self._conf._copy()

    def setLogLevel(self, logLevel):
        level = str(logLevel).upper()
        if level not in _LOG_LEVELS:
            raise ValueError("Supplied level %s did not match one of: %s"
                             % (logLevel, ",".join(_LOG_LEVELS)))
        self._log_level = level

    def sparkUser(self):
        return getpass.getuser()

    @property
    def uiWebUrl(self):
        return None

    def setJobGroup(self, groupId, description, interruptOnCancel=False):
        self._local_properties["spark.jobGroup.id"] = groupId
        self._local_properties["spark.job.description"] = description

    def setJobDescription(self, value):
        self._local_properties["spark.job.description"] = value

    def setLocalProperty(self, key, value):
        self._local_properties[key] = value

    def getLocalProperty(self, key):
        return self._local_properties.get(key)

    def cancelAllJobs(self):
        """Nothing runs between statements: jobs are synchronous."""

    def cancelJobGroup(self, groupId):
        """Nothing runs between statements: jobs are synchronous."""

    def setCheckpointDir(self, dirName):
        self._checkpoint_dir = dirName

    def addPyFile(self, path):
        """A local .py/.zip/.egg file: put on sys.path (tasks are forked, so they see it)."""
        norm = _io.normalize(path)
        if _io.is_remote(norm):
            raise ValueError("addPyFile(%s): only local files %s" % (path, _SUBSET_NOTE))
        if not os.path.exists(norm):
            raise FileNotFoundError("File %s does not exist" % path)
        d = norm if norm.endswith((".zip", ".egg")) else os.path.dirname(os.path.abspath(norm))
        if d not in sys.path:
            sys.path.insert(1, d)

    # -- lifecycle
    def _check_running(self):
        if self._stopped:
            raise RuntimeError("Cannot call methods on a stopped SparkContext.")

    def _temp_dir(self):
        if self._tmp is None or not os.path.isdir(self._tmp):
            self._tmp = tempfile.mkdtemp(prefix="eddy-pyspark-", dir=tempfile.gettempdir())
        return self._tmp

    def _cleanup(self):
        if os.getpid() != self._owner_pid:
            return
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def stop(self):
        with SparkContext._lock:
            if self._stopped:
                return
            self._stopped = True
            self._cleanup()
            if SparkContext._active_spark_context is self:
                SparkContext._active_spark_context = None

    def _new_rdd_id(self):
        self._rdd_counter += 1
        return self._rdd_counter - 1

    def _new_shuffle_id(self):
        self._shuffle_counter += 1
        return self._shuffle_counter - 1

    # -- RDD sources
    def parallelize(self, c, numSlices=None):
        """Slices as PySpark 2.4 does: a range is cut element-wise (slice i starts at element
        i*n//numSlices); other collections are cut in batches of
        max(1, min(n // numSlices, 1024)) elements, the batches dealt out the same way."""
        self._check_running()
        numSlices = int(numSlices) if numSlices is not None else self.defaultParallelism
        if numSlices < 1:
            raise ValueError("Positive number of partitions required")
        if isinstance(c, range):
            n = len(c)
            slices = [c[i * n // numSlices:(i + 1) * n // numSlices] for i in range(numSlices)]
            return _ParallelCollectionRDD(self, slices)
        if not isinstance(c, list):
            c = list(c)
        n = len(c)
        batch = max(1, min(n // numSlices, 1024))
        nbatches = -(-n // batch) if n else 0
        slices = []
        for i in range(numSlices):
            a = (i * nbatches // numSlices) * batch
            b = ((i + 1) * nbatches // numSlices) * batch
            slices.append(c[a:b])
        return _ParallelCollectionRDD(self, slices)

    def range(self, start, end=None, step=1, numSlices=None):
        if end is None:
            start, end = 0, start
        return self.parallelize(range(start, end, step), numSlices)

    def emptyRDD(self):
        self._check_running()
        return _ParallelCollectionRDD(self, [])

    def textFile(self, name, minPartitions=None, use_unicode=True):
        """Lines of a file, directory, glob or s3:// object (s3a://, s3n:// the same); split
        by bytes as Hadoop's TextInputFormat (docs/pyspark.md)."""
        self._check_running()
        minPartitions = minPartitions or self.defaultMinPartitions
        if not isinstance(name, str):
            raise TypeError("path must be a str, got %s" % type(name).__name__)
        if "," in name and not os.path.exists(_io.normalize(name)):
            return self.union([_TextFileRDD(self, p.strip(), minPartitions, use_unicode)
                               for p in name.split(",") if p.strip()])
        return _TextFileRDD(self, name, minPartitions, use_unicode)

    def wholeTextFiles(self, path, minPartitions=None, use_unicode=True):
        self._check_running()
        minPartitions = minPartitions or self.defaultMinPartitions
        return _WholeTextFilesRDD(self, path, minPartitions, use_unicode)

    def union(self, rdds):
        self._check_running()
        rdds = list(rdds)
        if not rdds:
            raise ValueError("union() needs at least one RDD")
        if len(rdds) == 1:
            return rdds[0]
        return _UnionRDD(self, rdds)

    # -- shared variables
    def broadcast(self, value):
        self._check_running()
        return Broadcast(self, value)

    def accumulator(self, value, accum_param=None):
        self._check_running()
        return _accumulators._new(value, accum_param)
