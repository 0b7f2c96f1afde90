"""Eddy's pyspark.sql DataFrame API: transformations, functions, joins, grouping, reading and
writing. Expected values are worked out by hand from the small inputs here; column names
follow Spark's naming rules (count(1), sum(x), (a + 1), ...)."""

import gzip
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)
os.environ.setdefault("EDDY_BINARY", os.path.join(os.path.dirname(PYDIR), "build", "eddy"))

from pyspark import SparkContext  # noqa: E402
from pyspark.sql import Column, GroupedData, Row, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql.types import (ArrayType, LongType, StringType, StructField,  # noqa: E402
                               StructType)
from pyspark.sql.utils import AnalysisException  # noqa: E402

# people: name, age, dept (Bob's age unknown)
PEOPLE = [("Alice", 34, "eng"), ("Bob", None, "ops"), ("Carol", 29, "eng"),
          ("Dan", 41, "ops"), ("Eve", 25, "sales")]


class DataFrameTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sc = SparkContext.getOrCreate()
        cls.spark = SparkSession.builder.getOrCreate()
        cls.tmp = tempfile.mkdtemp(prefix="test_sql_df_")
        cls.df = cls.spark.createDataFrame(PEOPLE, "name string, age long, dept string")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text):
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.write(text)
        return self.path(name)

    # --- basics -----------------------------------------------------------------------
    def test_columns_count_first_take_head(self):
        df = self.df
        self.assertEqual(df.columns, ["name", "age", "dept"])
        self.assertEqual(df.dtypes, [("name", "string"), ("age", "bigint"), ("dept", "string")])
        self.assertEqual(df.count(), 5)
        self.assertEqual(df.first(), Row("name", "age", "dept")("Alice", 34, "eng"))
        self.assertEqual([r.name for r in df.take(2)], ["Alice", "Bob"])
        self.assertEqual(len(df.head(3)), 3)
        self.assertEqual(df.head().name, "Alice")
        self.assertIsNone(df.limit(0).head())
        self.assertIsInstance(df.age, Column)
        self.assertIsInstance(df["age"], Column)
        with self.assertRaises(AttributeError):
            df.no_such_attribute

    def test_select_expressions_and_names(self):
        df = self.df.filter(F.col("name") == "Alice")
        r = df.select("name", F.col("age") + 1, (F.col("age") * 2).alias("twice"),
                      F.col("age") / 4, F.lit(7), F.upper("name"), F.length("name"),
                      df.age > 30, F.col("age").cast("string"))
        # Spark's names: (age + 1), twice, (age / 4), 7, upper(name), length(name), (age > 30),
        # CAST(age AS STRING); / is always double division in Spark (34 / 4 = 8.5)
        self.assertEqual(r.columns, ["name", "(age + 1)", "twice", "(age / 4)", "7",
                                     "upper(name)", "length(name)", "(age > 30)",
                                     "CAST(age AS STRING)"])
        self.assertEqual(tuple(r.first()), ("Alice", 35, 68, 8.5, 7, "ALICE", 5, True, "34"))
        self.assertEqual(r.dtypes[3], ("(age / 4)", "double"))
        self.assertEqual(r.dtypes[7], ("(age > 30)", "boolean"))

    def test_select_expr(self):
        r = self.df.selectExpr("name", "age + 1 AS next", "upper(dept) AS d") \
            .filter("name = 'Dan'")
        self.assertEqual(r.columns, ["name", "next", "d"])
        self.assertEqual(tuple(r.first()), ("Dan", 42, "OPS"))

    def test_filter_where_and_column_operators(self):
        df = self.df

        def names(d):
            return [r.name for r in d.collect()]

        self.assertEqual(names(df.filter(df.age > 30)), ["Alice", "Dan"])
        self.assertEqual(names(df.where("age < 30")), ["Carol", "Eve"])
        self.assertEqual(names(df.filter((df.age > 26) & (df.dept == "eng"))),
                         ["Alice", "Carol"])
        self.assertEqual(names(df.filter((df.dept == "sales") | df.age.isNull())),
                         ["Bob", "Eve"])
        self.assertEqual(names(df.filter(~(df.dept == "eng"))), ["Bob", "Dan", "Eve"])
        self.assertEqual(names(df.filter(df.dept != "eng")), ["Bob", "Dan", "Eve"])
        self.assertEqual(names(df.filter(df.age.isNotNull() & (df.age <= 29))),
                         ["Carol", "Eve"])
        self.assertEqual(names(df.filter(df.age >= 41)), ["Dan"])
        self.assertEqual(names(df.filter(df.name.isin("Bob", "Eve"))), ["Bob", "Eve"])
        self.assertEqual(names(df.filter(df.name.isin(["Dan"]))), ["Dan"])
        # LIKE is case-sensitive in Spark: 'a%' does not match Alice
        self.assertEqual(names(df.filter(df.name.like("%a%"))), ["Carol", "Dan"])
        self.assertEqual(names(df.filter(df.name.like("_ob"))), ["Bob"])
        self.assertEqual(names(df.filter(df.name.contains("ro"))), ["Carol"])
        self.assertEqual(names(df.filter(df.name.startswith("Ca"))), ["Carol"])
        self.assertEqual(names(df.filter(df.name.endswith("e"))), ["Alice", "Eve"])
        self.assertEqual(names(df.filter(df.age.between(25, 29))), ["Carol", "Eve"])
        self.assertEqual(names(df.filter(df.age % 2 == 1)), ["Carol", "Dan", "Eve"])
        self.assertEqual(names(df.filter(df.age - 1 == 24)), ["Eve"])

    def test_string_literals_are_quoted(self):
        df = self.spark.createDataFrame([("it's",), ("a`b",)], ["s"])
        self.assertEqual(df.filter(F.col("s") == "it's").count(), 1)
        self.assertEqual(df.select(F.concat(F.col("s"), F.lit("'!")).alias("t")).first().t,
                         "it's'!")

    def test_with_column_renamed_drop_alias(self):
        df = self.df.withColumn("age2", F.col("age") * 2).withColumn("age", F.col("age") + 1)
        # withColumn on an existing name replaces it in place
        self.assertEqual(df.columns, ["name", "age", "dept", "age2"])
        self.assertEqual(tuple(df.first()), ("Alice", 35, "eng", 68))
        df = df.withColumnRenamed("dept", "team").drop("age2", "age")
        self.assertEqual(df.columns, ["name", "team"])
        self.assertEqual(df.alias("p").count(), 5)
        self.assertEqual(self.df.toDF("n", "a", "d").columns, ["n", "a", "d"])

    def test_order_limit_distinct(self):
        df = self.df
        # nulls first ascending, last descending (Spark's defaults)
        self.assertEqual([r.age for r in df.orderBy("age").collect()],
                         [None, 25, 29, 34, 41])
        self.assertEqual([r.age for r in df.orderBy(df.age.desc()).collect()],
                         [41, 34, 29, 25, None])
        self.assertEqual([r.name for r in df.sort(F.desc("dept"), "name").collect()],
                         ["Eve", "Bob", "Dan", "Alice", "Carol"])
        self.assertEqual([r.name for r in df.orderBy(["dept", "name"],
                                                     ascending=[True, False]).collect()],
                         ["Carol", "Alice", "Dan", "Bob", "Eve"])
        self.assertEqual([r.name for r in df.orderBy("name").limit(2).collect()],
                         ["Alice", "Bob"])
        self.assertEqual(sorted(r.dept for r in df.select("dept").distinct().collect()),
                         ["eng", "ops", "sales"])
        self.assertEqual(df.dropDuplicates(["dept"]).count(), 3)
        self.assertEqual(df.union(df).distinct().count(), 5)

    def test_group_by(self):
        df = self.df
        g = df.groupBy("dept")
        self.assertIsInstance(g, GroupedData)
        got = g.agg(F.count("*"), F.sum("age"), F.avg("age"), F.min("age"),
                    F.max("age")).orderBy("dept")
        self.assertEqual(got.columns, ["dept", "count(1)", "sum(age)", "avg(age)",
                                       "min(age)", "max(age)"])
        # eng: 34, 29; ops: null, 41 (count(1) counts Bob, the aggregates skip null);
        # sales: 25
        self.assertEqual([tuple(r) for r in got.collect()],
                         [("eng", 2, 63, 31.5, 29, 34), ("ops", 2, 41, 41.0, 41, 41),
                          ("sales", 1, 25, 25.0, 25, 25)])
        self.assertEqual(got.dtypes[1:3], [("count(1)", "bigint"), ("sum(age)", "bigint")])
        self.assertEqual(got.dtypes[3], ("avg(age)", "double"))
        cnt = df.groupby("dept").count().orderBy("count", "dept")
        self.assertEqual([tuple(r) for r in cnt.collect()],
                         [("sales", 1), ("eng", 2), ("ops", 2)])
        d = df.groupBy("dept").agg({"age": "max"}).orderBy("dept")
        self.assertEqual(d.columns, ["dept", "max(age)"])
        self.assertEqual([r[1] for r in d.collect()], [34, 41, 25])
        self.assertEqual([tuple(r) for r in df.groupBy("dept").sum("age").orderBy("dept")
                          .collect()], [("eng", 63), ("ops", 41), ("sales", 25)])
        self.assertEqual(df.groupBy().max("age").first()[0], 41)
        self.assertEqual(df.agg(F.countDistinct("dept")).first()[0], 3)
        self.assertEqual(df.agg(F.countDistinct("dept")).columns, ["count(DISTINCT dept)"])
        # sorted collect_list of eng's names
        lst = df.groupBy("dept").agg(F.collect_list("name").alias("ns")) \
            .filter("dept = 'eng'").first().ns
        self.assertEqual(sorted(lst), ["Alice", "Carol"])
        self.assertEqual(df.filter(df.dept == "eng").agg(F.mean("age")).first()[0], 31.5)

    def test_functions(self):
        df = self.spark.createDataFrame(
            [Row(s="a,b,c", n=-2.5, xs=["x", "y"]), Row(s=None, n=9.0, xs=None)])
        r = df.select(F.split("s", ",").alias("parts"), F.size("xs").alias("sz"),
                      F.abs("n").alias("a"), F.sqrt(F.abs("n")).alias("q"),
                      F.round("n").alias("r"), F.coalesce("s", F.lit("none")).alias("c"),
                      F.concat_ws("-", "s", F.lit("z")).alias("ws"),
                      F.when(F.col("n") > 0, "pos").otherwise("neg").alias("sign"),
                      F.lower(F.lit("ABC")).alias("lo")).collect()
        # split on a literal ','; size(NULL) = -1; abs(-2.5) = 2.5; sqrt(9) = 3.0;
        # round(-2.5) = -3.0 (HALF_UP, away from zero); concat_ws skips nulls
        self.assertEqual(tuple(r[0]), (["a", "b", "c"], 2, 2.5, 1.5811388300841898, -3.0,
                                       "a,b,c", "a,b,c-z", "neg", "abc"))
        self.assertEqual(tuple(r[1]), (None, -1, 9.0, 3.0, 9.0, "none", "z", "pos", "abc"))
        self.assertEqual(df.select(F.concat("s", F.lit("!"))).columns, ["concat(s, !)"])
        self.assertEqual(df.select(F.concat("s", F.lit("!"))).collect()[1][0], None)
        e = df.select(F.explode("xs").alias("x")).collect()
        self.assertEqual([r.x for r in e], ["x", "y"])
        self.assertEqual(df.select(F.explode("xs")).columns, ["col"])
        self.assertEqual(df.select(F.expr("upper(s) AS u")).first().u, "A,B,C")
        dates = self.spark.createDataFrame([("2024-03-15",)], ["d"])
        self.assertEqual(tuple(dates.select(F.year("d"), F.month("d")).first()), (2024, 3))

    def test_na_fill_and_drop(self):
        df = self.spark.createDataFrame([("a", None, 1.0), (None, 2, None), (None, None, None)],
                                        "s string, n long, d double")
        # a number fills the numeric columns, a string the string ones, a dict by name
        self.assertEqual([tuple(r) for r in df.na.fill(0).collect()],
                         [("a", 0, 1.0), (None, 2, 0.0), (None, 0, 0.0)])
        self.assertEqual([r.s for r in df.fillna("x").collect()], ["a", "x", "x"])
        self.assertEqual([tuple(r) for r in df.fillna({"n": 9, "s": "q"}).collect()],
                         [("a", 9, 1.0), ("q", 2, None), ("q", 9, None)])
        # any: no row is complete; all: the last row is all null; thresh=1: one non-null
        self.assertEqual(df.dropna().count(), 0)
        self.assertEqual(df.na.drop(how="all").count(), 2)
        self.assertEqual(df.dropna(thresh=1).count(), 2)
        self.assertEqual(df.dropna(subset=["s"]).count(), 1)

    def test_statistics_and_structs(self):
        x = self.spark.createDataFrame([(1.0,), (2.0,), (3.0,)], ["v"])
        got = x.agg(F.stddev("v"), F.variance("v"), F.var_pop("v"),
                    F.approx_count_distinct("v"))
        # Spark 2.4's names; mean 2, squared deviations 1 + 0 + 1 = 2: var_samp 2/2,
        # var_pop 2/3
        self.assertEqual(got.columns, ["stddev_samp(v)", "var_samp(v)", "var_pop(v)",
                                       "approx_count_distinct(v)"])
        self.assertEqual(tuple(got.first()), (1.0, 1.0, 2.0 / 3, 3))
        st = x.select(F.struct("v", F.lit(1).alias("one")).alias("st")).orderBy("v")
        self.assertEqual(st.dtypes, [("st", "struct<v:double,one:bigint>")])
        self.assertEqual(st.first().st, Row("v", "one")(1.0, 1))
        m = self.spark.createDataFrame([Row(id=1, m={"k": 2})])
        m.createOrReplaceTempView("with_map")
        # a map through the engine comes back a dict
        self.assertEqual(self.spark.sql("SELECT m FROM with_map").first().m, {"k": 2})
        self.assertEqual(m.select(m.m.getItem("k")).first()[0], 2)

    def test_joins(self):
        depts = self.spark.createDataFrame([("eng", "Engineering"), ("ops", "Operations"),
                                            ("hr", "People")], ["dept", "title"])
        df = self.df
        inner = df.join(depts, "dept").orderBy("name")
        # join on a name: the key once, first; then the left's and the right's other columns
        self.assertEqual(inner.columns, ["dept", "name", "age", "title"])
        self.assertEqual([(r.name, r.title) for r in inner.collect()],
                         [("Alice", "Engineering"), ("Bob", "Operations"),
                          ("Carol", "Engineering"), ("Dan", "Operations")])
        left = df.join(depts, ["dept"], "left").filter("name = 'Eve'").first()
        self.assertEqual((left.dept, left.title), ("sales", None))
        right = df.join(depts, "dept", "right").filter(F.col("name").isNull()).collect()
        self.assertEqual([(r.dept, r.title) for r in right], [("hr", "People")])
        outer = df.join(depts, "dept", "outer")
        self.assertEqual(outer.count(), 6)  # 4 matches + Eve + hr
        cond = df.join(depts, df.dept == depts.dept, "inner").select("name", "title") \
            .orderBy("name")
        self.assertEqual(cond.first(), Row("name", "title")("Alice", "Engineering"))
        self.assertEqual(df.join(depts, "dept", "left_semi").count(), 4)
        self.assertEqual([r.name for r in df.join(depts, "dept", "left_anti").collect()],
                         ["Eve"])
        self.assertEqual(df.crossJoin(depts).count(), 15)

    def test_join_column_references(self):
        a = self.spark.createDataFrame([(1, "x", 10), (2, "y", 20)], ["id", "name", "v"])
        b = self.spark.createDataFrame([(1, "p", 100), (3, "q", 300)], ["id", "name", "w"])
        j = a.join(b, a.id == b.id, "left")
        # both sides' columns, duplicates included, as Spark lists them
        self.assertEqual(j.columns, ["id", "name", "v", "id", "name", "w"])
        # a["name"] and b["name"] name each side's column
        self.assertEqual([tuple(r) for r in j.select(a.name, b.name.alias("bn")).collect()],
                         [("x", "p"), ("y", None)])
        self.assertEqual(j.drop(b.id).drop(b.name).columns, ["id", "name", "v", "w"])
        self.assertEqual([r.z for r in j.withColumn("z", a.v + b.w).collect()], [110, None])
        # an unqualified name found on both sides is ambiguous, as in Spark
        with self.assertRaises(AnalysisException) as cm:
            a.join(b, "id").select("name").collect()
        self.assertIn("ambiguous", str(cm.exception))
        # self-join through aliases
        s = a.alias("l").join(a.alias("r"), F.col("l.id") == F.col("r.id") - 1) \
            .select(F.col("l.name").alias("first"), F.col("r.name").alias("second"))
        self.assertEqual([tuple(r) for r in s.collect()], [("x", "y")])
        # the USING key of an outer join is the non-null side's
        self.assertEqual([r.id for r in a.join(b, "id", "outer").orderBy("id").collect()],
                         [1, 2, 3])

    def test_union_intersect_subtract(self):
        a = self.spark.createDataFrame([(1,), (2,), (3,)], ["x"])
        b = self.spark.createDataFrame([(3,), (4,)], ["x"])
        self.assertEqual(sorted(r.x for r in a.union(b).collect()), [1, 2, 3, 3, 4])
        self.assertEqual(sorted(r.x for r in a.unionAll(b).collect()), [1, 2, 3, 3, 4])
        self.assertEqual([r.x for r in a.intersect(b).collect()], [3])
        self.assertEqual(sorted(r.x for r in a.subtract(b).collect()), [1, 2])

    def test_rdd_and_to_df(self):
        rows = self.df.rdd.map(lambda r: (r.name, r.age)).collect()
        self.assertEqual(rows[0], ("Alice", 34))
        rdd = self.sc.parallelize([Row(k="a", v=1), Row(k="b", v=2)], 2)
        df = rdd.toDF()
        self.assertEqual(df.columns, ["k", "v"])
        self.assertEqual(df.filter("v > 1").first().k, "b")
        df2 = self.sc.parallelize([(1, "x")]).toDF(["n", "s"])
        self.assertEqual(df2.first(), Row("n", "s")(1, "x"))
        self.assertEqual(self.spark.createDataFrame(rdd).count(), 2)
        self.assertEqual(self.df.toJSON().first(), '{"name":"Alice","age":34,"dept":"eng"}')

    def test_create_data_frame_forms(self):
        d = self.spark.createDataFrame([{"b": 1, "a": "x"}])
        # dict keys sorted as in PySpark 2.4's inference
        self.assertEqual(d.columns, ["a", "b"])
        t = self.spark.createDataFrame([(1, "x")])
        self.assertEqual(t.columns, ["_1", "_2"])
        schema = StructType([StructField("id", LongType()),
                             StructField("tags", ArrayType(StringType()))])
        s = self.spark.createDataFrame([(1, ["a"]), (2, [])], schema)
        self.assertEqual(s.schema, schema)
        self.assertEqual(s.collect()[1].tags, [])
        e = self.spark.createDataFrame([], "a int, b string")
        self.assertEqual((e.count(), e.columns), (0, ["a", "b"]))
        self.assertEqual(e.collect(), [])
        v = self.spark.createDataFrame([1, 2, 3], "int")
        self.assertEqual(v.columns, ["value"])
        self.assertEqual(v.agg(F.sum("value")).first()[0], 6)
        with self.assertRaises(ValueError):
            self.spark.createDataFrame([])

    def test_cache_persist_noops(self):
        df = self.df.cache().persist()
        self.assertEqual(df.count(), 5)
        self.assertEqual(self.df.repartition(3).rdd.getNumPartitions(), 3)

    # --- reading ----------------------------------------------------------------------
    def test_read_csv(self):
        p = self.write("people.csv", "name,age,score\nAl,30,1.5\n\"B, b\",,2\nCy,7,x\n")
        df = self.spark.read.csv(p, header=True, inferSchema=True)
        # int column stays int (Spark's CSV inference: int before long); 1.5/2/x -> string
        self.assertEqual(df.dtypes, [("name", "string"), ("age", "int"), ("score", "string")])
        self.assertEqual(df.collect()[1], Row("name", "age", "score")("B, b", None, "2"))
        raw = self.spark.read.csv(p)
        # no header: _c0.. and every value a string, the header line a row
        self.assertEqual(raw.columns, ["_c0", "_c1", "_c2"])
        self.assertEqual(raw.count(), 4)
        self.assertEqual(raw.first()[0], "name")
        opt = self.spark.read.format("csv").option("header", "true").load(p)
        self.assertEqual(opt.dtypes[1], ("age", "string"))
        # Spark's header rules: an empty name is _c<i>, repeated names get their position
        q = self.write("dup.csv", "a,,A,b\n1,2,3,4\n")
        self.assertEqual(self.spark.read.csv(q, header=True).columns, ["a0", "_c1", "A2", "b"])
        t = self.write("semi.csv", "x;y\n1;a b\n")
        self.assertEqual(self.spark.read.csv(t, sep=";", header=True, inferSchema=True)
                         .first(), Row("x", "y")(1, "a b"))

    def test_read_text_and_format_json(self):
        p = self.write("lines.txt", "first line\n\nthird\n")
        t = self.spark.read.text(p)
        self.assertEqual(t.columns, ["value"])
        # the empty line is a row, as in Spark
        self.assertEqual([r.value for r in t.collect()], ["first line", "", "third"])
        j = self.write("j.json", '{"a": 1}\n{"a": 2, "b": "x"}\n')
        df = self.spark.read.format("json").load(j)
        self.assertEqual(df.collect(), [Row(a=1, b=None), Row(a=2, b="x")])
        df2 = self.spark.read.json(j, schema="b string, a long")
        self.assertEqual(df2.columns, ["b", "a"])
        self.assertEqual(df2.collect()[1], Row("b", "a")("x", 2))

    def test_read_directory_skips_success_and_hidden(self):
        d = self.path("dir_in")
        os.makedirs(d)
        for name, text in (("part-00000", '{"a": 1}\n'), ("part-00001", '{"a": 2}\n'),
                           ("_SUCCESS", ""), (".part-00000.crc", "junk")):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        df = self.spark.read.json(d)
        self.assertEqual(sorted(r.a for r in df.collect()), [1, 2])
        self.assertEqual(df.filter("a > 1").count(), 1)
        # a glob, a list of paths, gzip: read into one temp file for the engine
        self.assertEqual(self.spark.read.json(os.path.join(d, "part-*")).count(), 2)
        with gzip.open(self.path("z.json.gz"), "wt") as f:
            f.write('{"a": 5}\n{"a": 6}\n')
        both = self.spark.read.json([os.path.join(d, "part-00000"), self.path("z.json.gz")])
        self.assertEqual(sorted(r.a for r in both.collect()), [1, 5, 6])
        self.assertEqual(both.filter("a > 4").count(), 2)
        with gzip.open(self.path("z.txt.gz"), "wt") as f:
            f.write("x\ny\n")
        self.assertEqual([r.value for r in self.spark.read.text(self.path("z.txt.gz"))
                          .orderBy("value").collect()], ["x", "y"])

    # --- writing ----------------------------------------------------------------------
    def _part(self, d):
        parts = sorted(f for f in os.listdir(d) if f.startswith("part-"))
        self.assertIn("_SUCCESS", os.listdir(d))
        out = ""
        for p in parts:
            with open(os.path.join(d, p), "rb") as f:
                data = f.read()
            if p.endswith(".gz"):
                data = gzip.decompress(data)
            out += data.decode()
        return parts, out

    def test_write_json_modes(self):
        out = self.path("out_json")
        self.df.filter("age > 30 OR age IS NULL").write.json(out)
        parts, text = self._part(out)
        # Spark 2.4's names: part-00000-<uuid>-c000.json
        self.assertRegex(parts[0], r"^part-00000-[0-9a-f-]{36}-c000\.json$")
        # fields in schema order, nulls left out, compact
        self.assertEqual(text, '{"name":"Alice","age":34,"dept":"eng"}\n'
                               '{"name":"Bob","dept":"ops"}\n'
                               '{"name":"Dan","age":41,"dept":"ops"}\n')
        with self.assertRaises(AnalysisException) as cm:
            self.df.write.json(out)
        self.assertIn("already exists", str(cm.exception))
        with self.assertRaises(AnalysisException):
            self.df.write.mode("errorifexists").json(out)
        self.df.limit(1).write.mode("ignore").json(out)
        self.assertEqual(self._part(out)[1].count("\n"), 3)
        self.df.limit(1).write.mode("append").json(out)
        self.assertEqual(self._part(out)[1].count("\n"), 4)
        self.df.limit(2).write.mode("overwrite").format("json").save(out)
        self.assertEqual(self._part(out)[1].count("\n"), 2)
        back = self.spark.read.json(out)
        self.assertEqual(back.columns, ["age", "dept", "name"])  # read.json sorts
        with self.assertRaises(ValueError):
            self.df.write.mode("sometimes")

    def test_write_csv_text_gzip(self):
        out = self.path("out_csv")
        self.df.orderBy("name").limit(2).write.option("header", True).csv(out)
        self.assertEqual(self._part(out)[1], "name,age,dept\nAlice,34,eng\nBob,,ops\n")
        out2 = self.path("out_text")
        self.df.select("name").write.text(out2)
        self.assertEqual(self._part(out2)[1], "Alice\nBob\nCarol\nDan\nEve\n")
        with self.assertRaises(AnalysisException):
            self.df.write.text(self.path("out_text2"))  # three columns
        out3 = self.path("out_gz")
        self.df.limit(1).write.json(out3, compression="gzip")
        parts, text = self._part(out3)
        self.assertTrue(parts[0].endswith(".json.gz"))
        self.assertEqual(json.loads(text)["name"], "Alice")


if __name__ == "__main__":
    unittest.main()
