"""Exceptions of Eddy's pyspark.sql, named as PySpark names them."""


class CapturedException(Exception):
    def __init__(self, desc, stackTrace=None):
        Exception.__init__(self, desc)
        self.desc = desc
        self.stackTrace = stackTrace or ""

    def __str__(self):
        return str(self.desc)


class AnalysisException(CapturedException):
    """A query that cannot be analysed: unknown column/table/function, missing path, a query
    Eddy's SQL engine (`eddy sql`) refused. The message is the engine's."""


class ParseException(CapturedException):
    """A SQL text or DDL string that cannot be parsed."""


class IllegalArgumentException(CapturedException):
    """A bad argument passed to a method."""


class QueryExecutionException(CapturedException):
    """The query failed while running (a limit reached, an input that could not be read)."""


class UnsupportedOperationException(CapturedException, NotImplementedError):
    """Outside Eddy's PySpark subset (see docs/pyspark-sql.md)."""


class UnsupportedNameError(ImportError):
    """A name of PySpark's API that Eddy's subset does not have, imported with
    `from pyspark.sql import X` (ImportError keeps the message there)."""


class UnsupportedAttributeError(AttributeError):
    """A name of PySpark's API that Eddy's subset does not have, read as an attribute
    (`pyspark.sql.Window`); an AttributeError, so hasattr() answers False."""


def _unsupported_name(msg, name):
    """What a module __getattr__ raises for a name outside the subset: ImportError under
    `from M import name` (Python would replace an AttributeError's message), else
    AttributeError."""
    import dis
    import sys
    op = dis.opmap.get("IMPORT_FROM")
    try:
        f = sys._getframe(2)
        if op is not None and f.f_code.co_code[f.f_lasti] == op:
            return UnsupportedNameError(msg, name=name)
    except (ValueError, IndexError, AttributeError):
        pass
    return UnsupportedAttributeError(msg)
