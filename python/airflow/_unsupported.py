"""The airflow modules and names Eddy's package does not provide: a meta path finder, last on
sys.meta_path, turns an import of any other airflow.* module into an ImportError that names it
(not a ModuleNotFoundError, so that `from airflow.models import Variable` names Variable too)."""
import sys

SUPPORTED = ("supported operators: BashOperator, PythonOperator, EmptyOperator/DummyOperator, "
             "ExternalTaskSensor")


class Unsupported(ImportError):
    """An airflow module or name that Eddy's airflow package does not provide."""


def unsupported(name):
    return Unsupported("%s is not supported by Eddy's airflow package (%s)" % (name, SUPPORTED),
                       name=name)


class UnsupportedFinder(object):
    """Consulted only after the ordinary finders found no such module in the package."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("airflow."):
            raise unsupported(fullname)
        return None

    def invalidate_caches(self):
        pass


def install():
    if not any(isinstance(f, UnsupportedFinder) for f in sys.meta_path):
        sys.meta_path.append(UnsupportedFinder())
