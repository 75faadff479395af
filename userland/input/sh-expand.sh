# Expansions: parameters, ${...} forms, positional parameters, command
# substitution, arithmetic, field splitting, pathname expansion, tilde.
name=world
echo "hello $name" "hello ${name}!" $name$name
echo "unset: [$nothing] [${nothing}]"
echo "${nothing:-default}" "${nothing-dash}" "[${nothing:+plus}]" "${name:+plus}"
empty=
echo "[${empty:-colon-dash}] [${empty-dash}] [${empty:+x}] [${empty+set}]"
echo "${assigned:=now}" "$assigned"
f=path/to/archive.tar.gz
echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*} ${#f}
echo ${f#nomatch} ${f%"tar.gz"}
echo "${nothing:-$name and more}"
echo "${nothing:-"quoted  inside"}" "${nothing:-'single quotes stay'}" ${nothing:-"unquoted  word"}
(echo ${nothing:?custom message}) 2>&1; echo "status $?"
(echo ${nothing?}) 2>&1
set -- one "two words" three
echo "count $#: $1 | $2 | $3 | [$4]"
for a in "$@"; do echo "quoted @: <$a>"; done
for a in $@; do echo "unquoted @: <$a>"; done
for a in "$*"; do echo "quoted *: <$a>"; done
shift
echo "after shift: $# $1"
set -- a b c d e f g h i j k
echo "tenth: ${10} ${11} $10"
set --
for a in "$@"; do echo never; done
echo "none: $#"
echo "$(echo command substitution)" `echo backquotes`
echo "nested: $(echo "a $(echo b) c")"
lines=$(seq 1 3)
echo "$lines"
echo $lines
echo "trailing newlines removed: [$(echo x; echo; echo)]"
count=$(seq 1 50 | grep 5 | wc -l)
echo "count=$count"
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((17 / 5)) $((17 % 5)) $((-17 / 5))
echo $((1 << 10)) $((255 & 15)) $((8 | 3)) $((6 ^ 3)) $((~0)) $((!0)) $((!5))
echo $((3 > 2)) $((3 < 2)) $((2 >= 2)) $((2 <= 1)) $((4 == 4)) $((4 != 4))
echo $((1 && 0)) $((1 || 0)) $((0 ? 10 : 20)) $((0x10)) $((010))
i=5
echo $((i * 2)) $((i += 3)) $i $((i -= 1)) $((j = 7)) $j
echo $(( $(seq 1 10 | wc -l) * 10 ))
(echo $((1 / 0))) 2>&1; echo "status $?"
IFS=:
list=a:b::c
for p in $list; do echo "field <$p>"; done
unset IFS
spaced='  a   b  '
for p in $spaced; do echo "split <$p>"; done
mkdir dir
echo x > one.txt
echo x > two.txt
echo x > three.log
echo *.txt
echo t*
echo "*.txt" '*.txt' \*.txt
echo no*match
echo ?ne.txt [ot]*.txt d*/
HOME=/home/someone
echo ~ ~/sub "~" a~b
echo "pid is a number: $(( $$ > 0 ))"
