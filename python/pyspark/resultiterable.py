"""ResultIterable: the values of one key after groupByKey / cogroup (iterable, has len())."""

__all__ = ["ResultIterable"]


class ResultIterable(object):
    def __init__(self, data):
        self.data = data
        self.index = 0
        self.maxindex = len(data)

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)

    def __reduce__(self):
        return (ResultIterable, (self.data,))

    def __repr__(self):
        return "<pyspark.resultiterable.ResultIterable object (%d values)>" % len(self.data)
