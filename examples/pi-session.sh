#!/usr/bin/env bash
# A Livy pyspark session on `eddy serve` (default 127.0.0.1:8998), driven with curl as any Livy
# client would: create the session, wait until it is idle, run Livy's Pi example, print the
# statement's output, delete the session.   usage: examples/pi-session.sh [LIVY_URL]
set -euo pipefail
url=${1:-http://127.0.0.1:8998}
json() { curl -sf -H 'Content-Type: application/json' "$@"; }
field() { /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
id=$(json -X POST "$url/sessions" -d '{"kind": "pyspark"}' | field '["id"]')
until [ "$(json "$url/sessions/$id/state" | field '["state"]')" = idle ]; do sleep 0.2; done
code='import random
NUM_SAMPLES = 100000
def inside(p):
    x, y = random.random(), random.random()
    return x*x + y*y < 1
count = sc.parallelize(range(0, NUM_SAMPLES)).filter(inside).count()
print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))'
body=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"code": sys.argv[1]}))' "$code")
st=$(json -X POST "$url/sessions/$id/statements" -d "$body" | field '["id"]')
until [ "$(json "$url/sessions/$id/statements/$st" | field '["state"]')" = available ]; do sleep 0.2; done
json "$url/sessions/$id/statements/$st" | field '["output"]["data"]["text/plain"]'
json -X DELETE "$url/sessions/$id" >/dev/null
