#!/usr/bin/env python3
"""Writes the many-keys data set of bench/hashtags/run: tweets (Twitter API v1.1 JSON lines,
only the fields the trending-hashtags job reads plus entities.hashtags) whose 30-minute window
holds about a million distinct hashtags, to measure eddy's per-slide emit latency.

Deterministic (--seed). Each tweet is English and carries one hashtag from a Zipf-ish head
(--head tags, weight 1/rank) and --tail hashtags from a pool of --pool tags (default 1,000,000).
The tail walks the pool in a freshly shuffled order every --cycle seconds of event time (default
600 s), so every pool tag appears once per cycle: after the first cycle each 1800 s window holds
the whole pool plus the head, i.e. ~1M keys, for the remaining slides (~3/4 of them with the
default 2400 s of event time). Tags are ASCII letters and digits separated by spaces, so the
twitter and naive hashtag modes produce the same keys.

usage: make_many_keys.py OUT [--seed 7] [--pool 1000000] [--head 1000] [--tail 4]
                             [--seconds 2400] [--cycle 600] [--start 1700000000]
"""
import argparse
import json
import os
import random
from datetime import datetime, timezone

WORDS = ("the a of to and in is it you that was for on are with as I his they be at one "
         "have this from or had by word but what some we can out other were all there when up "
         "use your how said an each she which do their time if will way about many then them "
         "write would like so these her long make thing see him two has look more day could go "
         "come did number sound no most people my over know water than call first who may down "
         "side been now find").split()
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n):
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = DIGITS[r] + s
        if n == 0:
            return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pool", type=int, default=1_000_000)
    ap.add_argument("--head", type=int, default=1000)
    ap.add_argument("--tail", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=2400)
    ap.add_argument("--cycle", type=int, default=600)
    ap.add_argument("--start", type=int, default=1_700_000_000)  # 2023-11-14, Unix seconds
    args = ap.parse_args()
    rng = random.Random(args.seed)

    pool = [f"#k{b36(i)}" for i in range(args.pool)]             # never all digits
    head = [f"#Trend{b36(i)}" for i in range(args.head)]
    head_cum, acc = [], 0.0
    for r in range(1, args.head + 1):
        acc += 1.0 / r
        head_cum.append(acc)

    tweets_per_cycle = -(-args.pool // args.tail)                 # ceil
    cycles = -(-args.seconds // args.cycle)
    total = tweets_per_cycle * cycles
    step_ms = args.cycle * 1000 / tweets_per_cycle                 # event time between tweets
    start_ms = args.start * 1000

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        order = []
        for i in range(total):
            if not order:
                order = pool[:]
                rng.shuffle(order)
            tags = [rng.choices(head, cum_weights=head_cum)[0]]
            for _ in range(args.tail):
                tags.append(order.pop() if order else rng.choice(pool))
            words = rng.sample(WORDS, 6)
            parts, hashtags, pos = [], [], 0
            for j, w in enumerate(words):
                parts.append(w)
                if j < len(tags):
                    parts.append(tags[j])
            text = " ".join(parts)
            for t in tags:                                        # indices in code points
                pos = text.index(t, pos)
                hashtags.append({"text": t[1:], "indices": [pos, pos + len(t)]})
                pos += len(t)
            ms = start_ms + int(i * step_ms)
            created = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
            tid = 1_000_000_000_000_000_000 + i
            out.write(json.dumps({
                "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "id": tid, "id_str": str(tid), "text": text,
                "user": {"id": 1000 + i % 50000, "screen_name": f"user{i % 50000}"},
                "entities": {"hashtags": hashtags, "user_mentions": [], "urls": []},
                "lang": "en", "timestamp_ms": str(ms)}, separators=(",", ":")) + "\n")
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
