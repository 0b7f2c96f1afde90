"""Where in the user's files a DAG, a task or a dependency was created: the frames of the call
stack outside this package, innermost first, as (filename, line). eddy_dag_loader.py reports an
error found after the DAG file ran (a cycle, an unsupported operator) at the line of the DAG
file among them."""
import itertools
import os
import sys

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_order = itertools.count()


def caller_frames():
    out = []
    f = sys._getframe(1)
    while f is not None:
        name = f.f_code.co_filename
        if not os.path.abspath(name).startswith(_PACKAGE):
            out.append((name, f.f_lineno))
        f = f.f_back
    return tuple(out)


def next_order():
    """A number increasing with every dependency set: the latest edge of a cycle closed it."""
    return next(_order)
