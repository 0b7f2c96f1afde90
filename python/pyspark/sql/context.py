"""SQLContext and HiveContext: PySpark 1.x entry points over the same SparkSession."""

from pyspark.sql.session import SparkSession
from pyspark.sql.utils import UnsupportedOperationException

__all__ = ["SQLContext", "HiveContext"]


class SQLContext(object):
    """SQLContext(sc): .read, .sql, .table, .createDataFrame, .registerDataFrameAsTable."""

    _instantiatedContext = None

    def __init__(self, sparkContext, sparkSession=None, jsqlContext=None):
        self._sc = sparkContext
        if sparkSession is None:
            sparkSession = SparkSession._for_context(sparkContext)
        self.sparkSession = sparkSession
        prev = SQLContext._instantiatedContext
        if prev is None or prev._sc is not sparkContext:
            SQLContext._instantiatedContext = self

    @classmethod
    def getOrCreate(cls, sc):
        if cls._instantiatedContext is None or cls._instantiatedContext._sc is not sc:
            cls(sc)
        return cls._instantiatedContext

    @property
    def _ssql_ctx(self):
        return self

    def newSession(self):
        return self.__class__(self._sc, self.sparkSession)

    def setConf(self, key, value):
        self.sparkSession.conf.set(key, value)

    def getConf(self, key, defaultValue=None):
        return self.sparkSession.conf.get(key, defaultValue)

    @property
    def udf(self):
        return self.sparkSession.udf

    def registerFunction(self, name, f, returnType=None):
        raise UnsupportedOperationException("Python UDFs are outside Eddy's PySpark subset")

    def range(self, start, end=None, step=1, numPartitions=None):
        return self.sparkSession.range(start, end, step, numPartitions)

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        return self.sparkSession.createDataFrame(data, schema, samplingRatio, verifySchema)

    def registerDataFrameAsTable(self, df, tableName):
        df.createOrReplaceTempView(tableName)

    def dropTempTable(self, tableName):
        self.sparkSession.catalog.dropTempView(tableName)

    def sql(self, sqlQuery):
        return self.sparkSession.sql(sqlQuery)

    def table(self, tableName):
        return self.sparkSession.table(tableName)

    def tables(self, dbName=None):
        return self.sparkSession.sql("SHOW TABLES")

    def tableNames(self, dbName=None):
        return [t.name for t in self.sparkSession.catalog.listTables()]

    def cacheTable(self, tableName):
        pass

    def uncacheTable(self, tableName):
        pass

    def clearCache(self):
        pass

    @property
    def read(self):
        return self.sparkSession.read

    @property
    def readStream(self):
        return self.sparkSession.readStream


class HiveContext(SQLContext):
    """HiveContext(sc): the same API as SQLContext (Eddy has no Hive metastore; temp views
    only)."""

    def refreshTable(self, tableName):
        pass
