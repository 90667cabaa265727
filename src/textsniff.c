/*
 * Binary-input detection (textsniff.h). Counts NUL and C0 control bytes (tab, line feed,
 * carriage return, form feed, vertical tab and escape are text) over the first 64 KiB of the
 * prefix. Text logs have none; a run of NULs or an executable has many.
 */
#include "textsniff.h"

#include <stdio.h>

#define SAMPLE_MAX 65536

bool kt_text_is_binary(struct kt_str prefix, size_t max_record, char *why, size_t cap)
{
    const unsigned char *p = (const unsigned char *)prefix.ptr;
    if (prefix.len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
        snprintf(why, cap, "UTF-16 text (convert it first: iconv -f UTF-16 -t UTF-8)");
        return true;
    }
    if (prefix.len < max_record || memchr(prefix.ptr, '\n', prefix.len) != NULL) {
        return false;
    }
    size_t n = KT_MIN(prefix.len, (size_t)SAMPLE_MAX), nul = 0, ctl = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        nul += c == 0;
        ctl += c != 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b;
    }
    /* One byte in 64 a NUL, or one in 8 a control byte: far beyond any text. */
    if (nul * 64 < n && ctl * 8 < n) {
        return false;
    }
    snprintf(why, cap, "binary data (%s, no line break in the first %zu bytes)",
             nul * 64 >= n ? "NUL bytes" : "control bytes", prefix.len);
    return true;
}
