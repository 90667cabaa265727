/*
 * Prefixed token families as credentials: what recognition makes of a token the family table
 * (token_family.c) matches — its key id, kind, flags and hint — and AWS access key ids, whose
 * key is the id itself and whose account number some of them encode.
 *
 * Sources for the AWS facts: the account id decoding from Tal Beery, "A short note on AWS KEY
 * ID", and the generation bit from WithSecure Labs, "A bitwise analysis of AWS access key
 * identifiers".
 */
#include "cred_internal.h"
#include "token.h"

#include <stdio.h>

/* ---- AWS ---- */

static int base32_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= '2' && c <= '7') {
        return 26 + c - '2';
    }
    return -1;
}

/*
 * Account id of a new-generation key id: the 16 characters after the prefix are base32 (80
 * bits); z is the first 48 of them; its top bit marks the generation and bits 46..7 hold the
 * account number. Leaves out empty when unknown.
 */
static void aws_account(struct kt_str body, char out[16])
{
    out[0] = '\0';
    uint64_t bits = 0;
    for (size_t i = 0; i < 10; i++) { /* 10 characters = 50 bits, enough for z's 48 */
        int v = base32_value((unsigned char)body.ptr[i]);
        if (v < 0) {
            return;
        }
        bits = bits << 5 | (uint64_t)v;
    }
    for (size_t i = 10; i < 16; i++) {
        if (base32_value((unsigned char)body.ptr[i]) < 0) {
            return; /* not a well-formed id: no claim about its account */
        }
    }
    uint64_t z = bits >> 2;
    if ((z & 0x800000000000ULL) == 0) {
        return; /* old generation: the account is not encoded */
    }
    uint64_t account = (z & 0x7fffffffff80ULL) >> 7;
    if (account > 999999999999ULL) {
        return; /* 40 bits hold more than the 12 digits account ids have: not a real id */
    }
    snprintf(out, 16, "%012llu", (unsigned long long)account);
}

bool kt_cred_match_aws(struct kt_str s, bool strict, struct kt_cred *out)
{
    if (s.len != 20) {
        return false;
    }
    bool temporary;
    if (memcmp(s.ptr, "AKIA", 4) == 0) {
        temporary = false;
    } else if (memcmp(s.ptr, "ASIA", 4) == 0) {
        temporary = true;
    } else {
        return false;
    }
    struct kt_str body = kt_str_make(s.ptr + 4, 16);
    if (!kt_tok_in_charset(body, strict ? KT_TOK_CC_B32 : (KT_TOK_CC_UPPER | KT_TOK_CC_DIGIT))) {
        return false;
    }
    if (!kt_cred_keyid_derive("aws", &s, 1, &out->key)) {
        return false;
    }
    out->token = out->key;
    out->family = KT_FAM_AWS;
    out->flags = temporary ? KT_CRED_TEMPORARY : 0;
    kt_str_copy(out->kind, sizeof(out->kind), kt_str_make(s.ptr, 4));
    kt_str_copy(out->hint, sizeof(out->hint), s); /* providers log the key id in full */
    aws_account(body, out->account);
    return true;
}

/* ---- matching ---- */

static bool fill_from_row(const struct kt_tok_family *row, struct kt_str s, struct kt_cred *out)
{
    if (row->row_flags & KT_TOK_ROW_AWS) {
        return kt_cred_match_aws(s, true, out);
    }
    if (!kt_cred_keyid_secret(s, &out->key)) {
        return false;
    }
    out->token = out->key;
    out->family = row->family;
    out->flags =
        row->cred_flags | ((row->row_flags & KT_TOK_ROW_CHECKSUM) ? KT_CRED_CHECKSUM_OK : 0);
    kt_str_copy(out->kind, sizeof(out->kind), kt_str_cstr(row->kind));
    kt_cred_hint_tail(out->hint, sizeof(out->hint), row->prefix, s);
    return true;
}

bool kt_cred_match_family(struct kt_str s, struct kt_cred *out)
{
    const struct kt_tok_family *row = kt_tok_family_whole(s);
    return row != NULL && fill_from_row(row, s, out);
}
