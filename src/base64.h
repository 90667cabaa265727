/*
 * Strict base64 and base64url decoding (RFC 4648 sections 4 and 5).
 *
 * Tokens arrive in both alphabets, padded (Basic credentials, GitHub hashed_token) and unpadded
 * (JWT segments). The decoder is strict so that garbage is rejected rather than silently
 * skipped: no whitespace, no characters outside the chosen alphabet, padding only at the end and
 * only as much as the length requires, and the unused low bits of the last symbol must be zero
 * (so every input decodes from exactly one encoding).
 */
#ifndef KEYTRAIL_BASE64_H
#define KEYTRAIL_BASE64_H

#include <keytrail/common.h>

enum kt_b64_flags {
    KT_B64_STD = 1u << 0,     /* accept the standard alphabet's '+' and '/' */
    KT_B64_URL = 1u << 1,     /* accept the url-safe alphabet's '-' and '_' */
    KT_B64_PAD_OK = 1u << 2,  /* '=' padding may be present (then it must be complete) */
    KT_B64_PAD_REQ = 1u << 3, /* '=' padding must be present (length a multiple of 4) */
};

/* Upper bound of the decoded size of an input of len characters. */
static inline size_t kt_base64_decoded_max(size_t len)
{
    return (len / 4) * 3 + 3;
}

/*
 * Decodes in into out (capacity cap) under flags (enum kt_b64_flags; at least one alphabet).
 * Mixing '+'/'/' with '-'/'_' in one input is rejected even when both alphabets are allowed.
 * Returns true and sets *out_len on success; returns false when in is not valid under flags or
 * the result does not fit in cap (out's contents are then unspecified).
 */
bool kt_base64_decode(struct kt_str in, unsigned flags, uint8_t *out, size_t cap, size_t *out_len);

#endif
