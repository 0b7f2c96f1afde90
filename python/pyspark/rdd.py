"""RDD: Eddy's implementation of PySpark's resilient distributed dataset (the subset listed in
docs/pyspark.md). Transformations build a lazy lineage; actions run it through
pyspark._parallel (partitions as forked tasks, shuffles through files)."""
import bisect
import bz2
import copy
import gzip
import heapq
import itertools
import operator
import os
import pickle
import random
import sys
import weakref
import zlib
from collections import defaultdict
from functools import reduce as _reduce

from . import _io
from . import _parallel
from .resultiterable import ResultIterable
from .statcounter import StatCounter
from .storagelevel import StorageLevel

__all__ = ["RDD", "Partitioner", "portable_hash"]

_SUBSET_NOTE = "is not in Eddy's PySpark subset (see docs/pyspark.md)"


# ---------------------------------------------------------------------------- hashing

def portable_hash(x):
    """The hash that places a key in a shuffle partition: the same in every process and every
    session. PySpark uses Python's hash() and needs PYTHONHASHSEED set for str keys; Eddy
    hashes str as CRC-32 of its UTF-8 bytes (bytes as CRC-32 of themselves), tuples by
    combining their items' hashes as CPython does, None as 0, and numbers as hash() (which is
    not randomized)."""
    t = type(x)
    if t is int:
        return hash(x)
    if t is str:
        return zlib.crc32(x.encode("utf-8", "surrogatepass"))
    if x is None:
        return 0
    if t is tuple or isinstance(x, tuple):
        h = 0x345678
        for item in x:
            h ^= portable_hash(item)
            h *= 1000003
            h &= sys.maxsize
        h ^= len(x)
        if h == -1:
            h = -2
        return int(h)
    if isinstance(x, str):
        return zlib.crc32(str(x).encode("utf-8", "surrogatepass"))
    if isinstance(x, (bytes, bytearray, memoryview)):
        return zlib.crc32(bytes(x))
    if isinstance(x, frozenset):
        h = 0
        for item in x:
            h ^= portable_hash(item)
        return h
    return hash(x)


class Partitioner(object):
    def __init__(self, numPartitions, partitionFunc):
        self.numPartitions = numPartitions
        self.partitionFunc = partitionFunc

    def __eq__(self, other):
        return (isinstance(other, Partitioner) and self.numPartitions == other.numPartitions
                and self.partitionFunc == other.partitionFunc)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((self.numPartitions, id(self.partitionFunc)))

    def __call__(self, k):
        return self.partitionFunc(k) % self.numPartitions


# ---------------------------------------------------------------------------- files

def _remove_files(owner_pid, paths_fn):
    if os.getpid() != owner_pid:
        return
    for p in paths_fn():
        try:
            os.unlink(p)
        except OSError:
            pass


def _remove_prefix(directory, prefix):
    def paths():
        try:
            names = os.listdir(directory)
        except OSError:
            return []
        return [os.path.join(directory, n) for n in names if n.startswith(prefix)]
    return paths


_CHUNK = 1 << 22


def _decode_lines(buf, use_unicode):
    """Lines of buf (which ends just before a '\\n'), each without a trailing '\\r'."""
    if use_unicode:
        text = buf.decode("utf-8", "replace")
        lines = text.split("\n")
        if "\r" in text:
            lines = [l[:-1] if l.endswith("\r") else l for l in lines]
        return lines
    lines = buf.split(b"\n")
    if b"\r" in buf:
        lines = [l[:-1] if l.endswith(b"\r") else l for l in lines]
    return lines


def _read_lines(f, start, end, use_unicode):
    """Hadoop's LineRecordReader on [start, end): a split not at 0 skips its first (partial)
    line; lines starting at positions up to and including end are read whole."""
    if start != 0:
        f.seek(start)
        skipped = f.readline()
        pos = start + len(skipped)
    else:
        pos = 0
    if end is not None and pos > end:
        return
    off = pos
    carry = b""
    done = False
    while not done:
        data = f.read(_CHUNK)
        if not data:
            break
        chunk_start = off
        off += len(data)
        if end is not None and off > end:
            i = data.find(b"\n", max(end - chunk_start, 0))
            if i >= 0:
                data = data[:i + 1]
                done = True
        buf = carry + data if carry else data
        nl = buf.rfind(b"\n")
        if nl < 0:
            carry = buf
            continue
        carry = buf[nl + 1:]
        yield from _decode_lines(buf[:nl], use_unicode)
    if carry:
        yield from _decode_lines(carry, use_unicode)


def _codec_of(path):
    low = path.lower()
    if low.endswith(".gz"):
        return "gz"
    if low.endswith(".bz2"):
        return "bz2"
    return None


# ---------------------------------------------------------------------------- RDD

def _identity(x):
    return x


