/* The command-line front end: command dispatch, options, help, exit statuses. */
#ifndef KEYTRAIL_CLI_H
#define KEYTRAIL_CLI_H

/*
 * Exit statuses, a bit set a script can test (documented in README):
 *   0  success, every input read cleanly
 *   1  keys need attention (scan, hunt: a key to rotate or investigate)
 *   2  usage error (bad option or argument); nothing was done
 *   4  some input was damaged or unreadable; results cover what could be read
 *   8  fatal error: output could not be written, out of memory
 * 1 and 4 can combine (5).
 */
enum kt_exit {
    KT_EXIT_OK = 0,
    KT_EXIT_FINDINGS = 1,
    KT_EXIT_USAGE = 2,
    KT_EXIT_DAMAGED = 4,
    KT_EXIT_FATAL = 8,
};

/* Runs the keytrail command line; returns the process exit status. */
int kt_cli_main(int argc, char **argv);

#endif
