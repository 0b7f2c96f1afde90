#!/usr/bin/env python3
"""Reference implementation of the article's transform, in plain Python 3 (no pandas).

    reference.py INPUT... > part-00000     [--bad-lines fail|skip]

Reads text lines (a '\\r' before '\\n' is dropped; bytes decoded as UTF-8 with errors='replace',
as Spark's textFile sees them), splits each on '::', keys it by int(first field), groups the
remaining fields per key in input order, sorts keys as integers and prints one
json.dumps({key: [fields, ...]}) per key: the bytes Eddy's part-00000 must hold with
partitions=1. Keys: optional blanks, optional sign, ASCII digits, within int64 (Eddy's rule; a
strict subset of what Python's int() accepts). A bad line exits 3 naming FILE:LINE (fail) or is
skipped and counted on stderr (skip).
"""
import gzip
import json
import re
import sys

KEY = re.compile(r'[ \t]*[+-]?[0-9]+[ \t]*\Z')
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def lines_of(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    parts = data.split(b'\n')
    if parts and parts[-1] == b'':
        parts.pop()
    for raw in parts:
        if raw.endswith(b'\r'):
            raw = raw[:-1]
        yield raw.decode('utf-8', errors='replace')


def main(argv):
    policy = 'fail'
    paths = []
    i = 0
    while i < len(argv):
        if argv[i] == '--bad-lines':
            policy = argv[i + 1]
            i += 2
        else:
            paths.append(argv[i])
            i += 1
    groups = {}
    skipped = 0
    for path in paths:
        for n, line in enumerate(lines_of(path), 1):
            x = line.split('::')
            key = None
            if len(x) > 1 and KEY.match(x[0]):
                key = int(x[0])
                if not INT64_MIN <= key <= INT64_MAX:
                    key = None
            if key is None:
                if policy == 'fail':
                    sys.stderr.write('%s:%d: bad line %r\n' % (path, n, line))
                    return 3
                skipped += 1
                continue
            groups.setdefault(key, []).append(x[1:])
    out = sys.stdout
    for key in sorted(groups):
        out.write(json.dumps({key: groups[key]}))
        out.write('\n')
    if skipped:
        sys.stderr.write('skipped %d bad lines\n' % skipped)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
