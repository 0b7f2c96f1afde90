python3 $ROOT/bench/transform/reference.py tricky.txt