class RDD(object):
    """A lazy, partitioned collection. See docs/pyspark.md for what Eddy implements."""

    def __init__(self, ctx, numPartitions=0):
        self.ctx = ctx
        self._id = ctx._new_rdd_id()
        self._num_partitions = numPartitions
        self._name = None
        self._storage = None
        self.partitioner = None
        self._op = type(self).__name__

    # -- plumbing (overridden by subclasses)
    def _compute(self, split):
        raise NotImplementedError

    def _dependencies(self):
        return []

    def _prepare(self):
        pass

    def _size_hint(self):
        return None

    def _iter(self, split):
        if self._storage is None:
            return self._compute(split)
        path = self._cache_path(split)
        try:
            with open(path, "rb") as f:
                return iter(pickle.load(f))
        except FileNotFoundError:
            pass
        data = list(self._compute(split))
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "wb") as f:
            _parallel.dump(data, f)
        os.replace(tmp, path)
        return iter(data)

    def _cache_path(self, split):
        return os.path.join(self.ctx._temp_dir(), "rdd-%d-%d.pkl" % (self._id, split))

    def _fully_cached(self):
        if self._storage is None:
            return False
        return all(os.path.exists(self._cache_path(s)) for s in range(self.getNumPartitions()))

    def __getattr__(self, name):
        if name.startswith("__") or name.startswith("_"):
            raise AttributeError(name)
        if name == "toDF":
            try:
                import pyspark.sql  # noqa: F401  (adds RDD.toDF when present)
            except ImportError:
                pass
            if "toDF" in type(self).__dict__ or hasattr(RDD, "toDF"):
                return object.__getattribute__(self, name)
        raise AttributeError("'RDD' object has no attribute '%s': RDD.%s %s"
                             % (name, name, _SUBSET_NOTE))

    def __reduce__(self):
        raise Exception(
            "It appears that you are attempting to broadcast an RDD or reference an RDD from an "
            "action or transformation. RDD transformations and actions can only be invoked by "
            "the driver, not inside of other transformations (SPARK-5063).")

    def __repr__(self):
        desc = "%s[%d] at %s" % (type(self).__name__.lstrip("_"), self._id, self._op)
        return "%s %s" % (self._name, desc) if self._name else desc

    # -- identity
    @property
    def context(self):
        return self.ctx

    def id(self):
        return self._id

    def name(self):
        return self._name

    def setName(self, name):
        self._name = name
        return self

    def getNumPartitions(self):
        return self._num_partitions

    # -- persistence
    def cache(self):
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel=StorageLevel.MEMORY_ONLY):
        if self._storage is None:
            d = self.ctx._temp_dir()
            weakref.finalize(self, _remove_files, os.getpid(),
                             _remove_prefix(d, "rdd-%d-" % self._id))
        self._storage = storageLevel
        return self

    def unpersist(self, blocking=False):
        if self._storage is not None:
            for p in _remove_prefix(self.ctx._temp_dir(), "rdd-%d-" % self._id)():
                try:
                    os.unlink(p)
                except OSError:
                    pass
        self._storage = None
        return self

    @property
    def is_cached(self):
        return self._storage is not None

    def getStorageLevel(self):
        return self._storage if self._storage is not None else StorageLevel.NONE

    def checkpoint(self):
        """Accepted; Eddy keeps no checkpoint directory (the lineage is recomputed)."""

    def isCheckpointed(self):
        return False

    def localCheckpoint(self):
        self.persist()

    # -- narrow transformations
    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        return _MapPartitionsRDD(self, f, preservesPartitioning, "mapPartitionsWithIndex")

    def mapPartitionsWithSplit(self, f, preservesPartitioning=False):
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def mapPartitions(self, f, preservesPartitioning=False):
        return _MapPartitionsRDD(self, lambda s, it: f(it), preservesPartitioning,
                                 "mapPartitions")

    def map(self, f, preservesPartitioning=False):
        return _MapPartitionsRDD(self, lambda s, it: map(f, it), preservesPartitioning, "map")

    def flatMap(self, f, preservesPartitioning=False):
        return _MapPartitionsRDD(self, lambda s, it: itertools.chain.from_iterable(map(f, it)),
                                 preservesPartitioning, "flatMap")

    def filter(self, f):
        return _MapPartitionsRDD(self, lambda s, it: filter(f, it), True, "filter")

    def mapValues(self, f):
        return self.map(lambda kv: (kv[0], f(kv[1])), True)

    def flatMapValues(self, f):
        def g(kv):
            k = kv[0]
            return ((k, v) for v in f(kv[1]))
        return self.flatMap(g, True)

    def keys(self):
        return self.map(lambda kv: kv[0])

    def values(self):
        return self.map(lambda kv: kv[1])

    def keyBy(self, f):
        return self.map(lambda x: (f(x), x))

    def glom(self):
        return _MapPartitionsRDD(self, lambda s, it: iter([list(it)]), False, "glom")

    def union(self, other):
        return _UnionRDD(self.ctx, [self, other])

    def __add__(self, other):
        if not isinstance(other, RDD):
            raise TypeError
        return self.union(other)

    def coalesce(self, numPartitions, shuffle=False):
        if shuffle:
            return self.repartition(numPartitions)
        if numPartitions <= 0:
            raise ValueError("Number of partitions (%d) must be positive." % numPartitions)
        return _CoalescedRDD(self, numPartitions)

    def zip(self, other):
        return _ZippedRDD(self, other)

    def cartesian(self, other):
        return _CartesianRDD(self, other)

    def sample(self, withReplacement, fraction, seed=None):
        if fraction < 0:
            raise ValueError("Fraction must be nonnegative")
        if seed is None:
            seed = random.randrange(1 << 62)

        def f(split, it):
            rng = random.Random(seed ^ (split * 0x9E3779B97F4A7C15))
            if withReplacement:
                for x in it:
                    for _ in range(_poisson(rng, fraction)):
                        yield x
            else:
                for x in it:
                    if rng.random() < fraction:
                        yield x
        return self.mapPartitionsWithIndex(f, True)

    def randomSplit(self, weights, seed=None):
        s = float(sum(weights))
        cum = [0.0]
        for w in weights:
            cum.append(cum[-1] + w / s)
        if seed is None:
            seed = random.randrange(1 << 62)

        def make(lb, ub):
            def f(split, it):
                rng = random.Random(seed ^ (split * 0x9E3779B97F4A7C15))
                for x in it:
                    if lb <= rng.random() < ub:
                        yield x
            return f
        return [self.mapPartitionsWithIndex(make(lb, ub), True)
                for lb, ub in zip(cum, cum[1:])]

    def zipWithIndex(self):
        starts = [0]
        if self.getNumPartitions() > 1:
            counts = self.mapPartitions(lambda it: [sum(1 for _ in it)]).collect()
            for c in counts[:-1]:
                starts.append(starts[-1] + c)

        def f(split, it):
            return ((x, i) for i, x in enumerate(it, starts[split]))
        return self.mapPartitionsWithIndex(f)

    def zipWithUniqueId(self):
        n = self.getNumPartitions()

        def f(split, it):
            return ((x, i * n + split) for i, x in enumerate(it))
        return self.mapPartitionsWithIndex(f)

    # -- shuffles
    def _default_partitions(self):
        if self.ctx._conf.contains("spark.default.parallelism"):
            return self.ctx.defaultParallelism
        return self.getNumPartitions()

    def partitionBy(self, numPartitions, partitionFunc=portable_hash):
        if numPartitions is None:
            numPartitions = self._default_partitions()
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            return self
        dep = _ShuffleDependency(self, partitioner)
        return _ShuffledRDD(dep, "partitionBy")

    def combineByKey(self, createCombiner, mergeValue, mergeCombiners, numPartitions=None,
                     partitionFunc=portable_hash):
        if numPartitions is None:
            numPartitions = self._default_partitions()
        partitioner = Partitioner(numPartitions, partitionFunc)
        agg = (createCombiner, mergeValue, mergeCombiners)
        if self.partitioner == partitioner:
            def combine(it):
                return iter(_combine_values(it, createCombiner, mergeValue).items())
            return self.mapPartitions(combine, True)
        dep = _ShuffleDependency(self, partitioner, agg, True)
        return _ShuffledRDD(dep, "combineByKey")

    def reduceByKey(self, func, numPartitions=None, partitionFunc=portable_hash):
        return self.combineByKey(lambda x: x, func, func, numPartitions, partitionFunc)

    def reduceByKeyLocally(self, func):
        def part(it):
            return [_combine_values(it, lambda x: x, func)]

        def merge(a, b):
            for k, v in b.items():
                a[k] = func(a[k], v) if k in a else v
            return a
        return _reduce(merge, self.mapPartitions(part).collect(), {})

    def aggregateByKey(self, zeroValue, seqFunc, combFunc, numPartitions=None,
                       partitionFunc=portable_hash):
        def create(v):
            return seqFunc(copy.deepcopy(zeroValue), v)
        return self.combineByKey(create, seqFunc, combFunc, numPartitions, partitionFunc)

    def foldByKey(self, zeroValue, func, numPartitions=None, partitionFunc=portable_hash):
        def create(v):
            return func(copy.deepcopy(zeroValue), v)
        return self.combineByKey(create, func, func, numPartitions, partitionFunc)

    def groupByKey(self, numPartitions=None, partitionFunc=portable_hash):
        return self.combineByKey(_list_of, _list_append, _list_extend, numPartitions,
                                 partitionFunc).mapValues(ResultIterable)

    def groupBy(self, f, numPartitions=None, partitionFunc=portable_hash):
        return self.map(lambda x: (f(x), x)).groupByKey(numPartitions, partitionFunc)

    def distinct(self, numPartitions=None):
        return (self.map(lambda x: (x, None))
                .reduceByKey(lambda x, _: x, numPartitions)
                .map(lambda kv: kv[0]))

    def repartition(self, numPartitions):
        if numPartitions <= 0:
            raise ValueError("Number of partitions (%d) must be positive." % numPartitions)

        def tag(split, it):
            return ((i, x) for i, x in enumerate(it, split))
        dep = _ShuffleDependency(self.mapPartitionsWithIndex(tag),
                                 Partitioner(numPartitions, _identity))
        return _ShuffledRDD(dep, "repartition").values()

    def sortByKey(self, ascending=True, numPartitions=None, keyfunc=_identity):
        if numPartitions is None:
            numPartitions = self._default_partitions()
        if keyfunc is _identity:
            sort_key = operator.itemgetter(0)
        else:
            def sort_key(kv):
                return keyfunc(kv[0])

        def sort_partition(it):
            return iter(sorted(it, key=sort_key, reverse=not ascending))

        if numPartitions <= 1:
            rdd = self.coalesce(1) if self.getNumPartitions() > 1 else self
            return rdd.mapPartitions(sort_partition, True)
        bounds = self._range_bounds(numPartitions, keyfunc)
        if bounds is None:  # empty
            return self.mapPartitions(sort_partition, True)
        n = numPartitions

        if keyfunc is _identity:
            def range_partition(k):
                p = bisect.bisect_left(bounds, k)
                return p if ascending else n - 1 - p
        else:
            def range_partition(k):
                p = bisect.bisect_left(bounds, keyfunc(k))
                return p if ascending else n - 1 - p
        return self.partitionBy(n, range_partition).mapPartitions(sort_partition, True)

    def _range_bounds(self, n, keyfunc):
        """Up to n-1 keys cutting the RDD into n ranges of about equal size, from a sample of
        each partition weighted by its size (one job: Spark's RangePartitioner idea)."""
        parts = max(1, self.getNumPartitions())
        per_part = max(20, -(-60 * n // parts))

        def sample(split, it):
            rng = random.Random(split)
            res = []
            count = 0
            for kv in it:
                count += 1
                if len(res) < per_part:
                    res.append(keyfunc(kv[0]))
                else:
                    j = rng.randrange(count)
                    if j < per_part:
                        res[j] = keyfunc(kv[0])
            return count, res
        results = _parallel.run_job(self.ctx, self, sample)
        total = sum(c for c, _ in results)
        if total == 0:
            return None
        cands = []
        for c, res in results:
            if res:
                w = c / len(res)
                cands.extend((k, w) for k in res)
        cands.sort(key=lambda kw: kw[0])
        step = sum(w for _, w in cands) / n
        bounds = []
        cum = 0.0
        target = step
        for k, w in cands:
            cum += w
            if cum >= target:
                if not bounds or bounds[-1] < k:
                    bounds.append(k)
                    if len(bounds) == n - 1:
                        break
                target += step
        return bounds

    def sortBy(self, keyfunc, ascending=True, numPartitions=None):
        return self.keyBy(keyfunc).sortByKey(ascending, numPartitions).values()

    def cogroup(self, other, numPartitions=None):
        return self.groupWith(other, numPartitions=numPartitions)

    def groupWith(self, other, *others, numPartitions=None):
        rdds = [self, other] + list(others)
        k = len(rdds)

        def tagger(i):
            return lambda kv: (kv[0], (i, kv[1]))
        tagged = _UnionRDD(self.ctx, [r.map(tagger(i)) for i, r in enumerate(rdds)])
        if numPartitions is None:  # PySpark: the union's, i.e. the sum of the inputs'
            numPartitions = tagged._default_partitions()

        def create(iv):
            lists = tuple([] for _ in range(k))
            lists[iv[0]].append(iv[1])
            return lists

        def merge_value(lists, iv):
            lists[iv[0]].append(iv[1])
            return lists

        def merge_combiners(a, b):
            for x, y in zip(a, b):
                x.extend(y)
            return a
        return tagged.combineByKey(create, merge_value, merge_combiners, numPartitions) \
            .mapValues(lambda lists: tuple(ResultIterable(l) for l in lists))

    def _join(self, other, numPartitions, keep_left, keep_right):
        def emit(kv):
            k, (vs, ws) = kv
            vs, ws = vs.data, ws.data
            if not vs and keep_right:
                vs = [None]
            if not ws and keep_left:
                ws = [None]
            return ((k, (v, w)) for v in vs for w in ws)
        return self.cogroup(other, numPartitions).flatMap(emit)

    def join(self, other, numPartitions=None):
        return self._join(other, numPartitions, False, False)

    def leftOuterJoin(self, other, numPartitions=None):
        return self._join(other, numPartitions, True, False)

    def rightOuterJoin(self, other, numPartitions=None):
        return self._join(other, numPartitions, False, True)

    def fullOuterJoin(self, other, numPartitions=None):
        return self._join(other, numPartitions, True, True)

    def subtractByKey(self, other, numPartitions=None):
        def keep(kv):
            vs, ws = kv[1]
            return ((kv[0], v) for v in vs.data) if not ws.data else ()
        return self.cogroup(other, numPartitions).flatMap(keep)

    def subtract(self, other, numPartitions=None):
        return self.map(lambda x: (x, True)).subtractByKey(
            other.map(lambda x: (x, True)), numPartitions).keys()

    def intersection(self, other):
        return (self.map(lambda x: (x, None)).cogroup(other.map(lambda x: (x, None)))
                .filter(lambda kv: kv[1][0].data and kv[1][1].data).keys())

    # -- actions
    def _run(self, func, partitions=None):
        return _parallel.run_job(self.ctx, self, func, partitions)

    def collect(self):
        return list(itertools.chain.from_iterable(self._run(lambda s, it: list(it))))

    def collectAsMap(self):
        return dict(self.collect())

    def toLocalIterator(self):
        for split in range(self.getNumPartitions()):
            yield from self._run(lambda s, it: list(it), [split])[0]

    def count(self):
        return sum(self._run(lambda s, it: sum(1 for _ in it)))

    def take(self, num):
        items = []
        total = self.getNumPartitions()
        scanned = 0
        while len(items) < num and scanned < total:
            n_try = 1
            if scanned > 0:
                if not items:
                    n_try = scanned * 4
                else:
                    n_try = int(1.5 * num * scanned / len(items)) - scanned
                    n_try = min(max(n_try, 1), scanned * 4)
            left = num - len(items)
            parts = list(range(scanned, min(scanned + n_try, total)))
            for res in self._run(lambda s, it: list(itertools.islice(it, left)), parts):
                items.extend(res)
            scanned += n_try
        return items[:num]

    def first(self):
        rs = self.take(1)
        if rs:
            return rs[0]
        raise ValueError("RDD is empty")

    def isEmpty(self):
        return self.getNumPartitions() == 0 or len(self.take(1)) == 0

    def top(self, num, key=None):
        parts = self._run(lambda s, it: heapq.nlargest(num, it, key=key))
        return heapq.nlargest(num, itertools.chain.from_iterable(parts), key=key)

    def takeOrdered(self, num, key=None):
        parts = self._run(lambda s, it: heapq.nsmallest(num, it, key=key))
        return heapq.nsmallest(num, itertools.chain.from_iterable(parts), key=key)

    def takeSample(self, withReplacement, num, seed=None):
        if num < 0:
            raise ValueError("Sample size cannot be negative.")
        items = self.collect()
        rng = random.Random(seed)
        if not items or num == 0:
            return []
        if withReplacement:
            return [rng.choice(items) for _ in range(num)]
        rng.shuffle(items)
        return items[:num]

    def reduce(self, f):
        def part(s, it):
            it = iter(it)
            for first in it:
                return [_reduce(f, it, first)]
            return []
        vals = list(itertools.chain.from_iterable(self._run(part)))
        if vals:
            return _reduce(f, vals)
        raise ValueError("Can not reduce() empty RDD")

    def treeReduce(self, f, depth=2):
        return self.reduce(f)

    def fold(self, zeroValue, op):
        parts = self._run(lambda s, it: _reduce(op, it, copy.deepcopy(zeroValue)))
        return _reduce(op, parts, zeroValue)

    def aggregate(self, zeroValue, seqOp, combOp):
        parts = self._run(lambda s, it: _reduce(seqOp, it, copy.deepcopy(zeroValue)))
        return _reduce(combOp, parts, zeroValue)

    def treeAggregate(self, zeroValue, seqOp, combOp, depth=2):
        return self.aggregate(zeroValue, seqOp, combOp)

    def sum(self):
        return sum(self._run(lambda s, it: sum(it)), 0)

    def max(self, key=None):
        return self.reduce(max if key is None else (lambda a, b: max(a, b, key=key)))

    def min(self, key=None):
        return self.reduce(min if key is None else (lambda a, b: min(a, b, key=key)))

    def stats(self):
        parts = self._run(lambda s, it: StatCounter(it))
        return _reduce(lambda a, b: a.mergeStats(b), parts, StatCounter())

    def mean(self):
        return self.stats().mean()

    def variance(self):
        return self.stats().variance()

    def stdev(self):
        return self.stats().stdev()

    def sampleVariance(self):
        return self.stats().sampleVariance()

    def sampleStdev(self):
        return self.stats().sampleStdev()

    def countByValue(self):
        def part(s, it):
            d = defaultdict(int)
            for x in it:
                d[x] += 1
            return d
        out = defaultdict(int)
        for d in self._run(part):
            for k, v in d.items():
                out[k] += v
        return out

    def countByKey(self):
        return self.map(lambda kv: kv[0]).countByValue()

    def lookup(self, key):
        rdd = self.filter(lambda kv: kv[0] == key).values()
        if self.partitioner is not None:
            return list(itertools.chain.from_iterable(
                rdd._run(lambda s, it: list(it), [self.partitioner(key)])))
        return rdd.collect()

    def foreach(self, f):
        def part(s, it):
            for x in it:
                f(x)
            return None
        self._run(part)

    def foreachPartition(self, f):
        def part(s, it):
            f(it)
            return None
        self._run(part)

    def saveAsTextFile(self, path, compressionCodecClass=None):
        ext, opener = "", None
        if compressionCodecClass:
            c = str(compressionCodecClass)
            if "Gzip" in c or "gzip" in c.lower().split(".")[-1]:
                ext, opener = ".gz", lambda p: gzip.open(p, "wb")
            elif "BZip2" in c or "bzip2" in c.lower():
                ext, opener = ".bz2", lambda p: bz2.open(p, "wb")
            else:
                raise ValueError("compression codec %s %s: Eddy writes gzip "
                                 "(org.apache.hadoop.io.compress.GzipCodec) or BZip2Codec"
                                 % (c, _SUBSET_NOTE))
        _save_text(self, path, ext, opener)

    def toDebugString(self):
        lines = []
        _debug_lines(self, lines, "", True)
        return "\n".join(lines).encode("utf-8")


def _poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, lam ** 0.5))))
    limit = pow(2.718281828459045, -lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1




def _list_of(v):
    return [v]


def _list_append(xs, v):
    xs.append(v)
    return xs


def _list_extend(xs, ys):
    xs.extend(ys)
    return xs


def _combine_values(it, create, merge):
    d = {}
    for k, v in it:
        if k in d:
            d[k] = merge(d[k], v)
        else:
            d[k] = create(v)
    return d


def _debug_lines(rdd, lines, indent, first):
    storage = ""
    if rdd._storage is not None:
        storage = str(rdd._storage)
    desc = "%s[%d] at %s [%s]" % (type(rdd).__name__.lstrip("_"), rdd._id, rdd._op, storage)
    if rdd._name:
        desc = "%s %s" % (rdd._name, desc)
    if first:
        lines.append("%s(%d) %s" % (indent, rdd.getNumPartitions(), desc))
    else:
        lines.append("%s |  %s" % (indent, desc))
    for d in rdd._dependencies():
        if getattr(d, "is_shuffle", False):
            p = d.parent
            lines.append("%s +-(%d) %s[%d] at %s [%s]" % (
                indent, p.getNumPartitions(), type(p).__name__.lstrip("_"), p._id, p._op,
                str(p._storage) if p._storage is not None else ""))
            for dd in p._dependencies():
                _debug_lines_nested(dd, lines, indent + "    ")
        else:
            _debug_lines(d, lines, indent, False)


def _debug_lines_nested(r, lines, indent):
    if getattr(r, "is_shuffle", False):
        p = r.parent
        lines.append("%s +-(%d) %s[%d] at %s []" % (indent, p.getNumPartitions(),
                                                   type(p).__name__.lstrip("_"), p._id, p._op))
        for dd in p._dependencies():
            _debug_lines_nested(dd, lines, indent + "    ")
    else:
        _debug_lines(r, lines, indent, False)


def _save_text(rdd, path, ext, opener):
    sc = rdd.ctx
    norm = _io.normalize(path)
    if _io.output_exists(norm):
        raise FileExistsError("Output directory %s already exists" % path)
    remote = norm.startswith("s3://")
    base = norm.rstrip("/")
    tmpdir = sc._temp_dir()
    if not remote:
        os.makedirs(norm)

    def write(split, it):
        name = "part-%05d%s" % (split, ext)
        if remote:
            local = os.path.join(tmpdir, "out-%d-%d-%s" % (os.getpid(), rdd._id, name))
        else:
            local = os.path.join(norm, ".%s.eddy-tmp" % name)
        f = opener(local) if opener else open(local, "wb")
        try:
            batch = []
            for x in it:
                if isinstance(x, bytes):
                    batch.append(x)
                else:
                    batch.append(str(x).encode("utf-8"))
                if len(batch) >= 8192:
                    batch.append(b"")
                    f.write(b"\n".join(batch))
                    batch = []
            if batch:
                batch.append(b"")
                f.write(b"\n".join(batch))
        finally:
            f.close()
        if remote:
            try:
                _io.put_file(local, base + "/" + name)
            finally:
                os.unlink(local)
            return name
        return local
    try:
        written = _parallel.run_job(sc, rdd, write)
        if remote:
            empty = os.path.join(tmpdir, "empty-success-%d" % rdd._id)
            open(empty, "wb").close()
            try:
                _io.put_file(empty, base + "/_SUCCESS")
            finally:
                os.unlink(empty)
        else:
            for split, local in enumerate(written):
                os.replace(local, os.path.join(norm, "part-%05d%s" % (split, ext)))
            open(os.path.join(norm, "_SUCCESS"), "wb").close()
    except BaseException:
        try:
            _io.remove_tree(norm)
        except Exception:
            pass
        raise


# ---------------------------------------------------------------------------- RDD kinds

class _ParallelCollectionRDD(RDD):
    def __init__(self, ctx, slices):
        RDD.__init__(self, ctx, len(slices))
        self._slices = slices
        self._op = "parallelize"

    def _compute(self, split):
        return iter(self._slices[split])

    def _size_hint(self):
        return sum(len(s) for s in self._slices)


class _TextFileRDD(RDD):
    def __init__(self, ctx, path, minPartitions, use_unicode=True, block_local=32 << 20,
                 block_s3=64 << 20):
        RDD.__init__(self, ctx, 0)
        self._path = path
        self._min = minPartitions
        self._use_unicode = use_unicode
        self._splits = None
        self._local = {}
        self._blocks = (block_local, block_s3)
        self._name = path
        self._op = "textFile"

    def _plan(self):
        if self._splits is None:
            files = _io.list_files_sized(self._path)
            total = sum(s for _, s in files)
            goal = total // (self._min if self._min else 1)
            splits = []
            for f, size in files:
                codec = _codec_of(f)
                if codec:
                    splits.append((f, 0, None, codec, size))
                    continue
                if size == 0:
                    splits.append((f, 0, 0, None, 0))
                    continue
                block = self._blocks[1] if f.startswith("s3://") else self._blocks[0]
                split_size = max(1, min(goal, block))
                remaining = size
                while remaining / split_size > 1.1:
                    off = size - remaining
                    splits.append((f, off, off + split_size, None, split_size))
                    remaining -= split_size
                if remaining:
                    off = size - remaining
                    splits.append((f, off, size, None, remaining))
            self._splits = splits
        return self._splits

    def getNumPartitions(self):
        return len(self._plan())

    def _size_hint(self):
        total = 0
        for f, start, end, codec, size in self._plan():
            total += size * 4 if codec else size
        return total // 40

    def _prepare(self):
        todo = []
        for f, start, end, codec, size in self._plan():
            if f.startswith("s3://") and f not in self._local and f not in todo:
                todo.append(f)
        if not todo:
            return
        tmpdir = self.ctx._temp_dir()
        if len(todo) == 1:
            copies = [_io.local_copy(todo[0], tmpdir=tmpdir)[0]]
        else:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(max_workers=min(8, len(todo))) as pool:
                copies = list(pool.map(lambda f: _io.local_copy(f, tmpdir=tmpdir)[0], todo))
        for f, local in zip(todo, copies):
            self._local[f] = local
            weakref.finalize(self, _remove_files, os.getpid(), lambda p=local: [p])

    def _compute(self, split):
        f, start, end, codec, size = self._plan()[split]
        local = self._local.get(f, f)
        if codec == "gz":
            fh = gzip.open(local, "rb")
        elif codec == "bz2":
            fh = bz2.open(local, "rb")
        else:
            fh = open(local, "rb")
        with fh:
            if codec:
                start, end = 0, None
            yield from _read_lines(fh, start, end, self._use_unicode)


class _WholeTextFilesRDD(RDD):
    def __init__(self, ctx, path, minPartitions, use_unicode=True):
        RDD.__init__(self, ctx, 0)
        self._path = path
        self._min = minPartitions
        self._use_unicode = use_unicode
        self._groups = None
        self._name = path
        self._op = "wholeTextFiles"

    def _plan(self):
        if self._groups is None:
            files = _io.list_files_sized(self._path)
            n = min(max(1, self._min or 1), len(files))
            self._groups = [files[i * len(files) // n:(i + 1) * len(files) // n]
                            for i in range(n)]
        return self._groups

    def getNumPartitions(self):
        return len(self._plan())

    def _size_hint(self):
        return sum(len(g) for g in self._plan())

    def _display(self, f):
        if f.startswith("s3://"):
            scheme = self._path.split("://", 1)[0].lower() if "://" in self._path else "s3"
            return scheme + "://" + f[5:]
        return "file:" + os.path.abspath(f)

    def _compute(self, split):
        for f, size in self._plan()[split]:
            data = _io.read_bytes(f)
            if _codec_of(f) == "gz":
                data = gzip.decompress(data)
            yield (self._display(f), data.decode("utf-8", "replace") if self._use_unicode else data)


class _MapPartitionsRDD(RDD):
    def __init__(self, parent, f, preservesPartitioning=False, op="mapPartitions"):
        RDD.__init__(self, parent.ctx, 0)
        self._parent = parent
        self._f = f
        self._op = op
        if preservesPartitioning:
            self.partitioner = parent.partitioner

    def getNumPartitions(self):
        return self._parent.getNumPartitions()

    def _dependencies(self):
        return [self._parent]

    def _compute(self, split):
        out = self._f(split, self._parent._iter(split))
        return iter(out) if out is not None else iter(())


class _UnionRDD(RDD):
    def __init__(self, ctx, rdds):
        RDD.__init__(self, ctx, 0)
        self._rdds = list(rdds)
        self._op = "union"

    def getNumPartitions(self):
        return sum(r.getNumPartitions() for r in self._rdds)

    def _dependencies(self):
        return list(self._rdds)

    def _compute(self, split):
        for r in self._rdds:
            n = r.getNumPartitions()
            if split < n:
                return r._iter(split)
            split -= n
        raise IndexError(split)


class _CoalescedRDD(RDD):
    def __init__(self, parent, n):
        RDD.__init__(self, parent.ctx, 0)
        self._parent = parent
        self._n = n
        self._op = "coalesce"

    def _groups(self):
        p = self._parent.getNumPartitions()
        n = min(self._n, p)
        return [range(i * p // n, (i + 1) * p // n) for i in range(n)]

    def getNumPartitions(self):
        return min(self._n, self._parent.getNumPartitions())

    def _coalesced_parent(self):
        """The parent when several of its partitions merge into one (see _parallel)."""
        return self._parent if self._n < self._parent.getNumPartitions() else None

    def _dependencies(self):
        return [self._parent]

    def _compute(self, split):
        return itertools.chain.from_iterable(self._parent._iter(j)
                                             for j in self._groups()[split])


class _ZippedRDD(RDD):
    def __init__(self, a, b):
        RDD.__init__(self, a.ctx, 0)
        if a.getNumPartitions() != b.getNumPartitions():
            raise ValueError("Can only zip with RDD which has the same number of partitions")
        self._a, self._b = a, b
        self._op = "zip"

    def getNumPartitions(self):
        return self._a.getNumPartitions()

    def _dependencies(self):
        return [self._a, self._b]

    def _compute(self, split):
        ia, ib = self._a._iter(split), self._b._iter(split)
        sentinel = object()
        for x, y in itertools.zip_longest(ia, ib, fillvalue=sentinel):
            if x is sentinel or y is sentinel:
                raise ValueError("Can only zip RDDs with same number of elements in each "
                                 "partition")
            yield (x, y)


class _CartesianRDD(RDD):
    def __init__(self, a, b):
        RDD.__init__(self, a.ctx, 0)
        self._a, self._b = a, b
        self._op = "cartesian"

    def getNumPartitions(self):
        return self._a.getNumPartitions() * self._b.getNumPartitions()

    def _dependencies(self):
        return [self._a, self._b]

    def _compute(self, split):
        nb = self._b.getNumPartitions()
        right = list(self._b._iter(split % nb))
        for x in self._a._iter(split // nb):
            for y in right:
                yield (x, y)


class _ShuffleDependency(object):
    is_shuffle = True

    def __init__(self, parent, partitioner, aggregator=None, map_side_combine=False):
        self.parent = parent
        self.sc = parent.ctx
        self.partitioner = partitioner
        self.aggregator = aggregator
        self.map_side_combine = map_side_combine and aggregator is not None
        self.sid = self.sc._new_shuffle_id()
        self.done = False
        self.map_offsets = None

    def _path(self, m):
        return os.path.join(self.sc._temp_dir(), "shuffle-%d-%d.data" % (self.sid, m))

    def write_map_output(self, split, it):
        n = self.partitioner.numPartitions
        pf = self.partitioner.partitionFunc
        if self.map_side_combine:
            create, merge, _ = self.aggregator
            buckets = [{} for _ in range(n)]
            if create is _list_of and merge is _list_append:  # groupByKey: no calls per value
                ph = pf is portable_hash
                for k, v in it:
                    if n == 1:
                        d = buckets[0]
                    elif ph and type(k) is int:
                        d = buckets[hash(k) % n]
                    else:
                        d = buckets[pf(k) % n]
                    lst = d.get(k)
                    if lst is None:
                        d[k] = [v]
                    else:
                        lst.append(v)
            elif n == 1:
                d = buckets[0]
                for k, v in it:
                    if k in d:
                        d[k] = merge(d[k], v)
                    else:
                        d[k] = create(v)
            else:
                for k, v in it:
                    d = buckets[pf(k) % n]
                    if k in d:
                        d[k] = merge(d[k], v)
                    else:
                        d[k] = create(v)
            buckets = [list(d.items()) for d in buckets]
        else:
            buckets = [[] for _ in range(n)]
            if n == 1:
                b = buckets[0]
                for kv in it:
                    k, v = kv
                    b.append(kv)
            else:
                for kv in it:
                    k, v = kv
                    buckets[pf(k) % n].append(kv)
        offsets = [0]
        path = self._path(split)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "wb") as f:
            for i in range(n):
                b = buckets[i]
                buckets[i] = None
                if b:
                    _parallel.dump(b, f)
                offsets.append(f.tell())
        os.replace(tmp, path)
        return offsets

    def fetch(self, j):
        for m, offs in enumerate(self.map_offsets):
            a, b = offs[j], offs[j + 1]
            if a == b:
                continue
            with open(self._path(m), "rb") as f:
                f.seek(a)
                data = f.read(b - a)
            yield from pickle.loads(data)


class _ShuffledRDD(RDD):
    def __init__(self, dep, op):
        RDD.__init__(self, dep.sc, dep.partitioner.numPartitions)
        self._dep = dep
        self.partitioner = dep.partitioner
        self._op = op
        weakref.finalize(self, _remove_files, os.getpid(),
                         _remove_prefix(dep.sc._temp_dir(), "shuffle-%d-" % dep.sid))

    def _dependencies(self):
        return [self._dep]

    def _compute(self, split):
        dep = self._dep
        if dep.aggregator is None:
            return dep.fetch(split)
        create, merge_value, merge_combiners = dep.aggregator
        d = {}
        if dep.map_side_combine:
            for k, c in dep.fetch(split):
                if k in d:
                    d[k] = merge_combiners(d[k], c)
                else:
                    d[k] = c
        else:
            for k, v in dep.fetch(split):
                if k in d:
                    d[k] = merge_value(d[k], v)
                else:
                    d[k] = create(v)
        return iter(d.items())
