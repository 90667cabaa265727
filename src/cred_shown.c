/*
 * Copies of strings that recognition shows (JWT claims, Basic user names): readable principal
 * names, but attacker-written, so a token pasted into one is replaced by its hint first. The
 * redaction is the families-only one (redact.c's kt_redact_families): JWT decoding calls this,
 * and a JWT inside a claim must not be decoded in turn.
 */
#include "cred_internal.h"
#include "redact.h"

void kt_cred_copy_shown(char *dst, size_t cap, struct kt_str s)
{
    char tmp[KT_SHOWN_MAX];
    size_t n = kt_redact_families(s, tmp, sizeof(tmp));
    kt_cred_copy_clean(dst, cap, kt_str_make(tmp, n));
    kt_wipe(tmp, sizeof(tmp));
}
