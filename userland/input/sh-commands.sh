# Running programs: PATH search, not found (127), not executable (126), a file
# without #! run as a script, sh -c with arguments, sh FILE, environment.
echo "found on PATH"
no_such_command 2>&1; echo "status $?"
./no_such_file 2>&1; echo "status $?"
echo 'echo "script says $# args: $*"' > script
sh script a b
sh -c 'echo "0=$0 1=$1 2=$2 #=$#"' name one two
sh -c 'echo "default 0=$0"' | grep -c 'default 0=sh'
echo 'echo piped script' | sh
sh -c 'sh -c "echo nested twice"'
sh nofile 2>&1; echo "status $?"
mkdir adir
./adir 2>&1; echo "status $?"
(PATH=/nowhere; cat line 2>&1); echo "status $?"
GREETING=hi sh -c 'echo "$GREETING from the environment"'
sh -c 'echo "$$" | grep -c "^[0-9][0-9]*$"'
sh -c 'exit 7'; echo "status $?"
sh -c 'kill_not_here' 2>&1; echo "status $?"
seq 1 3 | sh -c 'cat; echo "and sh -c read stdin"'
sh -c 'cd /; echo changed' ; echo "parent unaffected"
