"""The acceptance test: the Airflow/EMR article's Livy statement, run unchanged, writes the same
part-00000 bytes as Eddy's native transform (examples/transform.yaml, validated against PySpark
2.4's output); and Livy's Pi example runs."""
import contextlib
import io
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import support

ARTICLE = '''import json
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
'''

PI = '''import random
NUM_SAMPLES = 100000
def inside(p):
    x, y = random.random(), random.random()
    return x*x + y*y < 1

count = sc.parallelize(range(0, NUM_SAMPLES)).filter(inside).count()
print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))
'''

SAMPLE = os.path.join(support.REPO, "examples", "data", "emrdata.txt")
MANIFEST = os.path.join(support.REPO, "examples", "transform.yaml")
MAKE_LINES = os.path.join(support.REPO, "bench", "transform", "make_lines.py")


def run_statement(code):
    """Runs a Livy statement's code with `sc` defined, as Eddy's pyspark session does; returns
    what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<stdin>", "exec"), {"__name__": "__main__", "sc": support.sc()})
    return out.getvalue()


class ArticleTransformTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(support.EDDY):
            raise unittest.SkipTest("%s is not built" % support.EDDY)
        cls.tmp = tempfile.mkdtemp(prefix="eddy-article-test-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def native(self, input_path, name):
        """part-00000 of `eddy run examples/transform.yaml` on input_path."""
        out = os.path.join(self.tmp, name)
        support.eddy("run", MANIFEST, "--set", "input=" + input_path, "--set", "output=" + out,
                     cwd=self.tmp)
        with open(os.path.join(out, "part-00000"), "rb") as f:
            return f.read()

    def local_article(self, input_path, output_path):
        code = ARTICLE.replace("s3a://xiaoyj/emr/emrdata.txt", input_path) \
                      .replace("s3a://xiaoyj/emr/middle_result", output_path)
        self.assertEqual(run_statement(code), "Transform Complete!\n")
        self.assertEqual(sorted(os.listdir(output_path)), ["_SUCCESS", "part-00000"])
        self.assertEqual(os.path.getsize(os.path.join(output_path, "_SUCCESS")), 0)
        with open(os.path.join(output_path, "part-00000"), "rb") as f:
            return f.read()

    def test_sample_matches_native(self):
        want = self.native(SAMPLE, "native-sample")
        got = self.local_article(SAMPLE, os.path.join(self.tmp, "py-sample"))
        self.assertEqual(got, want)
        # what the article's sample looks like (docs/batch.md): string keys, \u00e9 escapes
        self.assertTrue(got.startswith(b'{"1": [['))
        self.assertIn(b"caf\\u00e9", got)
        # the output exists now: Spark refuses to write it again
        with self.assertRaisesRegex(FileExistsError, "Output directory .* already exists"):
            self.local_article(SAMPLE, os.path.join(self.tmp, "py-sample"))

    def test_awkward_bytes_match_native(self):
        # CRLF, invalid UTF-8 (U+FFFD per maximal subpart), a non-BMP character (a surrogate
        # pair in JSON), blanks and signs around keys, empty fields, escapes, no final newline
        lines = [b"3::caf\xc3\xa9::x", b"-2::a::b\r", b" 7 ::bad\xff\xfeutf::\xe2\x82",
                 b"3::\xf0\x9f\x98\x80 emoji::q", b"+5::only", b"0::::",
                 b"7::tab\there::\\back\"quote", b"-2::dup::dup"]
        path = os.path.join(self.tmp, "awkward.txt")
        with open(path, "wb") as f:
            f.write(b"\n".join(lines))
        want = self.native(path, "native-awkward")
        got = self.local_article(path, os.path.join(self.tmp, "py-awkward"))
        self.assertEqual(got, want)
        # by hand: json.dumps of each group, keys in integer order
        self.assertEqual(got.splitlines()[0], b'{"-2": [["a", "b"], ["dup", "dup"]]}')
        self.assertIn(b'["\\ud83d\\ude00 emoji", "q"]', got)

    def test_million_lines_match_native(self):
        big = os.path.join(self.tmp, "big.txt")
        subprocess.run([sys.executable, MAKE_LINES, big, "--lines", "1000000", "--ids", "100000"],
                       check=True)
        want = self.native(big, "native-big")
        got = self.local_article(big, os.path.join(self.tmp, "py-big"))
        self.assertEqual(len(got), len(want))
        self.assertTrue(got == want, "part-00000 differs from the native transform's")

    def test_s3_unchanged_statement(self):
        server = support.S3rver(self.tmp, "xiaoyj")
        try:
            support.eddy("fs", "cp", SAMPLE, "s3://xiaoyj/emr/emrdata.txt")
            self.assertEqual(run_statement(ARTICLE), "Transform Complete!\n")
            got = support.eddy("fs", "cat", "s3://xiaoyj/emr/middle_result/part-00000").stdout
            self.assertEqual(got, self.native(SAMPLE, "native-s3"))
            ls = support.eddy("fs", "ls", "-r", "s3://xiaoyj/emr/middle_result/").stdout.decode()
            self.assertEqual(sorted(line.split()[-1] for line in ls.splitlines()),
                             ["emr/middle_result/_SUCCESS", "emr/middle_result/part-00000"])
            with self.assertRaisesRegex(FileExistsError,
                                        "Output directory s3a://xiaoyj/emr/middle_result"):
                run_statement(ARTICLE)
        finally:
            server.stop()

    def test_livy_pi_example(self):
        out = run_statement(PI)
        m = re.fullmatch(r"Pi is roughly (\d\.\d{6})\n", out)
        self.assertIsNotNone(m, out)
        # 100,000 points: the estimate's standard deviation is 4*sqrt(p(1-p)/n) ~ 0.005
        self.assertLess(abs(float(m.group(1)) - math.pi), 0.05)


if __name__ == "__main__":
    unittest.main()
