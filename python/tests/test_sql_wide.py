"""A JSON input with 3,000 distinct keys (one per line, as the article's middle_result has one
per input key): no column limit in Eddy's pyspark.sql. Expected values are worked out from
the generated input: line i is {"<i>": ["v"] * (i % 4)}."""

import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

PYDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)
os.environ.setdefault("EDDY_BINARY", os.path.join(os.path.dirname(PYDIR), "build", "eddy"))

from pyspark.sql import SparkSession, functions as F  # noqa: E402

N = 3000


class WideJsonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spark = SparkSession.builder.getOrCreate()
        cls.tmp = tempfile.mkdtemp(prefix="test_sql_wide_")
        cls.path = os.path.join(cls.tmp, "wide.json")
        with open(cls.path, "w") as f:
            for i in range(N):
                f.write('{"%d": [%s]}\n' % (i, ", ".join(['"v"'] * (i % 4))))
        cls.df = cls.spark.read.json(cls.path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def test_schema(self):
        cols = self.df.columns
        self.assertEqual(len(cols), N)
        # Spark sorts the names as strings: "0" < "1" < "10" < "100" < "1000" ... "999"
        self.assertEqual(cols[:5], ["0", "1", "10", "100", "1000"])
        self.assertEqual(cols[-1], "999")
        self.assertEqual(self.df.schema["42"].dataType.simpleString(), "array<string>")

    def test_sql_size_over_wide_table(self):
        self.df.registerTempTable("wide")
        got = self.spark.sql("SELECT size(`7`) AS s FROM wide").groupBy("s").count() \
            .orderBy("s").collect()
        # only the line of key 7 has it: 7 % 4 = 3 entries; the 2,999 others: size(NULL) = -1
        self.assertEqual([tuple(r) for r in got], [(-1, N - 1), (3, 1)])
        # 2998 % 4 = 2
        self.assertEqual(self.spark.sql("SELECT count(*) FROM wide WHERE size(`2998`) = 2")
                         .first()[0], 1)

    def test_dataframe_ops(self):
        self.assertEqual(self.df.count(), N)
        got = self.df.select("5", "6").filter(F.col("5").isNotNull()).collect()
        # line 5: 5 % 4 = 1 entry; that line has no key 6
        self.assertEqual([tuple(r) for r in got], [(["v"], None)])
        first = self.df.first()
        self.assertEqual(len(first), N)
        self.assertEqual(first["0"], [])  # 0 % 4 = 0 entries
        self.assertIsNone(first["1"])
        self.assertEqual(self.df.filter("size(`3`) > 0").count(), 1)

    def test_show_one_row(self):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            self.df.show(1)
        lines = buf.getvalue().split("\n")
        # widths come from the header and the shown row only (Spark's showString), at least
        # 3: column "0" holds "[]" (0 % 4 = 0 entries) -> 3; the others hold null -> 4
        self.assertTrue(lines[1].startswith("|  0|   1|  10| 100|1000|"))
        self.assertTrue(lines[3].startswith("| []|null|null|null|null|"))
        self.assertEqual(lines[-3:], ["only showing top 1 row", "", ""])


if __name__ == "__main__":
    unittest.main()
