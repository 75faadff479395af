# grep: fixed strings, basic and extended regular expressions, options, several files, errors.
echo -e 'alpha beta\nGamma delta\nepsilon\n\nalphabet soup\nBETA' > g
seq 1 30 > n
grep alpha g
grep -v alpha g
grep -c alpha g
grep -i beta g
grep -n a g
grep -x epsilon g
grep -x eps g; echo "status $?"
grep '^alpha' g
grep 'a$' g
grep 'p.*o' g
grep -E 'del|soup' g
grep -E '^(al|ep)' g
grep 'al\(pha\)' g
grep -F 'a.b' g; echo "status $?"
grep -e Gamma -e epsilon g
grep -c '' g
grep -vc x g
grep -l alpha g n
grep -c 1 g n
grep -h 2 n g
grep -H soup g
grep -n 3 n
grep -q epsilon g; echo "q status $?"
grep -q nothing g; echo "q status $?"
grep nothing g; echo "status $?"
grep -ic BETA g
seq 1 100 | grep -c 7
seq 1 100 | grep 9 - n
grep alpha nofile g 2>&1; echo "status $?"
grep -s alpha nofile g; echo "status $?"
grep 2>&1; echo "status $?"
grep -E 'a(' g 2>&1 | grep -c .; echo "bad regex"
