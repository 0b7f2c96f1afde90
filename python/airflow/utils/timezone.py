"""airflow.utils.timezone: utc and Airflow's helpers for aware datetimes (naive ones are UTC, as
in Airflow's default configuration)."""
import datetime as _dt

utc = _dt.timezone.utc


def datetime(*args, **kwargs):
    """datetime.datetime, in UTC unless a tzinfo is given."""
    kwargs.setdefault("tzinfo", utc)
    return _dt.datetime(*args, **kwargs)


def utcnow():
    return _dt.datetime.now(utc)


def is_localized(value):
    return value.utcoffset() is not None


def is_naive(value):
    return value.utcoffset() is None


def make_aware(value, timezone=None):
    if is_localized(value):
        raise ValueError("make_aware expects a naive datetime, got %s" % value)
    return value.replace(tzinfo=timezone or utc)


def make_naive(value, timezone=None):
    if is_naive(value):
        raise ValueError("make_naive() cannot be applied to a naive datetime")
    return value.astimezone(timezone or utc).replace(tzinfo=None)


def convert_to_utc(value):
    if value is None:
        return None
    return (make_aware(value) if is_naive(value) else value).astimezone(utc)


def parse(string, timezone=None):
    """An ISO 8601 date or time; naive: in timezone (UTC)."""
    value = _dt.datetime.fromisoformat(string.replace("Z", "+00:00"))
    return make_aware(value, timezone) if is_naive(value) else value
