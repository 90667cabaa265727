/* Helpers shared by the cmocka tests: fixture paths, temporary files, deterministic PRNG. */
#ifndef KEYTRAIL_TESTUTIL_H
#define KEYTRAIL_TESTUTIL_H

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Joins KT_SOURCE_DIR and rel into a static buffer (overwritten by the next call). */
const char *kt_test_path(const char *rel);

/* Reads a whole (small) file into a malloc'd buffer; *len gets its size. NULL on failure. */
char *kt_test_slurp(const char *path, size_t *len);

/* Writes len bytes to a fresh temporary file and returns its malloc'd path (caller unlinks
 * and frees). */
char *kt_test_tmpfile(const void *data, size_t len);

/* xorshift64*: deterministic pseudo-random numbers for chunking and mutation tests. */
uint64_t kt_test_rand(uint64_t *state);

#endif
