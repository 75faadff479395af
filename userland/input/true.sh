# true: exit status 0, whatever the arguments.
true; echo "true $?"
true --help extra; echo "true with arguments $?"
true | true; echo "pipeline $?"
false | true; echo "pipeline ending in true $?"
if true; then echo "if true"; fi
while true; do echo "while true, once"; break; done
true && echo "and"
