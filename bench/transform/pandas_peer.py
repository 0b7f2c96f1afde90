#!/usr/bin/env python3
"""The transform in pandas (run with Debian's /usr/bin/python3, which has python3-pandas):
read → key by int(first field) → stable sort → group → json.dumps per key, the same bytes as
Eddy's part-00000.

    pandas_peer.py INPUT OUT

Reading uses the fast C parser with sep=':' (the `::` delimiter leaves empty columns 1 and 3),
which is valid for the benchmark's data (words without ':'); read_csv(sep='::') would need the
much slower python engine. Values keep input order within a key (kind='stable').
"""
import csv
import json
import sys

import numpy as np
import pandas as pd


def main():
    src, dst = sys.argv[1], sys.argv[2]
    df = pd.read_csv(src, sep=':', header=None, usecols=[0, 2, 4], names=['k', 'x', 'a', 'y', 'b'],
                     dtype={'k': np.int64, 'a': str, 'b': str}, quoting=csv.QUOTE_NONE,
                     keep_default_na=False, na_filter=False, engine='c')
    df = df.sort_values('k', kind='stable')
    keys = df['k'].to_numpy()
    a = df['a'].tolist()
    b = df['b'].tolist()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]).tolist()
    starts.append(len(keys))
    dumps = json.dumps
    with open(dst, 'w', encoding='ascii', newline='\n') as out:
        buf = []
        for i in range(len(starts) - 1):
            s, e = starts[i], starts[i + 1]
            buf.append(dumps({int(keys[s]): [[a[j], b[j]] for j in range(s, e)]}))
            if len(buf) >= 10000:
                out.write('\n'.join(buf))
                out.write('\n')
                buf.clear()
        if buf:
            out.write('\n'.join(buf))
            out.write('\n')


if __name__ == '__main__':
    main()
