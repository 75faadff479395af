# mkdir: directories, -p with parents, errors; cd into them.
mkdir d1 d2
mkdir -p d1/a/b/c x/y
cd d1/a/b/c && echo here > f && cd ../../../..
cat d1/a/b/c/f
mkdir d1 2>&1; echo "status $?"
mkdir -p d1; echo "status $?"
mkdir nope/sub 2>&1; echo "status $?"
echo file > f
mkdir -p f/sub 2>&1; echo "status $?"
mkdir 2>&1; echo "status $?"
