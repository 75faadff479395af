# echo: plain words, -n, -e escapes, -E, arguments that are not options.
echo hello world
echo
echo -n no newline; echo ' <- here'
echo -e 'tab\there' 'new\nline'
echo -e 'octal \0101\0102 \101 hex \x41\x4a \\ backslash'
echo -e 'bell-free: \q stays, stop here\c and not this'
echo -E 'raw \t stays'
echo -neE 'last wins: \t' ; echo '|'
echo -x -n stays
echo -- dashes
echo - single
echo -en 'a\nb\n'
echo "  spaced   words  "
echo $?
