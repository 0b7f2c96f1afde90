"""RDD and SparkContext tests. Expected values come from PySpark 2.4's documentation examples
(the docstrings of pyspark/rdd.py and pyspark/context.py, cited as "PySpark doc") or are worked
out by hand from the rule named in the comment. RDDTests run small jobs in the driver (Eddy's
small-job path); ForkedRDDTests runs the same tests with every partition in a forked worker."""
import gzip
import os
import shutil
import sys
import tempfile
import unittest
from operator import add

import support

from pyspark import Accumulator, Broadcast, RDD, SparkConf, SparkContext, StorageLevel
from pyspark.accumulators import AccumulatorParam
from pyspark.rdd import _TextFileRDD, portable_hash


class MyError(Exception):
    pass


class RDDTests(unittest.TestCase):
    FORK = "never"

    @classmethod
    def setUpClass(cls):
        cls.sc = support.sc()

    def setUp(self):
        self.sc._conf.set("spark.eddy.fork", self.FORK)
        self.tmp = tempfile.mkdtemp(prefix="eddy-pyspark-test-")

    def tearDown(self):
        self.sc._conf.set("spark.eddy.fork", "auto")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    @staticmethod
    def read(path, **kw):
        with open(path, **kw) as f:
            return f.read()

    def write(self, name, data):
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return p

    # ------------------------------------------------------------------ SparkContext
    def test_context_basics(self):
        sc = self.sc
        self.assertEqual(sc.master, "eddy")
        self.assertEqual(sc.version, "2.4.4")
        # Eddy's rule: EDDY_THREADS when > 0, else the CPU count; defaultMinPartitions =
        # min(it, 2) (Spark's)
        want = int(os.environ.get("EDDY_THREADS") or 0) or os.cpu_count()
        self.assertEqual(sc.defaultParallelism, want)
        self.assertEqual(sc.defaultMinPartitions, min(want, 2))
        self.assertIs(SparkContext.getOrCreate(), sc)
        self.assertIsInstance(sc.parallelize([1]), RDD)
        self.assertIsInstance(sc.textFile("x").map(str), RDD)
        self.assertIsInstance(sc.appName, str)
        self.assertIsInstance(sc.getConf(), SparkConf)
        sc.setLogLevel("WARN")
        with self.assertRaises(ValueError):
            sc.setLogLevel("LOUD")
        # the article's line: accepted and stored, not used for the endpoint
        sc._jsc.hadoopConfiguration().set("fs.s3a.endpoint", "s3-us-east-2.amazonaws.com")
        self.assertEqual(sc._jsc.hadoopConfiguration().get("fs.s3a.endpoint"),
                         "s3-us-east-2.amazonaws.com")
        with self.assertRaises(ValueError):  # Spark: one SparkContext at a time
            SparkContext()

    def test_unknown_names_name_the_subset(self):
        with self.assertRaisesRegex(AttributeError, r"RDD\.pipe is not in Eddy's PySpark subset"):
            self.sc.parallelize([1]).pipe("cat")
        with self.assertRaisesRegex(AttributeError, "SparkContext.binaryRecords is not in Eddy"):
            self.sc.binaryRecords("x", 4)
        import pyspark
        with self.assertRaisesRegex(AttributeError, "pyspark.SparkFiles is not in Eddy"):
            pyspark.SparkFiles
        with self.assertRaisesRegex(ImportError, "pyspark.TaskContext is not in Eddy"):
            from pyspark import TaskContext  # noqa: F401
        self.assertEqual(pyspark.__version__, "2.4.4-eddy")

    def test_parallelize_slicing(self):
        sc = self.sc
        # PySpark doc (parallelize): range cut element-wise
        self.assertEqual(sc.parallelize(range(0, 6, 2), 5).glom().collect(),
                         [[], [0], [], [2], [4]])
        self.assertEqual(sc.parallelize([0, 2, 3, 4, 6], 5).glom().collect(),
                         [[0], [2], [3], [4], [6]])
        # PySpark doc (coalesce): [1..5] in 3 slices
        self.assertEqual(sc.parallelize([1, 2, 3, 4, 5], 3).glom().collect(),
                         [[1], [2, 3], [4, 5]])
        # Spark's positions: slice i = [i*n//s, (i+1)*n//s): n=5, s=2 -> [0,2), [2,5)
        self.assertEqual(sc.parallelize(range(5), 2).glom().collect(), [[0, 1], [2, 3, 4]])
        # a list of 10 in 4 slices: PySpark batches max(1, min(10//4, 1024)) = 2 elements,
        # 5 batches dealt as [i*5//4, (i+1)*5//4) -> batches [0],[1],[2],[3,4]
        self.assertEqual(sc.parallelize(list(range(10)), 4).glom().collect(),
                         [[0, 1], [2, 3], [4, 5], [6, 7, 8, 9]])
        # default numSlices = defaultParallelism
        self.assertEqual(sc.parallelize([1, 2, 3]).getNumPartitions(), sc.defaultParallelism)
        # PySpark doc (range): sc.range(5) -> [0..4]; sc.range(2, 4); sc.range(1, 7, 2)
        self.assertEqual(sc.range(5).collect(), [0, 1, 2, 3, 4])
        self.assertEqual(sc.range(2, 4).collect(), [2, 3])
        self.assertEqual(sc.range(1, 7, 2).collect(), [1, 3, 5])
        self.assertEqual(sc.emptyRDD().collect(), [])
        self.assertEqual(sc.emptyRDD().getNumPartitions(), 0)

    def test_union_of_context(self):
        # PySpark doc (SparkContext.union): partitions concatenated in order
        r = self.sc.union([self.sc.parallelize([1, 2], 1), self.sc.parallelize([3], 1)])
        self.assertEqual(r.collect(), [1, 2, 3])
        self.assertEqual(r.getNumPartitions(), 2)

    # ------------------------------------------------------------------ transformations
    def test_map_flatmap_filter(self):
        sc = self.sc
        # PySpark doc examples of map, flatMap, filter
        self.assertEqual(sorted(sc.parallelize(["b", "a", "c"]).map(lambda x: (x, 1)).collect()),
                         [("a", 1), ("b", 1), ("c", 1)])
        self.assertEqual(sorted(sc.parallelize([2, 3, 4]).flatMap(lambda x: range(1, x))
                                .collect()), [1, 1, 1, 2, 2, 3])
        self.assertEqual(sc.parallelize([1, 2, 3, 4, 5]).filter(lambda x: x % 2 == 0).collect(),
                         [2, 4])

    def test_map_partitions(self):
        sc = self.sc

        def f(iterator):
            yield sum(iterator)
        # PySpark doc (mapPartitions)
        self.assertEqual(sc.parallelize([1, 2, 3, 4], 2).mapPartitions(f).collect(), [3, 7])

        def g(split, iterator):
            yield split
        # PySpark doc (mapPartitionsWithIndex): the indexes 0..3 sum to 6
        self.assertEqual(sc.parallelize([1, 2, 3, 4], 4).mapPartitionsWithIndex(g).sum(), 6)
        # PySpark doc (glom)
        self.assertEqual(sc.parallelize([1, 2, 3, 4], 2).glom().collect(), [[1, 2], [3, 4]])

    def test_pair_transformations(self):
        sc = self.sc
        # PySpark doc (mapValues, flatMapValues, keys, values, keyBy)
        x = sc.parallelize([("a", ["apple", "banana", "lemon"]), ("b", ["grapes"])])
        self.assertEqual(x.mapValues(len).collect(), [("a", 3), ("b", 1)])
        x = sc.parallelize([("a", ["x", "y", "z"]), ("b", ["p", "r"])])
        self.assertEqual(x.flatMapValues(lambda v: v).collect(),
                         [("a", "x"), ("a", "y"), ("a", "z"), ("b", "p"), ("b", "r")])
        self.assertEqual(sc.parallelize([(1, 2), (3, 4)]).keys().collect(), [1, 3])
        self.assertEqual(sc.parallelize([(1, 2), (3, 4)]).values().collect(), [2, 4])
        self.assertEqual(sc.parallelize(range(3)).keyBy(lambda v: v * v).collect(),
                         [(0, 0), (1, 1), (4, 2)])

    def test_group_reduce_combine(self):
        sc = self.sc
        rdd = sc.parallelize([("a", 1), ("b", 1), ("a", 1)])
        # PySpark doc (groupByKey, reduceByKey, foldByKey, countByKey)
        self.assertEqual(sorted(rdd.groupByKey().mapValues(len).collect()), [("a", 2), ("b", 1)])
        self.assertEqual(sorted(rdd.groupByKey().mapValues(list).collect()),
                         [("a", [1, 1]), ("b", [1])])
        self.assertEqual(sorted(rdd.reduceByKey(add).collect()), [("a", 2), ("b", 1)])
        self.assertEqual(sorted(rdd.foldByKey(0, add).collect()), [("a", 2), ("b", 1)])
        self.assertEqual(sorted(rdd.countByKey().items()), [("a", 2), ("b", 1)])
        self.assertEqual(rdd.reduceByKeyLocally(add), {"a": 2, "b": 1})

        # PySpark doc (combineByKey)
        def to_list(a):
            return [a]

        def append(a, b):
            a.append(b)
            return a

        def extend(a, b):
            a.extend(b)
            return a
        x = sc.parallelize([("a", 1), ("b", 1), ("a", 2)])
        self.assertEqual(sorted(x.combineByKey(to_list, append, extend).collect()),
                         [("a", [1, 2]), ("b", [1])])
        # aggregateByKey, by hand: (sum, count) per key of a:1,2,3 and b:10
        y = sc.parallelize([("a", 1), ("a", 2), ("b", 10), ("a", 3)], 2)
        agg = y.aggregateByKey((0, 0), lambda acc, v: (acc[0] + v, acc[1] + 1),
                               lambda p, q: (p[0] + q[0], p[1] + q[1]))
        self.assertEqual(sorted(agg.collect()), [("a", (6, 3)), ("b", (10, 1))])
        # aggregateByKey's zero is copied per key: a mutable zero is not shared
        lists = y.aggregateByKey([], lambda acc, v: acc + [v], lambda p, q: p + q)
        self.assertEqual(sorted((k, sorted(v)) for k, v in lists.collect()),
                         [("a", [1, 2, 3]), ("b", [10])])
        # PySpark doc (groupBy)
        result = sc.parallelize([1, 1, 2, 3, 5, 8]).groupBy(lambda v: v % 2).collect()
        self.assertEqual(sorted([(k, sorted(v)) for (k, v) in result]),
                         [(0, [2, 8]), (1, [1, 1, 3, 5])])
        # groupByKey keeps the values of a key in input order (partition 0's first)
        g = sc.parallelize([(1, "x"), (2, "y"), (1, "z"), (1, "w")], 2).groupByKey()
        self.assertEqual(dict(g.mapValues(list).collect())[1], ["x", "z", "w"])
        # default partition count: the parent's
        self.assertEqual(sc.parallelize([(1, 1)], 3).groupByKey().getNumPartitions(), 3)
        self.assertEqual(sc.parallelize([(1, 1)], 3).reduceByKey(add, 5).getNumPartitions(), 5)

    def test_joins_and_cogroup(self):
        sc = self.sc
        # PySpark doc (join, leftOuterJoin, rightOuterJoin, fullOuterJoin, cogroup)
        x = sc.parallelize([("a", 1), ("b", 4)])
        y = sc.parallelize([("a", 2), ("a", 3)])
        self.assertEqual(sorted(x.join(y).collect()), [("a", (1, 2)), ("a", (1, 3))])
        y = sc.parallelize([("a", 2)])
        self.assertEqual(sorted(x.leftOuterJoin(y).collect()), [("a", (1, 2)), ("b", (4, None))])
        self.assertEqual(sorted(y.rightOuterJoin(x).collect()),
                         [("a", (2, 1)), ("b", (None, 4))])
        y = sc.parallelize([("a", 2), ("c", 8)])
        self.assertEqual(sorted(x.fullOuterJoin(y).collect()),
                         [("a", (1, 2)), ("b", (4, None)), ("c", (None, 8))])
        y = sc.parallelize([("a", 2)])
        self.assertEqual([(k, tuple(map(list, v))) for k, v in sorted(x.cogroup(y).collect())],
                         [("a", ([1], [2])), ("b", ([4], []))])
        # PySpark cogroups the union of the inputs: by default its partition count, the sum
        self.assertEqual(sc.parallelize([(1, 1)], 2).join(sc.parallelize([(1, 2)], 3))
                         .getNumPartitions(), 5)
        self.assertEqual(x.join(y, 4).getNumPartitions(), 4)
        # PySpark doc (keyBy + cogroup)
        a = sc.parallelize(range(0, 3)).keyBy(lambda v: v * v)
        b = sc.parallelize(zip(range(0, 5), range(0, 5)))
        self.assertEqual([(k, list(map(list, v))) for k, v in sorted(a.cogroup(b).collect())],
                         [(0, [[0], [0]]), (1, [[1], [1]]), (2, [[], [2]]), (3, [[], [3]]),
                          (4, [[2], [4]])])

    def test_distinct_union_zip(self):
        sc = self.sc
        # PySpark doc (distinct, union, zip)
        self.assertEqual(sorted(sc.parallelize([1, 1, 2, 3]).distinct().collect()), [1, 2, 3])
        rdd = sc.parallelize([1, 1, 2, 3])
        self.assertEqual(rdd.union(rdd).collect(), [1, 1, 2, 3, 1, 1, 2, 3])
        x = sc.parallelize(range(0, 5))
        y = sc.parallelize(range(1000, 1005))
        self.assertEqual(x.zip(y).collect(),
                         [(0, 1000), (1, 1001), (2, 1002), (3, 1003), (4, 1004)])
        with self.assertRaises(ValueError):  # different partition counts
            sc.parallelize([1, 2], 2).zip(sc.parallelize([1, 2], 1))
        with self.assertRaisesRegex(ValueError, "same number of elements"):
            sc.parallelize([1, 2], 1).zip(sc.parallelize([1, 2, 3], 1)).collect()

    def test_partitioning(self):
        sc = self.sc
        # PySpark doc (partitionBy): no key in two partitions
        pairs = sc.parallelize([1, 2, 3, 4, 2, 4, 1]).map(lambda v: (v, v))
        sets = pairs.partitionBy(2).glom().collect()
        self.assertEqual(len(set(sets[0]).intersection(set(sets[1]))), 0)
        # int keys hash to themselves: key k lands in partition k % 2
        self.assertEqual([sorted(set(k for k, _ in s)) for s in sets], [[2, 4], [1, 3]])
        # PySpark doc (repartition, coalesce)
        rdd = sc.parallelize([1, 2, 3, 4, 5, 6, 7], 4)
        self.assertEqual(sorted(rdd.glom().collect()), [[1], [2, 3], [4, 5], [6, 7]])
        self.assertEqual(len(rdd.repartition(2).glom().collect()), 2)
        self.assertEqual(len(rdd.repartition(10).glom().collect()), 10)
        self.assertEqual(sorted(rdd.repartition(3).collect()), [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual(sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect(),
                         [[1, 2, 3, 4, 5]])
        # coalesce without shuffle: contiguous groups [i*4//2, (i+1)*4//2) of 4 partitions
        self.assertEqual(rdd.coalesce(2).glom().collect(), [[1, 2, 3], [4, 5, 6, 7]])
        self.assertEqual(rdd.coalesce(9).getNumPartitions(), 4)  # never more partitions
        self.assertEqual(rdd.coalesce(2, shuffle=True).getNumPartitions(), 2)
        # already hash-partitioned the same way: reduceByKey adds no second shuffle
        once = pairs.partitionBy(2).reduceByKey(add)
        self.assertEqual(once.toDebugString().count(b"+-("), 1)
        self.assertEqual(sorted(once.collect()), [(1, 2), (2, 4), (3, 3), (4, 8)])
        # PySpark doc (getNumPartitions)
        self.assertEqual(sc.parallelize([1, 2, 3, 4], 2).getNumPartitions(), 2)

    def test_portable_hash(self):
        # CRC-32 of the UTF-8 bytes (zlib's check value of "123456789" is 0xCBF43926)
        self.assertEqual(portable_hash("123456789"), 0xCBF43926)
        self.assertEqual(portable_hash(None), 0)
        self.assertEqual(portable_hash(7), 7)
        self.assertEqual(portable_hash(("a", 1)), portable_hash(("a", 1)))

    def test_sort(self):
        sc = self.sc
        tmp = [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)]
        # PySpark doc (sortByKey, sortBy)
        self.assertEqual(sc.parallelize(tmp).sortByKey().first(), ("1", 3))
        self.assertEqual(sc.parallelize(tmp).sortByKey(True, 1).collect(),
                         [("1", 3), ("2", 5), ("a", 1), ("b", 2), ("d", 4)])
        self.assertEqual(sc.parallelize(tmp).sortByKey(True, 2).collect(),
                         [("1", 3), ("2", 5), ("a", 1), ("b", 2), ("d", 4)])
        tmp2 = [("Mary", 1), ("had", 2), ("a", 3), ("little", 4), ("lamb", 5),
                ("whose", 6), ("fleece", 7), ("was", 8), ("white", 9)]
        self.assertEqual(sc.parallelize(tmp2).sortByKey(True, 3, keyfunc=lambda k: k.lower())
                         .collect(),
                         [("a", 3), ("fleece", 7), ("had", 2), ("lamb", 5), ("little", 4),
                          ("Mary", 1), ("was", 8), ("white", 9), ("whose", 6)])
        self.assertEqual(sc.parallelize(tmp).sortBy(lambda v: v[0]).collect(),
                         [("1", 3), ("2", 5), ("a", 1), ("b", 2), ("d", 4)])
        self.assertEqual(sc.parallelize(tmp).sortBy(lambda v: v[1]).collect(),
                         [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)])
        # descending, range-partitioned: partition 0 holds the largest keys
        pairs = sc.parallelize([(k, None) for k in [5, 3, 9, 1, 7, 2, 8, 6, 4, 0]], 3)
        parts = pairs.sortByKey(False, 3).keys().glom().collect()
        self.assertEqual(sum(parts, []), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
        self.assertEqual(len(parts), 3)
        asc = pairs.sortByKey(True, 3).keys().glom().collect()
        self.assertEqual(sum(asc, []), list(range(10)))
        self.assertTrue(all(asc[i][-1] < asc[i + 1][0] for i in range(2) if asc[i] and asc[i + 1]))
        self.assertEqual(sc.parallelize([], 2).sortByKey().collect(), [])

    # ------------------------------------------------------------------ actions
    def test_reduce_fold_aggregate(self):
        sc = self.sc
        # PySpark doc (reduce, fold, aggregate, sum, count)
        self.assertEqual(sc.parallelize([1, 2, 3, 4, 5]).reduce(add), 15)
        self.assertEqual(sc.parallelize((2 for _ in range(10))).map(lambda x: 1).cache()
                         .reduce(add), 10)
        with self.assertRaisesRegex(ValueError, "Can not reduce"):
            sc.parallelize([]).reduce(add)
        self.assertEqual(sc.parallelize([1, 2, 3, 4, 5]).fold(0, add), 15)
        seq = (lambda x, y: (x[0] + y, x[1] + 1))
        comb = (lambda x, y: (x[0] + y[0], x[1] + y[1]))
        self.assertEqual(sc.parallelize([1, 2, 3, 4]).aggregate((0, 0), seq, comb), (10, 4))
        self.assertEqual(sc.parallelize([]).aggregate((0, 0), seq, comb), (0, 0))
        self.assertEqual(sc.parallelize([1.0, 2.0, 3.0]).sum(), 6.0)
        self.assertEqual(sc.parallelize([2, 3, 4]).count(), 3)

    def test_min_max_mean_stats(self):
        sc = self.sc
        # PySpark doc (max, min, mean, variance, stdev, sampleStdev, sampleVariance)
        rdd = sc.parallelize([1.0, 5.0, 43.0, 10.0])
        self.assertEqual(rdd.max(), 43.0)
        self.assertEqual(rdd.max(key=str), 5.0)
        rdd = sc.parallelize([2.0, 5.0, 43.0, 10.0])
        self.assertEqual(rdd.min(), 2.0)
        self.assertEqual(rdd.min(key=str), 10.0)
        self.assertEqual(sc.parallelize([1, 2, 3]).mean(), 2.0)
        self.assertAlmostEqual(sc.parallelize([1, 2, 3]).variance(), 2.0 / 3)
        self.assertAlmostEqual(sc.parallelize([1, 2, 3]).stdev(), 0.816496580927726)
        self.assertEqual(sc.parallelize([1, 2, 3]).sampleStdev(), 1.0)
        self.assertEqual(sc.parallelize([1, 2, 3]).sampleVariance(), 1.0)
        st = sc.parallelize([1, 2, 3, 4], 2).stats()
        self.assertEqual((st.count(), st.mean(), st.min(), st.max()), (4, 2.5, 1, 4))

    def test_take_first_top(self):
        sc = self.sc
        # PySpark doc (take, first, top, takeOrdered, isEmpty, collectAsMap, countByValue)
        self.assertEqual(sc.parallelize([2, 3, 4, 5, 6]).cache().take(2), [2, 3])
        self.assertEqual(sc.parallelize([2, 3, 4, 5, 6]).take(10), [2, 3, 4, 5, 6])
        self.assertEqual(sc.parallelize(range(100), 100).filter(lambda x: x > 90).take(3),
                         [91, 92, 93])
        self.assertEqual(sc.parallelize([2, 3, 4]).first(), 2)
        with self.assertRaisesRegex(ValueError, "RDD is empty"):
            sc.parallelize([]).first()
        self.assertEqual(sc.parallelize([10, 4, 2, 12, 3]).top(1), [12])
        self.assertEqual(sc.parallelize([2, 3, 4, 5, 6], 2).top(2), [6, 5])
        self.assertEqual(sc.parallelize([10, 4, 2, 12, 3]).top(3, key=str), [4, 3, 2])
        self.assertEqual(sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7]).takeOrdered(6),
                         [1, 2, 3, 4, 5, 6])
        self.assertEqual(sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7], 2)
                         .takeOrdered(6, key=lambda x: -x), [10, 9, 7, 6, 5, 4])
        self.assertTrue(sc.parallelize([]).isEmpty())
        self.assertFalse(sc.parallelize([1]).isEmpty())
        m = sc.parallelize([(1, 2), (3, 4)]).collectAsMap()
        self.assertEqual((m[1], m[3]), (2, 4))
        self.assertEqual(sorted(sc.parallelize([1, 2, 1, 2, 2], 2).countByValue().items()),
                         [(1, 2), (2, 3)])

    def test_foreach_and_accumulators(self):
        sc = self.sc
        # PySpark doc (Accumulator): 1, set to 2, += 5, then += 1+2+3 from tasks = 13
        a = sc.accumulator(1)
        self.assertIsInstance(a, Accumulator)
        self.assertEqual(a.value, 1)
        a.value = 2
        a += 5
        self.assertEqual(a.value, 7)
        sc.parallelize([1, 2, 3]).foreach(lambda x: a.add(x))
        self.assertEqual(a.value, 13)

        def g(it):
            for x in it:
                a.add(x)
        sc.parallelize([1, 2, 3], 2).foreachPartition(g)
        self.assertEqual(a.value, 19)
        f = sc.accumulator(1.0)
        sc.parallelize([0.5, 0.25]).foreach(lambda x: f.add(x))
        self.assertEqual(f.value, 1.75)

        class ListParam(AccumulatorParam):
            def zero(self, value):
                return []

            def addInPlace(self, v1, v2):
                v1.extend(v2)
                return v1
        lst = sc.accumulator([], ListParam())
        sc.parallelize([1, 2, 3], 3).foreach(lambda x: lst.add([x]))
        self.assertEqual(sorted(lst.value), [1, 2, 3])

        def read_inside(x):
            return a.value
        with self.assertRaisesRegex(Exception, "cannot be accessed inside tasks"):
            sc.parallelize([1]).map(read_inside).collect()
        with self.assertRaises(TypeError):
            sc.accumulator("text")

    def test_broadcast(self):
        sc = self.sc
        # PySpark doc (Broadcast)
        b = sc.broadcast([1, 2, 3, 4, 5])
        self.assertIsInstance(b, Broadcast)
        self.assertEqual(b.value, [1, 2, 3, 4, 5])
        self.assertEqual(sc.parallelize([0, 0]).flatMap(lambda x: b.value).collect(),
                         [1, 2, 3, 4, 5, 1, 2, 3, 4, 5])
        b.unpersist()
        self.assertEqual(b.value, [1, 2, 3, 4, 5])
        b.destroy()
        with self.assertRaises(Exception):
            b.value

    def test_user_error_keeps_its_type(self):
        sc = self.sc

        def boom(x):
            if x == 3:
                raise MyError("bad element %d" % x)
            return x
        with self.assertRaisesRegex(MyError, "bad element 3"):
            sc.parallelize([1, 2, 3, 4], 2).map(boom).collect()
        with self.assertRaises(ZeroDivisionError):
            sc.parallelize([0, 1], 2).map(lambda x: 1 / x).count()
        with self.assertRaisesRegex(KeyError, "missing"):
            sc.parallelize([("k", 1)]).map(lambda kv: {}["missing"]).groupByKey().collect()
        # Spark's SPARK-5063: no RDD action inside a task
        inner = sc.parallelize([1])
        with self.assertRaisesRegex(Exception, "SPARK-5063"):
            sc.parallelize([1, 2]).map(lambda x: inner.count()).collect()
        # the context stays usable
        self.assertEqual(sc.parallelize([1, 2]).count(), 2)

    def test_persist(self):
        sc = self.sc
        calls = sc.accumulator(0)

        def f(x):
            calls.add(1)
            return x * 2
        rdd = sc.parallelize(range(4), 2).map(f)
        self.assertFalse(rdd.is_cached)
        self.assertIs(rdd.cache(), rdd)
        self.assertTrue(rdd.is_cached)
        self.assertEqual(rdd.getStorageLevel(), StorageLevel.MEMORY_ONLY)
        self.assertEqual(rdd.collect(), [0, 2, 4, 6])
        self.assertEqual(rdd.collect(), [0, 2, 4, 6])
        self.assertEqual(calls.value, 4)  # computed once, then read from the cache
        rdd.unpersist()
        self.assertFalse(rdd.is_cached)
        self.assertEqual(rdd.sum(), 12)
        self.assertEqual(calls.value, 8)
        rdd.persist(StorageLevel.MEMORY_AND_DISK)
        self.assertEqual(rdd.getStorageLevel(), StorageLevel.MEMORY_AND_DISK)

    def test_names_ids_debug(self):
        sc = self.sc
        # PySpark doc (setName / name)
        rdd1 = sc.parallelize([1, 2])
        self.assertEqual(rdd1.setName("RDD1").name(), "RDD1")
        self.assertIsInstance(rdd1.id(), int)
        self.assertNotEqual(rdd1.id(), sc.parallelize([1]).id())
        self.assertIs(rdd1.context, sc)
        d = rdd1.map(lambda x: (x, 1)).reduceByKey(add).toDebugString()
        self.assertIsInstance(d, bytes)  # PySpark 2.4 returns bytes
        self.assertIn(b"+-(", d)  # the shuffle boundary
        self.assertIn(b"RDD1", d)

    def test_extra_methods(self):
        sc = self.sc
        # PySpark doc (zipWithIndex, zipWithUniqueId, subtractByKey, subtract, intersection,
        # cartesian, lookup)
        self.assertEqual(sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect(),
                         [("a", 0), ("b", 1), ("c", 2), ("d", 3)])
        self.assertEqual(sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId()
                         .collect(), [("a", 0), ("b", 1), ("c", 4), ("d", 2), ("e", 5)])
        x = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 2)])
        y = sc.parallelize([("a", 3), ("c", None)])
        self.assertEqual(sorted(x.subtractByKey(y).collect()), [("b", 4), ("b", 5)])
        x = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 3)])
        y = sc.parallelize([("a", 3), ("c", None)])
        self.assertEqual(sorted(x.subtract(y).collect()), [("a", 1), ("b", 4), ("b", 5)])
        r1 = sc.parallelize([1, 10, 2, 3, 4, 5])
        r2 = sc.parallelize([1, 6, 2, 3, 7, 8])
        self.assertEqual(sorted(r1.intersection(r2).collect()), [1, 2, 3])
        self.assertEqual(sorted(sc.parallelize([1, 2]).cartesian(sc.parallelize([1, 2]))
                                .collect()), [(1, 1), (1, 2), (2, 1), (2, 2)])
        rdd = sc.parallelize(list(zip(range(1000), [str(i) for i in range(1000)])), 10)
        self.assertEqual(rdd.lookup(42), ["42"])
        self.assertEqual(rdd.partitionBy(10).lookup(42), ["42"])
        s = sc.parallelize(range(100), 4).sample(False, 0.5, 7).collect()
        self.assertTrue(set(s) <= set(range(100)))
        self.assertEqual(s, sc.parallelize(range(100), 4).sample(False, 0.5, 7).collect())
        self.assertEqual(list(sc.parallelize([1, 2, 3], 2).toLocalIterator()), [1, 2, 3])

    def test_more_methods(self):
        sc = self.sc
        # PySpark doc (randomSplit): weights 2:3 of 500 elements, seed 17
        rdd = sc.parallelize(range(500), 1)
        rdd1, rdd2 = rdd.randomSplit([2, 3], 17)
        self.assertEqual(sorted(rdd1.collect() + rdd2.collect()), list(range(500)))
        self.assertTrue(150 < rdd1.count() < 250)
        self.assertTrue(250 < rdd2.count() < 350)
        # PySpark doc (groupWith)
        w = sc.parallelize([("a", 5), ("b", 6)])
        x = sc.parallelize([("a", 1), ("b", 4)])
        y = sc.parallelize([("a", 2)])
        z = sc.parallelize([("b", 42)])
        self.assertEqual([(k, tuple(map(list, v))) for k, v in sorted(w.groupWith(x, y, z)
                                                                      .collect())],
                         [("a", ([5], [1], [2], [])), ("b", ([6], [4], [], [42]))])
        # PySpark doc (takeSample)
        rdd = sc.parallelize(range(0, 10))
        self.assertEqual(len(rdd.takeSample(True, 20, 1)), 20)
        self.assertEqual(len(rdd.takeSample(False, 5, 2)), 5)
        self.assertEqual(sorted(rdd.takeSample(False, 15, 3)), list(range(10)))
        # PySpark doc (treeReduce, treeAggregate)
        rdd = sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10)
        self.assertEqual(rdd.treeReduce(add), -5)
        self.assertEqual(rdd.treeReduce(add, 1), -5)
        self.assertEqual(rdd.treeAggregate(0, add, add), -5)
        self.assertEqual(rdd.treeAggregate(0, add, add, 5), -5)
        self.assertEqual(sc.parallelize([1, 2, 3, 4], 4)
                         .mapPartitionsWithSplit(lambda i, it: [i]).collect(), [0, 1, 2, 3])
        rdd.checkpoint()
        self.assertFalse(rdd.isCheckpointed())
        rdd.localCheckpoint()
        self.assertEqual(rdd.count(), 9)
        # SparkContext odds and ends: accepted, stored
        self.assertIsInstance(sc.sparkUser(), str)
        self.assertIsNone(sc.uiWebUrl)
        sc.setJobGroup("g", "the group")
        sc.setJobDescription("d")
        sc.setLocalProperty("k", "v")
        self.assertEqual(sc.getLocalProperty("k"), "v")
        sc.cancelJobGroup("g")
        sc.cancelAllJobs()
        sc.setCheckpointDir(self.tmp)
        SparkContext.setSystemProperty("spark.x", "1")
        # addPyFile: a local module, importable in the tasks
        self.write("mods/eddy_test_helper_mod.py", "def triple(x):\n    return 3 * x\n")
        sc.addPyFile(self.path("mods/eddy_test_helper_mod.py"))

        def use(x):
            import eddy_test_helper_mod
            return eddy_test_helper_mod.triple(x)
        self.assertEqual(sc.parallelize([1, 2], 2).map(use).collect(), [3, 6])
        with self.assertRaises(FileNotFoundError):
            sc.addPyFile(self.path("mods/none.py"))

    # ------------------------------------------------------------------ text files
    def test_text_file_and_save(self):
        sc = self.sc
        # PySpark doc (textFile): one line written, one line read
        p = self.write("sample-text.txt", "Hello world!")
        self.assertEqual(sc.textFile(p).collect(), ["Hello world!"])
        self.assertEqual(sc.textFile(p).name(), p)
        # PySpark doc (saveAsTextFile): range(10) -> part files holding 0..9
        out = self.path("out")
        sc.parallelize(range(10)).saveAsTextFile(out)
        parts = sorted(n for n in os.listdir(out) if n.startswith("part-"))
        self.assertEqual(parts, ["part-%05d" % i for i in range(sc.defaultParallelism)])
        text = "".join(sorted(self.read(os.path.join(out, n)) for n in parts))
        self.assertEqual("".join(sorted(text.splitlines(True))),
                         "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n")
        self.assertEqual(os.path.getsize(os.path.join(out, "_SUCCESS")), 0)
        self.assertEqual(sorted(os.listdir(out)), ["_SUCCESS"] + parts)  # no temporaries
        # empty lines survive (PySpark doc: '', 'foo', '', 'bar', '')
        out2 = self.path("out2")
        sc.parallelize(["", "foo", "", "bar", ""], 3).saveAsTextFile(out2)
        self.assertEqual(sorted(os.listdir(out2)),
                         ["_SUCCESS", "part-00000", "part-00001", "part-00002"])
        # 5 elements in 3 slices (batches of 1): [0,1) [1,3) [3,5) -> [''], ['foo', ''],
        # ['bar', '']
        self.assertEqual([self.read(os.path.join(out2, "part-%05d" % i)) for i in range(3)],
                         ["\n", "foo\n\n", "bar\n\n"])
        # str() of each element, UTF-8
        out3 = self.path("out3")
        sc.parallelize([(1, "é"), {"a": [1]}, None], 1).saveAsTextFile(out3)
        self.assertEqual(self.read(os.path.join(out3, "part-00000"), encoding="utf-8"),
                         "(1, 'é')\n{'a': [1]}\nNone\n")
        # an existing directory is refused, as Spark's FileAlreadyExistsException
        with self.assertRaisesRegex(FileExistsError, "Output directory .*out already exists"):
            sc.parallelize([1]).saveAsTextFile(out)
        self.assertEqual(sorted(os.listdir(out)), ["_SUCCESS"] + parts)
        # compressed
        out4 = self.path("out4")
        sc.parallelize(["a", "b"], 1).saveAsTextFile(
            out4, "org.apache.hadoop.io.compress.GzipCodec")
        self.assertEqual(gzip.decompress(self.read(os.path.join(out4, "part-00000.gz"), mode="rb")), b"a\nb\n")
        self.assertEqual(sc.textFile(out4).collect(), ["a", "b"])
        # a failing job leaves no directory
        out5 = self.path("out5")
        with self.assertRaises(ZeroDivisionError):
            sc.parallelize([1, 0], 2).map(lambda x: 1 // x).saveAsTextFile(out5)
        self.assertFalse(os.path.exists(out5))
        # a saved directory reads back, _SUCCESS skipped
        self.assertEqual(sorted(sc.textFile(out).collect()), [str(i) for i in range(10)])

    def test_text_file_splits(self):
        sc = self.sc
        # 10 lines of 10 bytes = 100 bytes; minPartitions 2: goal 100//2 = 50, splits
        # [0,50) and [50,100) (Hadoop's FileInputFormat). A split reads the lines starting
        # at or before its end, the next skips its first partial line: the line starting at
        # byte 50 belongs to split 0 -> 6 and 4 lines.
        lines = ["line%05d" % i for i in range(10)]
        p = self.write("ten.txt", "".join(l + "\n" for l in lines))
        rdd = sc.textFile(p, 2)
        self.assertEqual(rdd.getNumPartitions(), 2)
        self.assertEqual(rdd.glom().collect(), [lines[:6], lines[6:]])
        # minPartitions 3: goal 33; 100/33 > 1.1, 67/33 > 1.1, 34/33 <= 1.1 -> 3 splits
        # [0,33) [33,66) [66,100): lines at 0..30 | 40..60 | 70..90
        self.assertEqual(sc.textFile(p, 3).glom().collect(),
                         [lines[:4], lines[4:7], lines[7:]])
        # minPartitions 4: goal 25 -> [0,25) [25,50) [50,75) [75,100)
        self.assertEqual(sc.textFile(p, 4).glom().map(len).collect(), [3, 3, 2, 2])
        # default minPartitions = min(defaultParallelism, 2)
        self.assertEqual(sc.textFile(p).getNumPartitions(), sc.defaultMinPartitions)
        # the block size caps a split: 200 bytes, block 64 -> 64, 64, 64, then 8 bytes
        # (72/64 = 1.125 > 1.1, Hadoop's SPLIT_SLOP)
        p2 = self.write("twenty.txt", "".join("line%05d\n" % i for i in range(20)))
        self.assertEqual(_TextFileRDD(sc, p2, 1, block_local=64).getNumPartitions(), 4)
        self.assertEqual(_TextFileRDD(sc, p2, 1, block_local=64).count(), 20)
        # several files: goal from the total (150 // 2 = 75): 100 bytes -> [0,75) [75,100);
        # 50 bytes -> one split
        d = os.path.join(self.tmp, "dir")
        self.write("dir/a.txt", "".join(l + "\n" for l in lines))
        self.write("dir/b.txt", "".join(l + "\n" for l in lines[:5]))
        self.write("dir/_SUCCESS", "")
        self.write("dir/.a.txt.crc", "junk")
        rdd = sc.textFile(d, 2)
        self.assertEqual(rdd.getNumPartitions(), 3)
        self.assertEqual(rdd.collect(), lines + lines[:5])
        # globs; gzip: one partition per file, decompressed
        with gzip.open(self.path("dir/c.txt.gz"), "wb") as f:
            f.write(b"g1\ng2\n")
        self.assertEqual(sc.textFile(os.path.join(d, "*.gz")).glom().collect(), [["g1", "g2"]])
        self.assertEqual(sc.textFile(os.path.join(d, "[bc]*")).collect(),
                         lines[:5] + ["g1", "g2"])
        # file:// URIs
        self.assertEqual(sc.textFile("file://" + p).count(), 10)
        # an empty file is one empty partition
        e = self.write("empty.txt", "")
        self.assertEqual(sc.textFile(e).glom().collect(), [[]])

    def test_text_file_bytes(self):
        sc = self.sc
        # '\r\n' ends a line like '\n'; the last line needs no '\n'; invalid UTF-8 is decoded
        # with errors='replace' (U+FFFD), as Java's decoder and Eddy's native reader do
        p = self.write("crlf.txt", b"a\r\nb\r\n\r\ncaf\xe9 x\nlast")
        self.assertEqual(sc.textFile(p).collect(), ["a", "b", "", "caf\ufffd x", "last"])
        self.assertEqual(sc.textFile(p, use_unicode=False).collect(),
                         [b"a", b"b", b"", b"caf\xe9 x", b"last"])

    def test_missing_input(self):
        sc = self.sc
        missing = self.path("nope.txt")
        with self.assertRaisesRegex(FileNotFoundError, "Input path does not exist: .*nope.txt"):
            sc.textFile(missing).count()
        with self.assertRaisesRegex(FileNotFoundError, "Input path does not exist"):
            sc.textFile(self.path("*.nothing")).collect()

    def test_whole_text_files(self):
        sc = self.sc
        # PySpark doc (wholeTextFiles): (path, content) pairs
        self.write("w/1.txt", "1")
        self.write("w/2.txt", "2")
        d = self.path("w")
        got = sorted(sc.wholeTextFiles(d).collect())
        self.assertEqual(got, [("file:" + os.path.join(d, "1.txt"), "1"),
                               ("file:" + os.path.join(d, "2.txt"), "2")])

    def test_stop(self):
        sc = self.sc
        sc.stop()
        with self.assertRaisesRegex(RuntimeError, "stopped SparkContext"):
            sc.parallelize([1]).count()
        new = SparkContext.getOrCreate()
        self.assertIsNot(new, sc)
        type(self).sc = new
        self.assertEqual(new.parallelize([1, 2]).count(), 2)


class ForkedRDDTests(RDDTests):
    """The same tests with every partition in a forked worker."""
    FORK = "always"

    def test_large_job_runs_in_parallel_workers(self):
        sc = self.sc
        self.sc._conf.set("spark.eddy.fork", "auto")
        # 200,000 elements (over the small-job limit): the tasks run in other processes, at
        # most defaultParallelism of them (a worker takes the next task when it is done)
        pids = sc.parallelize(range(200000), 8).mapPartitions(lambda it: [os.getpid()]).collect()
        self.assertNotIn(os.getpid(), pids)
        self.assertLessEqual(len(set(pids)), sc.defaultParallelism)
        acc = sc.accumulator(0)
        sc.parallelize(range(200000), 4).foreach(lambda x: acc.add(x))
        self.assertEqual(acc.value, 199999 * 200000 // 2)  # Gauss: sum of 0..n-1

    def test_worker_death_is_reported(self):
        sc = self.sc
        with self.assertRaisesRegex(RuntimeError, "exited unexpectedly"):
            sc.parallelize([1, 2], 2).map(lambda x: os._exit(7)).collect()
        with self.assertRaisesRegex(RuntimeError, "SystemExit"):
            sc.parallelize([1, 2], 2).map(lambda x: sys.exit(3)).collect()

    def test_no_zombies_after_failure(self):
        sc = self.sc
        import time

        def slow_or_fail(split, it):
            if split == 0:
                raise MyError("first")
            time.sleep(30)
            return it
        t = time.time()
        with self.assertRaises(MyError):
            sc.parallelize(range(4), 4).mapPartitionsWithIndex(slow_or_fail).collect()
        self.assertLess(time.time() - t, 10)  # the sleeping workers were killed
        with self.assertRaises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)  # and reaped: no child left

    def test_sigint_kills_workers(self):
        sc = self.sc
        import signal
        import threading
        import time

        def slow(it):
            time.sleep(30)
            return it
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        t = time.time()
        timer.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                sc.parallelize(range(4), 4).mapPartitions(slow).collect()
        finally:
            timer.cancel()
        self.assertLess(time.time() - t, 10)
        with self.assertRaises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)
        self.assertEqual(sc.parallelize(range(4), 2).count(), 4)  # still usable


if __name__ == "__main__":
    unittest.main()
