# sort: bytes, -r -n -u -f, their combinations, several inputs, -o, errors.
for w in pear Apple banana apple 10 9 -3 ' 2' 2 1.5 -0 0 '' b; do echo "$w"; done > words
echo '--- default'; sort words
echo '--- -r'; sort -r words
echo '--- -n'; sort -n words
echo '--- -nr'; sort -n -r words
echo '--- -u'; sort -u words
echo '--- -nu'; sort -nu words
echo '--- -f'; sort -f words
echo '--- -fu'; sort -f -u words
echo '--- -fr'; sort -fr words
echo '--- stdin'; seq 1 12 | sort
echo '--- stdin -n'; seq 1 12 | sort -n -r
echo '--- two files'; echo zz > z; sort z words z
echo '--- no final newline'; echo -n -e 'b\na' | sort
echo '--- -o'; sort -o words words; head -n 3 words
sort nofile 2>&1
echo "status $?"
sort -Q 2>&1
echo "status $?"
seq 1 30000 | sort -r | head -n 3
seq 1 30000 | sort -rn | head -n 3
