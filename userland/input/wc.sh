# wc: counts and their column widths, several files, standard input, options.
echo 'one two three' > f
echo 'four  five' >> f
echo >> f
echo 'six' >> f
seq 1 1000 > nums
wc f
wc -l f
wc -w f
wc -c f
wc -l -w -c f
wc -lwc f
wc -c -l f
wc -L f
wc -m f
wc f nums
wc -l f nums
wc < f
wc -l < f
cat f | wc
cat f | wc -l
cat f | wc -c -w
wc - < nums
wc f - < nums
wc nofile 2>&1
echo "status $?"
wc f nofile nums 2>&1
echo "status $?"
wc -x 2>&1
echo "status $?"
seq 1 100000 | wc
