"""airflow.utils.dates: days_ago, and Airflow's cron presets."""
import datetime as _dt

cron_presets = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@quarterly": "0 0 1 */3 *",
    "@yearly": "0 0 1 1 *",
}


def days_ago(n, hour=0, minute=0, second=0, microsecond=0):
    """Midnight (or the given time) of n days before today, in UTC."""
    today = _dt.datetime.now(_dt.timezone.utc).replace(
        hour=hour, minute=minute, second=second, microsecond=microsecond)
    return today - _dt.timedelta(days=n)
