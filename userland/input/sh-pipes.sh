# Pipelines: lengths one to eight, exit status of the last command, !, data
# streaming through several processes, builtins inside a pipeline.
echo one | cat
echo two | cat | cat
seq 1 10 | grep 1 | sort -r | wc -l
seq 1 1000 | grep 7 | sort -rn | head -n 5
seq 1 200 | cat | cat | cat | cat | cat | cat | wc -l
seq 1 5 | sort -r | tee copy | head -n 2
cat copy
false | true; echo "status $?"
true | false; echo "status $?"
seq 1 3 | false; echo "status $?"
! true | false; echo "negated $?"
! false; echo "negated $?"
seq 1 20000 | sort -n | no_such_program 2>&1; echo "status $?"
seq 1 100000 | head -n 2; echo "head stopped early, status $?"
seq 1 50000 | grep 9 | grep 1 | wc -l
echo pipe-in-group | { read line; echo "read: $line"; }
seq 1 3 | while read n; do echo "item $n"; done
x=outside
echo changed | read x; echo "x is still $x"
echo abc | (cat; echo " from a subshell")
seq 1 4 | { sort -r; echo end; } | cat -n
echo end-of-line-continuation |
  cat |
  wc -c
