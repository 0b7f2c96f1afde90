# ...equal one thread reading the same tweets gzip'd from stdin, and the in-process generator.
$EDDY gen tweets --count 100000 --rate 20 --seed 11 | gzip -1 > t.jsonl.gz
a=$($EDDY run $ROOT/examples/trending-hashtags.yaml --set input=- --set window=600s < t.jsonl.gz 2>/dev/null | md5sum)
b=$($EDDY run $ROOT/examples/trending-hashtags.yaml --set 'input=gen:tweets?count=100000&rate=20&seed=11' --set window=600s 2>/dev/null | md5sum)
[ "$a" = "$b" ] && echo "$a"
