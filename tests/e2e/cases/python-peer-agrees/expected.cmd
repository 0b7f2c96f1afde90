python3 $ROOT/bench/peers/trending_hashtags.py t.jsonl
