python3 $ROOT/bench/transform/reference.py $ROOT/examples/data/emrdata.txt
