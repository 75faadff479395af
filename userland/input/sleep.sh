# sleep: intervals with fractions and suffixes, in a pipeline, errors.
sleep 0.1; echo "slept $?"
sleep 0.05 0.05s; echo "summed $?"
sleep 0m; echo "minutes $?"
sleep 0.1 & echo "background"; wait; echo "waited"
sleep 2>&1; echo "status $?"
sleep x 2>&1; echo "status $?"
sleep 1y 2>&1; echo "status $?"
