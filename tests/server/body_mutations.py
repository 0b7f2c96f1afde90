"""Mutated request bodies for every API's POST routes (issue 19: fuzzing of the JSON bodies of
each API), sent to a real `eddy serve`: structure-aware mutations of valid bodies — values
replaced by other types, huge or negative numbers, deep nesting, long or odd strings, keys
dropped, duplicated or renamed — plus byte-level damage. Used by hostile_input.py; seeded, so
a failure names a body that reproduces."""
import json
import random

HUGE = [2 ** 63, -2 ** 63 - 1, 10 ** 30, 1e308, -1e-308, 0, -1, 2 ** 31]
ODD_STRINGS = ["", " ", "x" * 70000, "\u202e\u0000"[:1], "../../etc/passwd", "s3://", "builtin:",
               "é\U0001F600", "${HOME}", "'; DROP TABLE r; --", "\n\r\t", "%00", "{{ ds }}",
               "a" * 64, "A-B", "-leading", "1e400"]


def random_value(rng, depth=0):
    pick = rng.randrange(8 if depth < 3 else 5)
    if pick == 0:
        return rng.choice(HUGE)
    if pick == 1:
        return rng.choice(ODD_STRINGS)
    if pick == 2:
        return rng.choice([None, True, False])
    if pick == 3:
        return rng.random() * 10 ** rng.randrange(-5, 20)
    if pick == 4:
        return "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(12)))
    if pick == 5:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if pick == 6:
        return {rng.choice(["name", "spec", "kind", "conf", "x"]): random_value(rng, depth + 1)
                for _ in range(rng.randrange(4))}
    return [[[[[[[[[[]]]]]]]]]]


def paths(v, prefix=()):
    yield prefix
    if isinstance(v, dict):
        for k, item in v.items():
            yield from paths(item, prefix + (k,))
    elif isinstance(v, list):
        for i, item in enumerate(v):
            yield from paths(item, prefix + (i,))


def mutate(seed_body, rng):
    body = json.loads(json.dumps(seed_body))
    for _ in range(rng.randrange(1, 4)):
        where = rng.choice(list(paths(body)))
        if not where:
            if rng.random() < 0.2:
                body = random_value(rng)
            continue
        parent = body
        try:
            for step in where[:-1]:
                parent = parent[step]
            key = where[-1]
            op = rng.randrange(4)
            if op == 0 and isinstance(parent, dict):
                del parent[key]
            elif op == 1 and isinstance(parent, dict):
                parent[str(key) + rng.choice(["", "_", "X"])] = random_value(rng)
            else:
                parent[key] = random_value(rng)
        except (KeyError, IndexError, TypeError):
            pass
    text = json.dumps(body)
    if rng.random() < 0.15 and text:  # byte-level damage
        i = rng.randrange(len(text))
        text = text[:i] + rng.choice(["", "\\", "\"", "}", "\\ud800", "\x7f", "1e400"]) + text[i + 1:]
    return text
