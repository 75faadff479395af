# Errors: each bad command runs in its own sh -c so that its message and status
# show; a syntax error ends a non-interactive shell with status 2.
sh -c 'echo a |' 2>&1; echo "status $?"
sh -c 'if true; then echo x' 2>&1; echo "status $?"
sh -c 'echo "unterminated' 2>&1; echo "status $?"
sh -c "echo 'unterminated" 2>&1; echo "status $?"
sh -c 'echo a; fi' 2>&1; echo "status $?"
sh -c 'echo ok; (echo a' 2>&1; echo "status $?"
sh -c 'echo a &&' 2>&1; echo "status $?"
sh -c 'echo a >' 2>&1; echo "status $?"
sh -c 'for 1 in a; do :; done' 2>&1; echo "status $?"
sh -c 'case a in' 2>&1; echo "status $?"
sh -c 'f() { echo function; }' 2>&1; echo "status $?"
sh -c 'echo ${x/a/b}; echo "runs on"' 2>&1; echo "status $?"
sh -c 'echo $((1 +)); echo "runs on"' 2>&1; echo "status $?"
sh -c 'trap "" INT' 2>&1; echo "status $?"
sh -c 'set -o' 2>&1; echo "status $?"
sh -c 'set -e; false; echo never' 2>&1; echo "set -e status $?"
sh -c 'set -e; false || echo "tested failure is fine"; echo on' 2>&1
sh -c 'set -x; x=1; echo "$x"' 2>&1
sh -c 'cat <<END
unterminated here-document' 2>&1; echo "status $?"
sh -y 2>&1; echo "status $?"
sh -c 2>&1; echo "status $?"
echo 'echo first; if; echo never' | sh 2>&1; echo "status $?"
echo "the script goes on"
