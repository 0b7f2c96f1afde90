"""airflow.utils.trigger_rule: TriggerRule, the trigger rules Eddy's workflows run (docs/
workflows.md); the old names dummy and none_failed_or_skipped stand for always and
none_failed_min_one_success, as in Airflow 2."""
from enum import Enum


class TriggerRule(str, Enum):
    ALL_SUCCESS = "all_success"
    ALL_FAILED = "all_failed"
    ALL_DONE = "all_done"
    ONE_SUCCESS = "one_success"
    ONE_FAILED = "one_failed"
    NONE_FAILED = "none_failed"
    NONE_FAILED_MIN_ONE_SUCCESS = "none_failed_min_one_success"
    NONE_FAILED_OR_SKIPPED = "none_failed_or_skipped"
    NONE_SKIPPED = "none_skipped"
    ALWAYS = "always"
    DUMMY = "dummy"

    @classmethod
    def is_valid(cls, trigger_rule):
        return trigger_rule in cls.all_triggers()

    @classmethod
    def all_triggers(cls):
        return {t.value for t in cls}

    def __str__(self):
        return self.value


_ALIASES = {"dummy": "always", "none_failed_or_skipped": "none_failed_min_one_success"}


def normalize(trigger_rule):
    """The manifest's name of a trigger rule (a TriggerRule or its string); ValueError if none."""
    value = trigger_rule.value if isinstance(trigger_rule, TriggerRule) else trigger_rule
    if not isinstance(value, str) or not TriggerRule.is_valid(value):
        raise ValueError("trigger_rule %r is not one of %s" % (
            trigger_rule, ", ".join(sorted(TriggerRule.all_triggers() - set(_ALIASES)))))
    return _ALIASES.get(value, value)
