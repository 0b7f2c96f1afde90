#!/usr/bin/env python3
"""The trending-hashtags job as a user would write it in plain Python 3: the peer that
bench/hashtags/run measures Eddy against, and an independent check of Eddy's output.

Reproduces the article's job in naive mode (text.split(" "), words starting with "#") with
the window semantics of docs/stream-windows.md: panes of `slide` seconds, a window of
`window` seconds ending at each pane boundary, one Counter per pane, event time from
timestamp_ms (else created_at), zero allowed lateness, top 5 by count then key.

usage: trending_hashtags.py [FILE|-] [--window 1800] [--slide 10] [--top 5]
"""
import argparse
import json
import sys
from collections import Counter, deque
from datetime import datetime


def event_ms(tweet):
    ts = tweet.get("timestamp_ms")
    if ts is not None:
        return int(ts)
    return int(datetime.strptime(tweet["created_at"], "%a %b %d %H:%M:%S %z %Y").timestamp() * 1000)


def java_split_space(text):
    words = text.split(" ")
    while words and words[-1] == "":  # Java's String.split drops trailing empty strings
        words.pop()
    return words


def emit(window, top, out):
    ranked = sorted(window.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))[:top]
    out.write(json.dumps(dict(ranked), ensure_ascii=False) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input", nargs="?", default="-")
    ap.add_argument("--window", type=int, default=1800)
    ap.add_argument("--slide", type=int, default=10)
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args()
    slide_ms = args.slide * 1000
    panes_per_window = args.window // args.slide
    src = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    out = sys.stdout

    panes = {}            # pane index -> Counter
    window = Counter()    # counts over the panes of the current window
    window_end = None     # pane index one past the newest pane of the window
    max_pane = None

    def advance():
        nonlocal window_end
        window.update(panes.get(window_end, {}))
        expired = panes.pop(window_end - panes_per_window, None)
        if expired:
            window.subtract(expired)
            for k in [k for k, v in window.items() if v <= 0]:
                del window[k]
        window_end += 1
        emit(window, args.top, out)

    for line in src:
        try:
            tweet = json.loads(line)
            if tweet.get("lang") != "en":
                continue
            pane = event_ms(tweet) // slide_ms
            text = tweet["text"]
        except (ValueError, KeyError, TypeError):
            continue
        if max_pane is not None and pane < max_pane:
            continue  # late: before the closed boundary (zero allowed lateness)
        if window_end is None:
            window_end = pane
        panes.setdefault(pane, Counter()).update(
            w for w in java_split_space(text) if w.startswith("#"))
        if max_pane is None or pane > max_pane:
            max_pane = pane
            while window_end < max_pane:
                advance()
    if max_pane is not None:
        while window_end < max_pane + 1:
            advance()


if __name__ == "__main__":
    main()
