# seq: LAST, FIRST LAST, FIRST INC LAST, negative and decimal numbers, -s -w, errors.
seq 5
seq 3 7
seq 1 3 20
seq 5 -1 1
seq 10 1; echo "nothing, status $?"
seq -3 -1
seq -s , 5
seq -s ' + ' 1 4
seq -w 8 11
seq -w -5 2 5
seq 0 0.25 1
seq 1 0.5 3
seq -w 1 0.5 10
seq 2 -0.5 1
seq .5 2
seq 1.5
seq 9223372036854775805 9223372036854775807
seq 2>&1; echo "status $?"
seq x 2>&1; echo "status $?"
seq 1 0 3 2>&1; echo "status $?"
seq 1 2 3 4 2>&1; echo "status $?"
seq 100000 | wc -l
