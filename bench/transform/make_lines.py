#!/usr/bin/env python3
"""Deterministic benchmark input for the transform: `id::word::word` lines.

    make_lines.py OUT --lines 10000000 [--ids 1000000] [--seed 42]

ids are uniform in 1..IDS (so ~IDS distinct keys), words from a fixed 64-word list: about 22
bytes a line (10,000,000 lines ~ 220 MB). Same arguments, same bytes (an LCG, not `random`).
"""
import argparse

WORDS = ("apple river stone cloud maple tiger ocean ember lunar cedar amber delta falcon harbor "
         "iris jade koala lotus meadow nova orchid pine quartz raven sage tulip umber violet "
         "willow yarrow zephyr acorn birch comet dune fern glacier heron island juniper kestrel "
         "lagoon mesa nectar olive pebble quill reef summit thistle upland vale wren xenon yew "
         "zinnia basalt canyon dawn estuary fjord grove").split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--lines', type=int, default=10_000_000)
    ap.add_argument('--ids', type=int, default=1_000_000)
    ap.add_argument('--seed', type=int, default=42)
    a = ap.parse_args()
    state = a.seed & 0xFFFFFFFFFFFFFFFF
    nw = len(WORDS)
    with open(a.out, 'w', encoding='ascii', newline='\n') as f:
        batch = []
        for _ in range(a.lines):
            state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
            r = state >> 16
            batch.append('%d::%s::%s\n' % (r % a.ids + 1, WORDS[(r >> 20) % nw], WORDS[(r >> 26) % nw]))
            if len(batch) == 100000:
                f.write(''.join(batch))
                batch.clear()
        f.write(''.join(batch))


if __name__ == '__main__':
    main()
