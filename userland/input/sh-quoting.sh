# Quoting: single quotes, double quotes, backslashes, and what each keeps.
x=value
echo 'single: $x "double" \ `cmd` stays'
echo "double: $x 'single' \$x \" \\ \` stays"
echo "double keeps \a and \q"
echo back\ slash\ed \$x \"quote\" \\
echo 'it'\''s' "mixed"'quotes'"$x"
echo "a  b" 'c  d' e\ \ f
echo ""'' "" | wc -c
echo "line one
line two"
echo 'multi
line single'
echo one \
  two \
  three
echo "$x"'$x'\$x
echo '#' "#" not\#comment # a comment
echo a#b
echo "${x}s" "$x"s "$xs"empty
y='  spaced   value  '
echo [$y]
echo "[$y]"
z='*'
echo "$z" '*' \*
echo "tab	inside"
echo "nested \"quotes\" and 'these'"
