/* Placeholder dispatcher; replaced as commands land. */
#include "cli.h"

#include <stdio.h>

int kt_cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "keytrail: no commands yet\n");
    return KT_EXIT_USAGE;
}
