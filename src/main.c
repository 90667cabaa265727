/* keytrail entry point: routes all output through the redacting channels, then hands argv to
 * the command dispatcher and returns its exit status. */
#include "cli.h"
#include "out.h"

int main(int argc, char **argv)
{
    kt_out_install(); /* from here on every byte written passes the redactor */
    return kt_cli_main(argc, argv);
}
