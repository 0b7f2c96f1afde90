"""Eddy's pyspark.sql: the Airflow article's query (local and over s3rver), SparkSession /
SQLContext / HiveContext, show() and printSchema() formats, errors.

Run: cd python && EDDY_BINARY=../build/eddy /usr/bin/python3 -m unittest discover -s tests \
         -p 'test_sql*.py'
Expected values are worked out by hand from the inputs and Spark's documented behaviour; each
says where it comes from.
"""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
ROOT = os.path.dirname(PYDIR)
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)
os.environ.setdefault("EDDY_BINARY", os.path.join(ROOT, "build", "eddy"))
EDDY = os.environ["EDDY_BINARY"]

from pyspark import SparkContext  # noqa: E402
from pyspark.sql import HiveContext, Row, SparkSession, SQLContext  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.utils import AnalysisException  # noqa: E402


def captured(fn, *args, **kwargs):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        fn(*args, **kwargs)
    return buf.getvalue()


def make_middle_result(out_dir):
    """The transform's output, made by Eddy's native transform (examples/transform.yaml), so
    these tests do not depend on the Python RDD implementation."""
    subprocess.run([EDDY, "run", os.path.join(ROOT, "examples", "transform.yaml"),
                    "--set", "input=" + os.path.join(ROOT, "examples", "data", "emrdata.txt"),
                    "--set", "output=" + out_dir],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# The article's query statement, verbatim (dag_query's `query` task), with its two paths
# substituted by the test.
ARTICLE = '''import json
from pyspark.sql import HiveContext, Row
hiveCtx = HiveContext(sc)
input = hiveCtx.read.json("{middle}/part-00000")
input.registerTempTable("tbn")
result = hiveCtx.sql("SELECT size(`9`) from tbn")
result = result.rdd.map(lambda row: row[0])
result.coalesce(1).saveAsTextFile("{result}")
print("Search Complete!")
'''

# examples/data/emrdata.txt has keys 1..20 (one transform output line per key, in key order);
# key 9 has 18 records (count of lines starting "9::"), so size(`9`) is 18 on the 9th line and
# Spark's size(NULL) = -1 on the 19 others.
ARTICLE_EXPECTED = ["-1"] * 8 + ["18"] + ["-1"] * 11


def run_article(middle, result, env=None):
    """The statement run as a Livy pyspark session runs it: a fresh /usr/bin/python3 whose
    globals hold sc."""
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from pyspark import SparkContext\nsc = SparkContext.getOrCreate()\n" % PYDIR +
            ARTICLE.format(middle=middle, result=result))
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(["/usr/bin/python3", "-c", code], env=e, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sc = SparkContext.getOrCreate()
        cls.spark = SparkSession.builder.appName("test_sql").getOrCreate()
        cls.tmp = tempfile.mkdtemp(prefix="test_sql_")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def write(self, name, text):
        p = os.path.join(self.tmp, name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p


class ArticleTest(Base):
    def test_article_query_local(self):
        d = os.path.join(self.tmp, "emr")
        make_middle_result(os.path.join(d, "middle_result"))
        p = run_article(os.path.join(d, "middle_result"), os.path.join(d, "result"))
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(), "Search Complete!\n")
        with open(os.path.join(d, "result", "part-00000")) as f:
            self.assertEqual(f.read().split("\n"), ARTICLE_EXPECTED + [""])
        # Spark's layout: part files, then an empty _SUCCESS
        self.assertEqual(os.path.getsize(os.path.join(d, "result", "_SUCCESS")), 0)

    def test_article_query_in_process(self):
        d = os.path.join(self.tmp, "emr2")
        make_middle_result(os.path.join(d, "middle_result"))
        hiveCtx = HiveContext(self.sc)
        inp = hiveCtx.read.json("file://" + os.path.join(d, "middle_result", "part-00000"))
        inp.registerTempTable("tbn")
        result = hiveCtx.sql("SELECT size(`9`) from tbn")
        # the engine names the column as Spark does: size(9); Spark's size() is an int
        self.assertEqual(result.columns, ["size(9)"])
        self.assertEqual(result.dtypes, [("size(9)", "int")])
        self.assertEqual([r[0] for r in result.collect()], [int(x) for x in ARTICLE_EXPECTED])
        # the article's middle_result: one key per line, keys 1..20 sorted as strings
        self.assertEqual(inp.columns, sorted(str(i) for i in range(1, 21)))
        self.assertEqual(inp.schema["9"].dataType.simpleString(), "array<array<string>>")
        self.assertEqual(inp.count(), 20)

    def test_article_query_s3rver(self):
        start = os.path.join(ROOT, "tests", "storage", "start-s3rver")
        if not os.access(os.path.join(ROOT, "node_modules", ".bin", "s3rver"), os.X_OK):
            self.skipTest("node_modules/.bin/s3rver is missing (scripts/install-deps)")
        data = tempfile.mkdtemp(prefix="s3rver_", dir=self.tmp)
        out = subprocess.run([start, data, "--watch", str(os.getpid()), "xiaoyj"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        port, pid = out.stdout.decode().split()
        try:
            env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:%s" % port,
                   "AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                   "AWS_REGION": "us-east-1"}
            e = dict(os.environ)
            e.update(env)
            subprocess.run([EDDY, "run", os.path.join(ROOT, "examples", "transform.yaml"),
                            "--set", "input=" + os.path.join(ROOT, "examples", "data",
                                                             "emrdata.txt"),
                            "--set", "output=s3://xiaoyj/emr/middle_result"],
                           check=True, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            # the article's own paths, s3a:// as it writes them
            p = run_article("s3a://xiaoyj/emr/middle_result", "s3a://xiaoyj/emr/result", env)
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            self.assertEqual(p.stdout.decode(), "Search Complete!\n")
            cat = subprocess.run([EDDY, "fs", "cat", "s3://xiaoyj/emr/result/part-00000"],
                                 env=e, stdout=subprocess.PIPE, check=True)
            self.assertEqual(cat.stdout.decode().split("\n"), ARTICLE_EXPECTED + [""])
            # DataFrame read and write over s3 too
            old = dict(os.environ)
            os.environ.update(env)
            try:
                df = self.spark.read.json("s3a://xiaoyj/emr/middle_result")
                self.assertEqual(df.count(), 20)
                df.select(F.size("9").alias("n")).write.mode("overwrite").json(
                    "s3a://xiaoyj/emr/sizes")
                back = self.spark.read.json("s3://xiaoyj/emr/sizes")
                self.assertEqual(sorted(r.n for r in back.collect()), [-1] * 19 + [18])
                # append: one more part file under the prefix (20 + 1 rows)
                back.filter("n > 0").write.mode("append").json("s3a://xiaoyj/emr/sizes")
                self.assertEqual(self.spark.read.json("s3://xiaoyj/emr/sizes").count(), 21)
                with self.assertRaises(AnalysisException):
                    back.write.json("s3a://xiaoyj/emr/sizes")  # mode error: it exists
                with self.assertRaises(AnalysisException):
                    self.spark.read.json("s3a://xiaoyj/emr/no_such_prefix")
            finally:
                os.environ.clear()
                os.environ.update(old)
        finally:
            os.kill(int(pid), 15)


class SessionTest(Base):
    def test_builder_returns_one_session(self):
        s2 = (SparkSession.builder.appName("other").config("spark.some.key", "v")
              .enableHiveSupport().getOrCreate())
        self.assertIs(s2, self.spark)
        self.assertEqual(s2.conf.get("spark.some.key"), "v")
        self.assertIs(s2.sparkContext, self.sc)

    def test_rdd_to_df_in_a_fresh_interpreter(self):
        # rdd.toDF works before anything imported pyspark.sql, as in a Livy session whose
        # first statement is sc.parallelize(...).toDF(...)
        code = ("import sys; sys.path.insert(0, %r)\n"
                "from pyspark import SparkContext\n"
                "sc = SparkContext.getOrCreate()\n"
                "print(sc.parallelize([(1, 'a'), (2, 'b')]).toDF(['n', 's'])"
                ".filter('n > 1').collect())\n" % PYDIR)
        p = subprocess.run(["/usr/bin/python3", "-c", code], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode(), "[Row(n=2, s='b')]\n")

    def test_contexts_share_views(self):
        sq = SQLContext(self.sc)
        hc = HiveContext(self.sc)
        df = sq.createDataFrame([(1, "a"), (2, "b")], ["k", "v"])
        sq.registerDataFrameAsTable(df, "ctx_shared")
        # one registry per process: the HiveContext and the session see the SQLContext's view
        self.assertEqual(hc.sql("SELECT v FROM ctx_shared WHERE k = 2").collect(),
                         [Row(v="b")])
        self.assertEqual(self.spark.table("ctx_shared").count(), 2)
        self.assertIn("ctx_shared", sq.tableNames())
        names = [t.name for t in self.spark.catalog.listTables()]
        self.assertIn("ctx_shared", names)
        self.spark.catalog.dropTempView("ctx_shared")
        with self.assertRaises(AnalysisException):
            self.spark.table("ctx_shared")

    def test_sql_sees_views_of_derived_dataframes(self):
        df = self.spark.createDataFrame([Row(a=1, b="x"), Row(a=2, b="y"), Row(a=3, b="x")])
        df.filter(df.a > 1).createOrReplaceTempView("over_one")
        self.spark.sql("SELECT b, count(*) AS n FROM over_one GROUP BY b") \
            .createOrReplaceTempView("counted")
        # a = 2 (b=y) and a = 3 (b=x) pass the filter: one row per b
        got = self.spark.sql("SELECT * FROM counted ORDER BY b").collect()
        self.assertEqual(got, [Row(b="x", n=1), Row(b="y", n=1)])

    def test_sql_create_and_drop_view(self):
        self.spark.range(4).createOrReplaceTempView("r4")
        self.spark.sql("CREATE OR REPLACE TEMPORARY VIEW evens AS SELECT id FROM r4 "
                       "WHERE id % 2 = 0")
        self.assertEqual([r.id for r in self.spark.table("evens").collect()], [0, 2])
        self.spark.sql("DROP VIEW evens")
        with self.assertRaises(AnalysisException):
            self.spark.table("evens")

    def test_sql_with_comments(self):
        self.spark.range(5).createOrReplaceTempView("r5")
        # ids 0..4, evens 0, 2, 4; a trailing "--" comment must not swallow what Eddy adds
        df = self.spark.sql("-- evens\nSELECT id FROM r5\nWHERE id % 2 = 0 -- only")
        self.assertEqual(df.count(), 3)
        self.assertEqual(df.orderBy("id").first().id, 0)
        self.spark.sql("/* big */ CREATE OR REPLACE TEMP VIEW big5 AS SELECT id FROM r5 "
                       "WHERE id > 2 -- 3 and 4")
        self.assertEqual(self.spark.sql("SELECT count(*) AS n FROM big5").first().n, 2)

    def test_create_temp_view_twice_fails(self):
        df = self.spark.range(1)
        df.createTempView("once_only")
        with self.assertRaises(AnalysisException):
            df.createTempView("once_only")
        self.spark.catalog.dropTempView("once_only")

    def test_range(self):
        # spark.range(1, 7, 2) is 1, 3, 5 in a bigint column named id (Spark's docs)
        df = self.spark.range(1, 7, 2)
        self.assertEqual(df.collect(), [Row(id=1), Row(id=3), Row(id=5)])
        self.assertEqual(df.dtypes, [("id", "bigint")])
        self.assertEqual(self.spark.range(0).count(), 0)


class ShowAndSchemaTest(Base):
    def test_show_docs_example(self):
        # PySpark 2.4's DataFrame.show docstring: df of age 2 Alice, 5 Bob
        df = self.spark.createDataFrame([(2, "Alice"), (5, "Bob")], "age int, name string")
        self.assertEqual(captured(df.show),
                         "+---+-----+\n"
                         "|age| name|\n"
                         "+---+-----+\n"
                         "|  2|Alice|\n"
                         "|  5|  Bob|\n"
                         "+---+-----+\n\n")
        # same docstring: df.show(truncate=3)
        self.assertEqual(captured(df.show, truncate=3),
                         "+---+----+\n"
                         "|age|name|\n"
                         "+---+----+\n"
                         "|  2| Ali|\n"
                         "|  5| Bob|\n"
                         "+---+----+\n\n")

    def test_describe_docs_example(self):
        # PySpark 2.4's DataFrame.describe docstring (ages 2 and 5, names Alice and Bob)
        df = self.spark.createDataFrame([(2, "Alice"), (5, "Bob")], "age int, name string")
        self.assertEqual(captured(df.describe(["age"]).show),
                         "+-------+------------------+\n"
                         "|summary|               age|\n"
                         "+-------+------------------+\n"
                         "|  count|                 2|\n"
                         "|   mean|               3.5|\n"
                         "| stddev|2.1213203435596424|\n"
                         "|    min|                 2|\n"
                         "|    max|                 5|\n"
                         "+-------+------------------+\n\n")
        self.assertEqual(captured(df.describe().show),
                         "+-------+------------------+-----+\n"
                         "|summary|               age| name|\n"
                         "+-------+------------------+-----+\n"
                         "|  count|                 2|    2|\n"
                         "|   mean|               3.5| null|\n"
                         "| stddev|2.1213203435596424| null|\n"
                         "|    min|                 2|Alice|\n"
                         "|    max|                 5|  Bob|\n"
                         "+-------+------------------+-----+\n\n")

    def test_show_truncation_nulls_arrays_and_more_rows(self):
        df = self.spark.createDataFrame(
            [("abcdefghijklmnopqrstuvwxyz", ["a", "b"], None),
             ("short", [], 1.5),
             ("x", None, 2.0)],
            "s string, xs array<string>, d double")
        # 26 characters > 20: Spark keeps 17 and appends "..."; width is the longest cell;
        # arrays as [a, b]; None as null; doubles as Java prints them (1.5, 2.0);
        # n=2 of 3 rows: "only showing top 2 rows"
        self.assertEqual(captured(df.show, 2),
                         "+--------------------+------+----+\n"
                         "|                   s|    xs|   d|\n"
                         "+--------------------+------+----+\n"
                         "|abcdefghijklmnopq...|[a, b]|null|\n"
                         "|               short|    []| 1.5|\n"
                         "+--------------------+------+----+\n"
                         "only showing top 2 rows\n\n")
        # truncate=False: whole cells, left-aligned (Spark's rightPad)
        self.assertEqual(captured(df.show, 1, False),
                         "+--------------------------+------+----+\n"
                         "|s                         |xs    |d   |\n"
                         "+--------------------------+------+----+\n"
                         "|abcdefghijklmnopqrstuvwxyz|[a, b]|null|\n"
                         "+--------------------------+------+----+\n"
                         "only showing top 1 row\n\n")

    def test_show_booleans_structs_and_big_doubles(self):
        df = self.spark.createDataFrame(
            [Row(b=True, st=Row(k=1, v="x"), big=12345678.0, small=0.0001)])
        # Row(**kw) sorts fields: b, big, small, st. Java's Double.toString: 1.2345678E7,
        # 1.0E-4; structs show as [1, x] in Spark 2.4
        self.assertEqual(captured(df.show),
                         "+----+-----------+------+------+\n"
                         "|   b|        big| small|    st|\n"
                         "+----+-----------+------+------+\n"
                         "|true|1.2345678E7|1.0E-4|[1, x]|\n"
                         "+----+-----------+------+------+\n\n")

    def test_show_full_width_characters(self):
        df = self.spark.createDataFrame([("\u65e5\u672c",), ("ab",)], ["s"])
        # Spark 2.4 (SPARK-25108) counts full-width CJK characters as two columns: width 4
        self.assertEqual(captured(df.show),
                         "+----+\n"
                         "|   s|\n"
                         "+----+\n"
                         "|\u65e5\u672c|\n"
                         "|  ab|\n"
                         "+----+\n\n")

    def test_print_schema(self):
        p = self.write("schema.json",
                       '{"name": "a", "n": 1, "tags": ["x"], "pos": {"x": 1.5, "y": 2}}\n'
                       '{"name": "b", "n": 2.5, "ok": true}\n')
        df = self.spark.read.json(p)
        # Spark's JSON inference: fields sorted by name, 1 and 2.5 widen to double, nested
        # struct fields sorted too; treeString's layout, then print's own newline
        self.assertEqual(captured(df.printSchema),
                         "root\n"
                         " |-- n: double (nullable = true)\n"
                         " |-- name: string (nullable = true)\n"
                         " |-- ok: boolean (nullable = true)\n"
                         " |-- pos: struct (nullable = true)\n"
                         " |    |-- x: double (nullable = true)\n"
                         " |    |-- y: long (nullable = true)\n"
                         " |-- tags: array (nullable = true)\n"
                         " |    |-- element: string (containsNull = true)\n"
                         "\n")
        self.assertEqual(df.dtypes, [("n", "double"), ("name", "string"), ("ok", "boolean"),
                                     ("pos", "struct<x:double,y:bigint>"),
                                     ("tags", "array<string>")])
        rows = df.collect()
        # the absent key is null; 1 becomes 1.0 in the double column
        self.assertEqual(rows[0], Row(n=1.0, name="a", ok=None, pos=Row(x=1.5, y=2),
                                      tags=["x"]))
        self.assertEqual(rows[1].asDict(), {"n": 2.5, "name": "b", "ok": True, "pos": None,
                                            "tags": None})

    def test_schema_of_sql_result(self):
        df = self.spark.createDataFrame([("a", 1), ("b", 2)], ["k", "v"])
        df.createOrReplaceTempView("kv")
        r = self.spark.sql("SELECT k, v * 2 AS w, 'lit' AS s FROM kv ORDER BY k")
        self.assertEqual(r.dtypes, [("k", "string"), ("w", "bigint"), ("s", "string")])
        # rows keep the query's column order (Row(**kw) would sort the names)
        kws = Row("k", "w", "s")
        self.assertEqual(r.collect(), [kws("a", 2, "lit"), kws("b", 4, "lit")])
        self.assertEqual(r.first().asDict(), {"k": "a", "w": 2, "s": "lit"})


    def test_columns_of_empty_sql_result_and_limits_conf(self):
        self.spark.createDataFrame([(1, "a")], ["k", "v"]).createOrReplaceTempView("kv1")
        r = self.spark.sql("SELECT v, k FROM kv1 WHERE k > 5")
        self.assertEqual(r.columns, ["v", "k"])
        self.assertEqual(r.collect(), [])
        self.spark.conf.set("spark.eddy.sql.timeLimit", "30s")
        try:
            self.assertEqual(self.spark.sql("SELECT count(*) AS n FROM kv1").first().n, 1)
        finally:
            self.spark.conf.set("spark.eddy.sql.timeLimit", "")


class ErrorTest(Base):
    def test_missing_column_is_analysis_exception(self):
        df = self.spark.createDataFrame([(1,)], ["a"])
        # known columns: at once, with Spark's message
        with self.assertRaises(AnalysisException) as cm:
            df.select("nosuch")
        self.assertEqual(str(cm.exception),
                         "cannot resolve '`nosuch`' given input columns: [a];")
        with self.assertRaises(AnalysisException):
            df.groupBy("nosuch")
        # inside an expression: the engine's message at the first action
        with self.assertRaises(AnalysisException) as cm:
            df.select(F.col("nosuch") + 1).collect()
        self.assertIn("no such column: nosuch", str(cm.exception))
        df.createOrReplaceTempView("one_col")
        with self.assertRaises(AnalysisException) as cm:
            self.spark.sql("SELECT nosuch FROM one_col").collect()
        self.assertIn("no such column: nosuch", str(cm.exception))

    def test_unknown_function(self):
        with self.assertRaises(AnalysisException) as cm:
            self.spark.sql("SELECT no_such_fn(1)").collect()
        self.assertIn("no_such_fn", str(cm.exception))

    def test_missing_path(self):
        # Spark: AnalysisException "Path does not exist: ..." at read time
        missing = os.path.join(self.tmp, "absent.json")
        for read in (self.spark.read.json, self.spark.read.text, self.spark.read.csv):
            with self.assertRaises(AnalysisException) as cm:
                read(missing)
            self.assertIn("Path does not exist: " + missing, str(cm.exception))

    def test_malformed_json_line(self):
        p = self.write("bad.json", '{"a": 1}\n{"a": \n{"a": 3}\n')
        df = self.spark.read.json(p)
        # Eddy fails (FAILFAST) naming the file and line 2 instead of Spark's PERMISSIVE
        # _corrupt_record column
        with self.assertRaises(AnalysisException) as cm:
            df.printSchema()
        self.assertIn(p + ":2", str(cm.exception))
        with self.assertRaises(AnalysisException) as cm:
            df.count()  # through the engine: its own message names file and line too
        self.assertIn("bad.json:2", str(cm.exception))

    def test_outside_subset(self):
        import pyspark.sql
        with self.assertRaises(ImportError) as cm:
            from pyspark.sql import Window  # noqa: F401
        self.assertIn("Window", str(cm.exception))
        self.assertIn("outside Eddy's PySpark subset", str(cm.exception))
        with self.assertRaises(AttributeError) as cm:
            F.regexp_extract
        self.assertIn("regexp_extract", str(cm.exception))
        self.assertIn("outside Eddy's PySpark subset", str(cm.exception))
        with self.assertRaises(ImportError) as cm:
            from pyspark.sql.functions import regexp_extract  # noqa: F401
        self.assertIn("outside Eddy's PySpark subset", str(cm.exception))
        self.assertFalse(hasattr(pyspark.sql, "Window"))
        with self.assertRaises(NotImplementedError):
            self.spark.read.parquet(self.tmp)
        with self.assertRaises(NotImplementedError):
            self.spark.range(1).toPandas()
        self.assertTrue(hasattr(pyspark.sql, "DataFrame"))


if __name__ == "__main__":
    unittest.main()
