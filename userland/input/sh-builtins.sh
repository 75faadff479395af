# Builtins: cd pwd export unset set shift read eval . exec test [ : exit.
mkdir -p sub/deeper
cd sub
pwd | grep -c '/sub$'
cd deeper && echo "in deeper" > mark
cd ../..
cat sub/deeper/mark
cd nodir 2>&1; echo "cd status $?"
HOME=sub; cd; pwd | grep -c '/sub$'; cd ..
cd sub; cd - | grep -c -v '/sub$'; cd ..
unset HOME; cd 2>&1; echo "status $?"
FOO=exported; export FOO
sh -c 'echo "child sees FOO=$FOO"'
BAR=plain
sh -c 'echo "child sees BAR=[$BAR]"'
export BAZ=direct; sh -c 'echo "child sees BAZ=$BAZ"'
ONCE=temporary sh -c 'echo "child sees ONCE=$ONCE"'; echo "shell sees ONCE=[$ONCE]"
export -p | grep -c 'export FOO='
export 1bad 2>&1; echo "status $?"
unset FOO; sh -c 'echo "after unset FOO=[$FOO]"'
set -- x y z; echo "$# $*"
shift 2; echo "$# $*"
shift 5 2>&1; echo "status $?"
set -- ; echo "cleared $#"
echo 'word1 word2 the rest of it' > line
read a b c < line; echo "a=$a b=$b c=$c"
read only < line; echo "only=$only"
read < line; echo "REPLY=$REPLY"
echo 'back\slash' > bs; read v < bs; echo "plain read: $v"; read -r v < bs; echo "read -r: $v"
read v 2>&1 < empty_missing; echo "status $?"
: > empty; read v < empty; echo "read at end: status $?"
cmd='echo evaluated $((2 + 3))'; eval "$cmd"
eval 'ev=1; echo "eval sets ev=$ev"'; echo "ev=$ev"
echo 'echo "sourced with $# args"; sourced=yes' > lib.sh
. ./lib.sh; echo "sourced=$sourced"
test 1 -eq 1 && echo "test -eq"
test abc = abc && echo "test ="
test abc != abd && echo "test !="
[ 3 -lt 10 ] && echo "[ -lt ]"
[ 10 -le 10 ] && [ 11 -gt 10 ] && [ 11 -ge 11 ] && [ 1 -ne 2 ] && echo "[ numeric ]"
[ -n nonempty ] && [ -z "" ] && [ x ] && [ ! "" ] && echo "[ strings ]"
[ -d sub ] && [ -f line ] && [ -e line ] && [ ! -e nothing ] && [ -s line ] && [ ! -s empty ] && echo "[ files ]"
[ 1 -eq 1 -a 2 -eq 2 ] && [ 1 -eq 2 -o 2 -eq 2 ] && [ \( 1 -eq 1 \) ] && echo "[ -a -o ( ) ]"
[ abc \< abd ] && echo "[ < ]"
[ 1 -eq x ] 2>&1; echo "status $?"
[ 1 -eq 1 2>&1; echo "status $?"
test; echo "empty test $?"
:; echo ": status $?"
(exec echo "exec replaces the subshell"; echo never)
(exit 3); echo "exit status $?"
sh -c 'exit 300'; echo "exit 300 -> $?"
sh -c 'exit abc' 2>&1; echo "status $?"
sh -c 'false; exit'; echo "exit with last status $?"
