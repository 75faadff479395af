# Lists: ; && || and &, exit status $?, wait.
echo a; echo b; echo c
true && echo "and: ran"
false && echo "and: never"
false || echo "or: ran"
true || echo "or: never"
false; echo "status $?"
true; echo "status $?"
false && echo x || echo "and-or: fallback"
true && false || echo "and-or: second failed"
true || false && echo "and-or: left to right"
echo a && { echo b; false; } || echo c
true &&
  echo "newline after &&"
false ||
  echo "newline after ||"
sleep 0.2 && echo background-done > bgfile &
echo "started in background"
wait
cat bgfile
(sleep 0.1; exit 3) &
wait $!; echo "waited status $?"
echo "bang is a number: $(( $! > 0 ))"
seq 1 3 > s1 & seq 4 6 > s2 & wait; cat s1 s2
exit 4
