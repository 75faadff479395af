# Redirections: < > >> >| <> N>&M N<&M N>&- 2>&1 ordering, here-documents.
echo first > f
echo second >> f
cat < f
cat f > g; cat g
echo clobber >| g; cat g
< f cat
echo before-file > h; > h; echo "emptied: $(wc -c < h)"
{ echo out; echo err >&2; } > both 2>&1; cat both
{ echo out; echo err >&2; } 2>&1 > only-out | cat; echo "---"; cat only-out
echo to-three 3> three >&3; cat three
exec 4> four
echo via-four >&4
echo more-via-four >&4
exec 4>&-
cat four
exec 5< f
read line <&5; echo "read 1: $line"
read line <&5; echo "read 2: $line"
exec 5<&-
echo x 2>&1 >&4; echo "closed fd status $?"
cat 2>&1 < missing; echo "status $?"
echo x 2>&1 > nodir/file; echo "status $?"
echo rdwr <> rw; cat rw
cat nofile 2> errfile; echo "status $?"; cat errfile
grep -c x - < f 2>&1 1>count; cat count
var=here
cat <<EOF
here-document with $var and $(echo substitution)
  indentation kept, \$ escaped, \\ backslash
EOF
cat <<'EOF'
quoted delimiter: $var `not run` \$ kept
EOF
cat <<-EOF
	leading tabs removed
		all of them
	EOF
cat <<A; cat <<B
from A
A
from B
B
while read a b; do echo "$b $a"; done <<EOF
1 one
2 two
EOF
seq 1 2000 > big; cat <<EOF | wc -l
$(cat big)
EOF
