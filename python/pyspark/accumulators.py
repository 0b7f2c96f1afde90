"""Accumulators: write-only shared variables that tasks add to and the driver reads.

In a forked worker each accumulator starts from its param's zero; the worker's value is sent
back with the partition's result and added into the driver's value (addInPlace), as Spark's
executors send their partial values. Reading ``.value`` inside a task raises, as in PySpark.
"""
import threading

__all__ = ["Accumulator", "AccumulatorParam", "INT_ACCUMULATOR_PARAM",
           "FLOAT_ACCUMULATOR_PARAM", "COMPLEX_ACCUMULATOR_PARAM"]

_registry = {}
_lock = threading.Lock()
_next_id = [0]


class AccumulatorParam(object):
    """How values of an accumulator's type start (zero) and combine (addInPlace)."""

    def zero(self, value):
        raise NotImplementedError

    def addInPlace(self, value1, value2):
        raise NotImplementedError


class AddingAccumulatorParam(AccumulatorParam):
    def __init__(self, zero_value):
        self.zero_value = zero_value

    def zero(self, value):
        return self.zero_value

    def addInPlace(self, value1, value2):
        value1 += value2
        return value1


INT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0)
FLOAT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0)
COMPLEX_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0j)


class Accumulator(object):
    def __init__(self, aid, value, accum_param):
        self.aid = aid
        self._value = value
        self.accum_param = accum_param
        self._deserialized = False

    @property
    def value(self):
        from . import _parallel
        if _parallel.in_task():
            raise Exception("Accumulator.value cannot be accessed inside tasks")
        return self._value

    @value.setter
    def value(self, value):
        from . import _parallel
        if _parallel.in_task():
            raise Exception("Accumulator.value cannot be accessed inside tasks")
        self._value = value

    def add(self, term):
        self._value = self.accum_param.addInPlace(self._value, term)

    def __iadd__(self, term):
        self.add(term)
        return self

    def __str__(self):
        return str(self._value)

    def __repr__(self):
        return "Accumulator<id=%i, value=%s>" % (self.aid, self._value)


def _new(value, accum_param=None):
    if accum_param is None:
        if isinstance(value, bool):
            accum_param = INT_ACCUMULATOR_PARAM
        elif isinstance(value, int):
            accum_param = INT_ACCUMULATOR_PARAM
        elif isinstance(value, float):
            accum_param = FLOAT_ACCUMULATOR_PARAM
        elif isinstance(value, complex):
            accum_param = COMPLEX_ACCUMULATOR_PARAM
        else:
            raise TypeError("No default accumulator param for type %s" % type(value))
    with _lock:
        _next_id[0] += 1
        acc = Accumulator(_next_id[0], value, accum_param)
        _registry[acc.aid] = acc
    return acc


def _start_task():
    """In a forked worker: every accumulator restarts from zero."""
    for acc in list(_registry.values()):
        acc._value = acc.accum_param.zero(acc._value)


def _task_updates():
    """In a forked worker: {id: partial value} of every accumulator (an untouched one is its
    zero, which adds nothing)."""
    return {aid: acc._value for aid, acc in _registry.items()}


def _merge_updates(updates):
    if not updates:
        return
    for aid, v in updates.items():
        acc = _registry.get(aid)
        if acc is not None:
            acc._value = acc.accum_param.addInPlace(acc._value, v)
