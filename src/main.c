/* keytrail entry point: hands argv to the command dispatcher and returns its exit status. */
#include "cli.h"

int main(int argc, char **argv)
{
    return kt_cli_main(argc, argv);
}
