# head: lines, bytes, all-but-the-last, headers, several files, errors; stops early.
seq 1 30 > n
echo -n -e 'a\nb\nc' > short
head n
head -n 3 n
head -3 n
head -n 0 n; echo "zero lines"
head -c 12 n
head -n -25 n
head -c -75 n
head -n 2 n short
head -q -n 1 n short
head -v -n 1 short
head -n 5 short
head -n -1 short
seq 1 10 | head -n 2
seq 1 100000 | head -n 3
{ head -n 2; echo '-- the rest:'; cat; } < short
head -n 2 nofile n 2>&1; echo "status $?"
head -n x n 2>&1; echo "status $?"
