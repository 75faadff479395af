# A script read from standard input shares it with its commands: the shell reads
# no further than the command it runs, so a command reads the lines after it.
echo "the next line is read by read, not run:"
read line
this line is data
echo "read got: $line"
head -n 2
not a command 1
not a command 2
echo "head took two lines; cat takes the rest:"
cat
echo this is printed by cat, not run
exit 9
