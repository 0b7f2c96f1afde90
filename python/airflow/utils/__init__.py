"""airflow.utils: the helpers DAG files import (dates, trigger_rule, timezone, state, helpers)."""
