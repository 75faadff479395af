# cat: files, standard input, "-", options -n -b -s -E -T -v -A, errors.
echo 'first line' > a
echo 'second line' >> a
echo > b
echo >> b
echo >> b
echo 'after blanks' >> b
echo 'tab	here' >> b
cat a
cat a b
cat < a
echo piped | cat
echo stdin | cat a - a
cat -n a b
cat -b b
cat -s b
cat -n -s b
cat -E a
cat -T b
cat -A b
cat -ns a b a
seq 1 3 | cat -n
cat nofile 2>&1
echo "status $?"
cat a nofile a 2>&1
echo "status $?"
cat -z 2>&1
echo "status $?"
cat . 2>&1
echo "status $?"
seq 1 20000 > big
cat big big | wc -l -c
