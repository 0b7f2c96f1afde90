#!/usr/bin/env bash
# The transform with GNU sort and awk: a stable numeric sort on the key (input order kept within
# a key), then awk printing one JSON object per key as json.dumps writes it. No JSON escaping:
# valid for the benchmark's data (plain ASCII words), not for arbitrary text.
# usage: sort_awk_peer.sh INPUT OUT
set -euo pipefail
LC_ALL=C sort -t: -k1,1n -s "$1" | LC_ALL=C awk -F'::' '
  {
    k = $1 + 0
    v = "[\"" $2 "\""
    for (i = 3; i <= NF; i++) v = v ", \"" $i "\""
    v = v "]"
    if (NR > 1 && k == prev) { printf ", %s", v }
    else { if (NR > 1) printf "]}\n"; printf "{\"%d\": [%s", k, v; prev = k }
  }
  END { if (NR > 0) printf "]}\n" }' > "$2"
