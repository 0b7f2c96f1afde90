"""Eddy's pyspark.sql.types and Row: PySpark 2.4's reprs, simpleString() names, DDL strings
and Row semantics. Expected values are the ones PySpark 2.4's docstrings show."""

import os
import pickle
import sys
import unittest

PYDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)

from pyspark.sql import Row  # noqa: E402
from pyspark.sql.types import (ArrayType, BooleanType, DoubleType, IntegerType,  # noqa: E402
                               LongType, MapType, NullType, StringType, StructField,
                               StructType, _parse_datatype)


class RowTest(unittest.TestCase):
    def test_kwargs_sorted_as_in_2_4(self):
        # PySpark 2.4's Row docstring: Row(name="Alice", age=11) -> Row(age=11, name='Alice')
        row = Row(name="Alice", age=11)
        self.assertEqual(repr(row), "Row(age=11, name='Alice')")
        self.assertEqual((row["name"], row["age"]), ("Alice", 11))
        self.assertEqual((row.name, row.age), ("Alice", 11))
        self.assertEqual(row[0], 11)
        self.assertTrue("name" in row)
        self.assertFalse("wrong_key" in row)
        self.assertEqual(row, (11, "Alice"))  # a tuple
        with self.assertRaises(AttributeError):
            row.nope

    def test_row_class(self):
        # same docstring: Person = Row("name", "age")
        Person = Row("name", "age")
        self.assertEqual(repr(Person), "<Row(name, age)>")
        self.assertTrue("name" in Person)
        self.assertEqual(repr(Person("Alice", 11)), "Row(name='Alice', age=11)")
        self.assertEqual(Person("Alice", 11).age, 11)

    def test_as_dict(self):
        # docstring of Row.asDict
        self.assertEqual(Row(name="Alice", age=11).asDict(), {"name": "Alice", "age": 11})
        row = Row(key=1, value=Row(name="a", age=2))
        self.assertEqual(row.asDict(), {"key": 1, "value": Row(age=2, name="a")})
        self.assertEqual(row.asDict(True), {"key": 1, "value": {"name": "a", "age": 2}})

    def test_pickle(self):
        r = Row(b=2, a=1)
        back = pickle.loads(pickle.dumps(r))
        self.assertEqual((back, back.a), (r, 1))


class TypesTest(unittest.TestCase):
    def test_reprs_and_simple_strings(self):
        s = StructType([StructField("a", LongType(), True),
                        StructField("b", ArrayType(StringType()), True)])
        self.assertEqual(repr(s), "StructType(List(StructField(a,LongType,true),"
                                  "StructField(b,ArrayType(StringType,true),true)))")
        self.assertEqual(s.simpleString(), "struct<a:bigint,b:array<string>>")
        self.assertEqual(IntegerType().simpleString(), "int")
        self.assertEqual(LongType().typeName(), "long")
        self.assertEqual(MapType(StringType(), LongType()).simpleString(), "map<string,bigint>")
        self.assertEqual(repr(MapType(StringType(), DoubleType(), False)),
                         "MapType(StringType,DoubleType,false)")
        self.assertEqual(NullType().simpleString(), "null")
        self.assertEqual(s.names, ["a", "b"])
        self.assertEqual(s["b"].dataType, ArrayType(StringType(), True))
        self.assertEqual(StructType().add("x", "long").add("y", BooleanType()).simpleString(),
                         "struct<x:bigint,y:boolean>")

    def test_ddl_strings(self):
        self.assertEqual(_parse_datatype("a int, b string"),
                         StructType([StructField("a", IntegerType()),
                                     StructField("b", StringType())]))
        self.assertEqual(_parse_datatype("a: bigint, b: array<string>").simpleString(),
                         "struct<a:bigint,b:array<string>>")
        self.assertEqual(_parse_datatype("map<string,struct<x:double>>").simpleString(),
                         "map<string,struct<x:double>>")
        self.assertEqual(_parse_datatype("int"), IntegerType())
        with self.assertRaises(ValueError):
            _parse_datatype("a nosuchtype")


class JavaDoubleTest(unittest.TestCase):
    def test_java_double_to_string(self):
        from pyspark.sql._format import java_double
        # Java's Double.toString (what Spark shows and writes): plain notation for
        # 10^-3 <= |d| < 10^7, else d.dddE<exp>; always a digit after the point
        cases = [(0.1, "0.1"), (100.0, "100.0"), (1234567.0, "1234567.0"),
                 (12345678.9, "1.23456789E7"), (1e7, "1.0E7"), (0.001, "0.001"),
                 (0.00012, "1.2E-4"), (-2.5, "-2.5"), (1e20, "1.0E20"), (0.0, "0.0"),
                 (float("nan"), "NaN"), (float("-inf"), "-Infinity")]
        for d, want in cases:
            self.assertEqual(java_double(d), want, d)


if __name__ == "__main__":
    unittest.main()
