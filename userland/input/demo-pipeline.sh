# The crash demo's workload: four processes streaming through three pipes.
# seq writes 100000 numbers, grep keeps those with a 7, sort reverses them,
# wc counts lines, words and bytes; one line of output that any lost or
# repeated byte would change.
seq 1 100000 | grep 7 | sort -r | wc -l -w -c
