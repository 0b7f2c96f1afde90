"""Broadcast variables: a read-only value shared with every task. Eddy's tasks are forked from
the driver, so they see the value without shipping it."""

__all__ = ["Broadcast"]

_next_id = [0]


class Broadcast(object):
    def __init__(self, sc=None, value=None):
        _next_id[0] += 1
        self._id = _next_id[0]
        self._value = value
        self._destroyed = False

    @property
    def id(self):
        return self._id

    @property
    def value(self):
        if self._destroyed:
            raise Exception("Attempted to use broadcast variable %d after it was destroyed"
                            % self._id)
        return self._value

    def unpersist(self, blocking=False):
        """Nothing to free: forked tasks share the driver's value. Still usable afterwards."""

    def destroy(self, blocking=False):
        self._destroyed = True
        self._value = None

    def __reduce__(self):
        raise Exception("Broadcast can only be serialized in driver")

    def __repr__(self):
        return "<pyspark.broadcast.Broadcast object id=%d>" % self._id
