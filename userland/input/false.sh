# false: exit status 1, whatever the arguments.
false; echo "false $?"
false x y; echo "false with arguments $?"
true | false; echo "pipeline ending in false $?"
if false; then echo never; else echo "if false"; fi
while false; do echo never; done; echo "while false: never ran"
false || echo "or"
! false && echo "negated"
