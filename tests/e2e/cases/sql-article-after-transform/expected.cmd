# One line per distinct key in ascending order: key 9's number of lines, -1 for the others.
awk -F'::' '{print $1}' $ROOT/examples/data/emrdata.txt | sort -n | uniq -c | awk '{print ($2 == 9 ? $1 : -1)}'
