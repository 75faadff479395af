# tee: copies to standard output and files, -a appends, unwritable files are reported.
echo one | tee t1 t2
cat t1 t2
echo two | tee -a t1
cat t1
seq 1 5 | tee t3 | wc -l
cat t3
echo three | tee t1 > discard; cat t1
echo four | tee nodir/x 2>&1; echo "status $?"
echo five | tee t4 nodir/x t5 2>errors; echo "status $?"; cat t4 t5
tee -q 2>&1; echo "status $?"
seq 1 50000 | tee big | wc -l; wc -l big
