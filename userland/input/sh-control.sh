# Compound commands: if/elif/else, while, until, for, case, break, continue,
# { } groups, ( ) subshells, redirections on compound commands.
if true; then echo "if: then"; fi
if false; then echo never; else echo "if: else"; fi
if false; then echo never; elif true; then echo "if: elif"; else echo never; fi
if grep -q 5 <<EOF
1 5 9
EOF
then echo "if on a program's status"; fi
i=0
while [ $i -lt 3 ]; do echo "while $i"; i=$((i + 1)); done
until [ $i -eq 0 ]; do echo "until $i"; i=$((i - 1)); done
for w in alpha beta gamma; do echo "for $w"; done
for n in $(seq 1 3); do echo "for seq $n"; done
for k in 1 2 3 4 5 6; do
  if [ $k = 2 ]; then continue; fi
  if [ $k = 5 ]; then break; fi
  echo "k=$k"
done
for a in 1 2 3; do
  for b in x y z; do
    if [ $b = y ]; then continue 2; fi
    if [ $a = 3 ]; then break 2; fi
    echo "$a$b"
  done
done
echo "loop status $?"
for f in one two; do echo "$f"; done > loop-out; cat loop-out
while read n; do echo "sum part $n"; done < loop-out
for x in a b; do echo $x; done | sort -r
for word in hello.c notes.txt Makefile x; do
  case $word in
    *.c|*.h) echo "$word: C source";;
    *.txt) echo "$word: text";;
    [A-Z]*) echo "$word: capitalised";;
    *) echo "$word: other";;
  esac
done
case "two words" in "two words") echo "quoted pattern";; esac
case x in y) echo never;; esac; echo "no match status $?"
v=abc; case $v in (a*) echo "paren pattern";; esac
{ echo "group 1"; echo "group 2"; } | wc -l
{ echo "group to file"; } > grp; cat grp
(x=inner; echo "subshell $x")
x=outer; (x=inner); echo "after subshell x=$x"
(exit 6); echo "subshell status $?"
if (exit 1); then echo never; else echo "subshell as condition"; fi
n=0; while true; do n=$((n + 1)); if [ $n -ge 4 ]; then break; fi; done; echo "n=$n"
for i in 1 2 3; do :; done; echo "last i=$i"
set -- p q r
for a; do shift; echo "for over the parameters: $a, $# left"; done
