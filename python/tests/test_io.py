"""pyspark._io: path rules, listing, reading and writing, locally and on S3 (s3rver)."""
import os
import shutil
import tempfile
import unittest

import support

from pyspark import _io


class NormalizeTests(unittest.TestCase):
    def test_normalize(self):
        # the contract: s3a/s3n -> s3; file:///x -> /x; others unchanged
        self.assertEqual(_io.normalize("s3a://b/k"), "s3://b/k")
        self.assertEqual(_io.normalize("s3n://b/k"), "s3://b/k")
        self.assertEqual(_io.normalize("s3://b/k"), "s3://b/k")
        self.assertEqual(_io.normalize("file:///x/y"), "/x/y")
        self.assertEqual(_io.normalize("file:/x/y"), "/x/y")
        self.assertEqual(_io.normalize("rel/x"), "rel/x")
        self.assertEqual(_io.normalize("/abs/x"), "/abs/x")
        self.assertTrue(_io.is_remote("s3a://b/k"))
        self.assertTrue(_io.is_remote("s3://b"))
        self.assertFalse(_io.is_remote("/s3://x"))
        self.assertFalse(_io.is_remote("file:///x"))


class LocalTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="eddy-io-test-")
        for name, data in [("d/a.txt", b"A"), ("d/b.csv", b"BB"), ("d/_SUCCESS", b""),
                           ("d/.a.txt.crc", b"x"), ("d/sub/c.txt", b"CCC"),
                           ("d/_temporary/0/part-00000", b"tmp"), ("d/sub/.hidden", b"h")]:
            p = os.path.join(self.tmp, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *names):
        return os.path.join(self.tmp, *names)

    def test_list_files(self):
        d = self.p("d")
        # a directory: its data files below it, sorted, hidden ('_', '.') names skipped
        self.assertEqual(_io.list_files(d), [self.p("d/a.txt"), self.p("d/b.csv"),
                                             self.p("d/sub/c.txt")])
        self.assertEqual(_io.list_files("file://" + d + "/"),
                         [self.p("d/a.txt"), self.p("d/b.csv"), self.p("d/sub/c.txt")])
        # a file, even a hidden one named explicitly
        self.assertEqual(_io.list_files(self.p("d/a.txt")), [self.p("d/a.txt")])
        self.assertEqual(_io.list_files(self.p("d/_SUCCESS")), [self.p("d/_SUCCESS")])
        # globs: * ? [] and {a,b}; a wildcard does not match hidden names
        self.assertEqual(_io.list_files(self.p("d/*.txt")), [self.p("d/a.txt")])
        self.assertEqual(_io.list_files(self.p("d/*")), [self.p("d/a.txt"), self.p("d/b.csv"),
                                                         self.p("d/sub/c.txt")])
        self.assertEqual(_io.list_files(self.p("d/?.csv")), [self.p("d/b.csv")])
        self.assertEqual(_io.list_files(self.p("d/[ab].*")), [self.p("d/a.txt"),
                                                              self.p("d/b.csv")])
        self.assertEqual(_io.list_files(self.p("d/{a.txt,sub}")), [self.p("d/a.txt"),
                                                                   self.p("d/sub/c.txt")])
        self.assertEqual(_io.list_files(self.p("*/sub/*.txt")), [self.p("d/sub/c.txt")])
        self.assertEqual(_io.list_files_sized(self.p("d/b.csv")), [(self.p("d/b.csv"), 2)])
        # an existing empty directory lists nothing
        os.makedirs(self.p("empty"))
        self.assertEqual(_io.list_files(self.p("empty")), [])

    def test_missing(self):
        for path in [self.p("nope"), self.p("d/*.json"), self.p("nope/*.txt")]:
            with self.assertRaises(FileNotFoundError) as cm:
                _io.list_files(path)
            # Spark's words
            self.assertEqual(str(cm.exception), "Input path does not exist: %s" % path)

    def test_read_and_write(self):
        self.assertEqual(_io.read_bytes(self.p("d/b.csv")), b"BB")
        self.assertEqual(_io.read_bytes("file://" + self.p("d/b.csv")), b"BB")
        out = self.p("out")
        _io.write_dir(out, {"part-00000": b"x\n", "part-00001": b""})
        self.assertEqual(sorted(os.listdir(out)), ["_SUCCESS", "part-00000", "part-00001"])
        self.assertEqual(_io.read_bytes(os.path.join(out, "part-00000")), b"x\n")
        with self.assertRaises(FileExistsError) as cm:
            _io.write_dir(out, {"part-00000": b"y\n"})
        self.assertEqual(str(cm.exception), "Output directory %s already exists" % out)
        _io.write_dir(out, {"part-00000": b"y\n"}, overwrite=True)
        self.assertEqual(sorted(os.listdir(out)), ["_SUCCESS", "part-00000"])
        self.assertEqual(_io.read_bytes(os.path.join(out, "part-00000")), b"y\n")
        self.assertEqual(_io.list_files(out), [os.path.join(out, "part-00000")])
        with self.assertRaises(ValueError):
            _io.write_dir(self.p("bad"), {"../escape": b""})
        self.assertFalse(os.path.exists(self.p("bad")))


