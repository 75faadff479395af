/*
 * hello: the smallest guest program.  One write(2) of a fixed greeting.
 * Exercises: ELF loading, glibc static start-up, stdio, exit_group.
 */
#include <stdio.h>

int main(void)
{
    printf("hello from otherworld\n");
    return 0;
}
