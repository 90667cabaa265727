/*
 * UTF-8 well-formedness (RFC 3629): what every writer of log-derived text checks before it
 * lets bytes through (JSON output, reports, hints, MaxMind DB strings).
 */
#ifndef KEYTRAIL_UTF8_H
#define KEYTRAIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at p[0..avail): 1 for ASCII, 2..4 for a multi-byte
 * character, 0 when it is not one (a stray continuation byte, a truncated or overlong sequence,
 * a surrogate, a code point over U+10FFFF, or avail == 0).
 */
size_t kt_utf8_seq(const unsigned char *p, size_t avail);

/* Whether s[0..n) is entirely well-formed UTF-8. */
bool kt_utf8_valid(const char *s, size_t n);

#endif