class S3Tests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="eddy-io-s3-")
        cls.server = None
        try:
            cls.server = support.S3rver(cls.tmp, "bkt")
            src = os.path.join(cls.tmp, "src")
            for name, data in [("a.txt", b"A"), ("b.csv", b"BB"), ("_SUCCESS", b""),
                               ("sub/c.txt", b"CCC"), (".hidden", b"h")]:
                p = os.path.join(src, name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "wb") as f:
                    f.write(data)
            support.eddy("fs", "cp", "-r", src, "s3://bkt/in")
            support.eddy("fs", "cp", os.path.join(src, "a.txt"), "s3://bkt/input2/a.txt")
        except BaseException:
            if cls.server is not None:
                cls.server.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_list_files(self):
        want = ["s3://bkt/in/a.txt", "s3://bkt/in/b.csv", "s3://bkt/in/sub/c.txt"]
        self.assertEqual(_io.list_files("s3://bkt/in"), want)
        self.assertEqual(_io.list_files("s3a://bkt/in/"), want)  # 'input2' is not under 'in'
        self.assertEqual(_io.list_files("s3n://bkt/in/a.txt"), ["s3://bkt/in/a.txt"])
        self.assertEqual(_io.list_files("s3://bkt/in/*.txt"), ["s3://bkt/in/a.txt"])
        self.assertEqual(_io.list_files("s3://bkt/in*/a.txt"),
                         ["s3://bkt/in/a.txt", "s3://bkt/input2/a.txt"])
        self.assertEqual(_io.list_files_sized("s3://bkt/in/b.csv"), [("s3://bkt/in/b.csv", 2)])

    def test_missing(self):
        for path in ["s3://bkt/nope", "s3a://bkt/in/*.json", "s3://bkt/i"]:
            with self.assertRaisesRegex(FileNotFoundError, "Input path does not exist: "):
                _io.list_files(path)
        with self.assertRaisesRegex(FileNotFoundError, "NoSuchBucket"):
            _io.list_files("s3://nobucket/x")
        with self.assertRaisesRegex(FileNotFoundError, "s3://bkt/in/zz"):
            _io.read_bytes("s3://bkt/in/zz")

    def test_confinement_and_errors(self):
        # Eddy's allowed buckets apply (EDDY_ALLOW_BUCKETS): the binary's refusal, as
        # PermissionError with its message
        os.environ["EDDY_ALLOW_BUCKETS"] = "other"
        try:
            with self.assertRaisesRegex(PermissionError, "bucket 'bkt' is not allowed"):
                _io.list_files("s3a://bkt/in")
            with self.assertRaisesRegex(PermissionError, "not allowed"):
                _io.read_bytes("s3://bkt/in/a.txt")
        finally:
            del os.environ["EDDY_ALLOW_BUCKETS"]
        self.assertEqual(_io.read_bytes("s3://bkt/in/a.txt"), b"A")

    def test_read_write(self):
        self.assertEqual(_io.read_bytes("s3a://bkt/in/b.csv"), b"BB")
        local, temporary = _io.local_copy("s3://bkt/in/sub/c.txt")
        try:
            self.assertTrue(temporary)
            with open(local, "rb") as f:
                self.assertEqual(f.read(), b"CCC")
        finally:
            os.unlink(local)
        _io.write_dir("s3a://bkt/out", {"part-00000": b"x\n", "part-00001": b"y\n"})
        self.assertEqual(_io.list_files_sized("s3://bkt/out"),
                         [("s3://bkt/out/part-00000", 2), ("s3://bkt/out/part-00001", 2)])
        self.assertEqual(_io.read_bytes("s3://bkt/out/_SUCCESS"), b"")
        with self.assertRaisesRegex(FileExistsError,
                                    "^Output directory s3a://bkt/out already exists$"):
            _io.write_dir("s3a://bkt/out", {})
        _io.write_dir("s3://bkt/out", {"part-00000": b"z\n"}, overwrite=True)
        self.assertEqual(_io.list_files("s3://bkt/out"), ["s3://bkt/out/part-00000"])
        self.assertEqual(_io.read_bytes("s3://bkt/out/part-00000"), b"z\n")

    def test_rdd_on_s3(self):
        sc = support.sc()
        # textFile over a prefix (hidden names skipped), saveAsTextFile to S3
        self.assertEqual(sc.textFile("s3a://bkt/in").collect(), ["A", "BB", "CCC"])
        sc.parallelize(["1", "2", "3"], 2).saveAsTextFile("s3a://bkt/saved")
        self.assertEqual(_io.list_files("s3://bkt/saved"),
                         ["s3://bkt/saved/part-00000", "s3://bkt/saved/part-00001"])
        self.assertEqual(_io.read_bytes("s3://bkt/saved/part-00000"), b"1\n")
        self.assertEqual(_io.read_bytes("s3://bkt/saved/part-00001"), b"2\n3\n")
        self.assertEqual(_io.read_bytes("s3://bkt/saved/_SUCCESS"), b"")
        with self.assertRaisesRegex(FileExistsError, "Output directory s3a://bkt/saved already"):
            sc.parallelize(["x"]).saveAsTextFile("s3a://bkt/saved")
        with self.assertRaisesRegex(FileNotFoundError, "Input path does not exist: s3a://bkt/x"):
            sc.textFile("s3a://bkt/x").count()
        self.assertEqual(sorted(sc.wholeTextFiles("s3a://bkt/in").collect()),
                         [("s3a://bkt/in/a.txt", "A"), ("s3a://bkt/in/b.csv", "BB"),
                          ("s3a://bkt/in/sub/c.txt", "CCC")])


if __name__ == "__main__":
    unittest.main()
