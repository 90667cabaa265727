/*
 * Prefixed token families (token.h): the offline table that says what a provider's token looks
 * like, and the matching of a whole value or of a token inside text (its extent). What
 * recognition makes of a match (key id, hint, AWS account) is cred_families.c.
 *
 * One row per prefix: family, kind, the prefix shown in hints, the character set and length of
 * the body after the prefix, an optional check (embedded checksum or fixed inner structure) and
 * flags. Rows are tried in order, so a longer prefix ("sk-proj-", "sk-ant-") precedes a shorter
 * one sharing its start ("sk-"). A look-alike that fails its check is not that family; callers
 * may still accept it under the generic rules.
 *
 * Sources for the shapes (facts only):
 *  - GitHub: github.blog "Behind GitHub's new authentication token formats" (2021-04-05):
 *    ghp_/gho_/ghu_/ghs_/ghr_, 30 random base62 characters and a 6-character CRC32 checksum;
 *    the checksum encoding (base62 0-9A-Za-z, big-endian, left-padded with '0') as described in
 *    the coolaj86 "base62 token" gist; github_pat_ 22 + '_' + 59 from secret-scanning patterns.
 *  - npm: github.blog changelog 2021-09-23: npm_ tokens use the same format and checksum.
 *  - GitLab: glpat- prefix (gitlab-org/gitlab issue 342327); routable tokens are longer (up to
 *    glpat- + 310 characters, including '.') per gitlab-org/gitlab MR 169322, so the range is
 *    20..310 rather than 20..64.
 *  - Slack: xoxb-/xoxp-/xoxa-/xoxr-/xoxs- (gitleaks slack rule), xapp- app-level tokens and
 *    xoxe.xoxp-/xoxe- rotating configuration and refresh tokens (Slack tooling.tokens.rotate).
 *  - Stripe: sk_/rk_/pk_ + live_/test_ (stripe.com/docs/keys via secret-scanning rules).
 *  - Google API keys: AIza + 35 of [0-9A-Za-z_-].
 *  - OpenAI: legacy sk- + 20 + "T3BlbkFJ" (base64 of "OpenAI") + 20; sk-proj-, sk-svcacct-,
 *    sk-admin- project, service-account and admin keys; Anthropic sk-ant-api03-... / sk-ant-admin.
 *  - SendGrid: SG. + 22 + '.' + 43 of [0-9A-Za-z_-] (sendgrid.com api-keys docs via noseyparker).
 *  - Twilio: SK + 32 hex (API key SID), AC + 32 hex (account SID).
 *  - AWS: AKIA (long-term) / ASIA (temporary) + 16 base32 characters (what the id encodes is
 *    cred_families.c's).
 */
#include "token.h"

#include <zlib.h>

#define CC_ALNUM (KT_TOK_CC_UPPER | KT_TOK_CC_LOWER | KT_TOK_CC_DIGIT)

static inline unsigned cclass(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return KT_TOK_CC_UPPER | KT_TOK_CC_B32 | (c <= 'F' ? KT_TOK_CC_HEX : 0u);
    }
    if (c >= 'a' && c <= 'z') {
        return KT_TOK_CC_LOWER | (c <= 'f' ? KT_TOK_CC_HEXL | KT_TOK_CC_HEX : 0u);
    }
    if (c >= '0' && c <= '9') {
        return KT_TOK_CC_DIGIT | KT_TOK_CC_HEXL | KT_TOK_CC_HEX |
               (c >= '2' && c <= '7' ? KT_TOK_CC_B32 : 0u);
    }
    switch (c) {
    case '-': return KT_TOK_CC_DASH;
    case '_': return KT_TOK_CC_UNDER;
    case '.': return KT_TOK_CC_DOT;
    default: return 0;
    }
}

/* ---- checks ---- */

/* Base62 digit value in the alphabet 0-9A-Za-z, -1 if c is not one. */
static int base62_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
        return 10 + c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return 36 + c - 'a';
    }
    return -1;
}

/* 30 random characters then the CRC32 of them as 6 base62 digits (GitHub and npm). */
static bool check_crc32_base62(struct kt_str body)
{
    if (body.len != 36) {
        return false;
    }
    uint64_t want = 0;
    for (size_t i = 30; i < 36; i++) {
        int v = base62_value((unsigned char)body.ptr[i]);
        if (v < 0) {
            return false;
        }
        want = want * 62 + (uint64_t)v;
    }
    uLong crc = crc32(0L, (const Bytef *)body.ptr, 30);
    return (uint64_t)crc == want;
}

/* body is len bytes long and holds sep exactly once, at offset at. */
static bool one_separator(struct kt_str body, size_t len, size_t at, char sep)
{
    if (body.len != len || body.ptr[at] != sep) {
        return false;
    }
    return memchr(body.ptr, sep, at) == NULL &&
           memchr(body.ptr + at + 1, sep, len - at - 1) == NULL;
}

/* github_pat_: 22 alphanumerics, '_', 59 alphanumerics. */
static bool check_github_pat(struct kt_str body)
{
    return one_separator(body, 82, 22, '_');
}

/* SendGrid: 22 characters, '.', 43 characters. */
static bool check_sendgrid(struct kt_str body)
{
    return one_separator(body, 66, 22, '.');
}

/* Legacy OpenAI keys embed "T3BlbkFJ", base64 of "OpenAI". */
static bool check_openai_legacy(struct kt_str body)
{
    static const char marker[] = "T3BlbkFJ";
    size_t m = sizeof(marker) - 1;
    for (size_t i = 0; i + m <= body.len; i++) {
        if (memcmp(body.ptr + i, marker, m) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- the table ---- */

/* A row's prefix and its length. The pair index (kt_tok_may_start_pair) reads two bytes of
 * every prefix and plen is a byte: a shorter or longer literal does not compile. */
#define PREFIX(p)                                                                                  \
    .prefix = p, .plen = (uint8_t)(sizeof(p) - 1 +                                                 \
                                   0 * sizeof(char[sizeof(p) >= 3 && sizeof(p) <= 256 ? 1 : -1]))

const struct kt_tok_family kt_tok_families[] = {
    {PREFIX("github_pat_"), .family = KT_FAM_GITHUB, .kind = "github_pat",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER, .min = 82, .max = 82, .check = check_github_pat},
    {PREFIX("ghp_"), .family = KT_FAM_GITHUB, .kind = "ghp", .charset = CC_ALNUM, .min = 36,
     .max = 36, .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("gho_"), .family = KT_FAM_GITHUB, .kind = "gho", .charset = CC_ALNUM, .min = 36,
     .max = 36, .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("ghu_"), .family = KT_FAM_GITHUB, .kind = "ghu", .charset = CC_ALNUM, .min = 36,
     .max = 36, .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("ghs_"), .family = KT_FAM_GITHUB, .kind = "ghs", .charset = CC_ALNUM, .min = 36,
     .max = 36, .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("ghr_"), .family = KT_FAM_GITHUB, .kind = "ghr", .charset = CC_ALNUM, .min = 36,
     .max = 36, .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("glpat-"), .family = KT_FAM_GITLAB, .kind = "glpat",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH | KT_TOK_CC_DOT, .min = 20, .max = 310},
    {PREFIX("sk_live_"), .family = KT_FAM_STRIPE, .kind = "sk_live", .charset = CC_ALNUM, .min = 24,
     .max = 247},
    {PREFIX("rk_live_"), .family = KT_FAM_STRIPE, .kind = "rk_live", .charset = CC_ALNUM, .min = 24,
     .max = 247},
    {PREFIX("pk_live_"), .family = KT_FAM_STRIPE, .kind = "pk_live", .charset = CC_ALNUM, .min = 24,
     .max = 247, .cred_flags = KT_CRED_PUBLISHABLE},
    {PREFIX("sk_test_"), .family = KT_FAM_STRIPE, .kind = "sk_test", .charset = CC_ALNUM, .min = 24,
     .max = 247, .cred_flags = KT_CRED_TEST},
    {PREFIX("rk_test_"), .family = KT_FAM_STRIPE, .kind = "rk_test", .charset = CC_ALNUM, .min = 24,
     .max = 247, .cred_flags = KT_CRED_TEST},
    {PREFIX("pk_test_"), .family = KT_FAM_STRIPE, .kind = "pk_test", .charset = CC_ALNUM, .min = 24,
     .max = 247, .cred_flags = KT_CRED_TEST | KT_CRED_PUBLISHABLE},
    {PREFIX("xoxe.xoxp-"), .family = KT_FAM_SLACK, .kind = "xoxe.xoxp",
     .charset = CC_ALNUM | KT_TOK_CC_DASH, .min = 10, .max = 255},
    {PREFIX("xoxe.xoxb-"), .family = KT_FAM_SLACK, .kind = "xoxe.xoxb",
     .charset = CC_ALNUM | KT_TOK_CC_DASH, .min = 10, .max = 255},
    {PREFIX("xoxe-"), .family = KT_FAM_SLACK, .kind = "xoxe", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xoxb-"), .family = KT_FAM_SLACK, .kind = "xoxb", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xoxp-"), .family = KT_FAM_SLACK, .kind = "xoxp", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xoxa-"), .family = KT_FAM_SLACK, .kind = "xoxa", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xoxr-"), .family = KT_FAM_SLACK, .kind = "xoxr", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xoxs-"), .family = KT_FAM_SLACK, .kind = "xoxs", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("xapp-"), .family = KT_FAM_SLACK, .kind = "xapp", .charset = CC_ALNUM | KT_TOK_CC_DASH,
     .min = 10, .max = 255},
    {PREFIX("AIza"), .family = KT_FAM_GOOGLE, .kind = "AIza",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH, .min = 35, .max = 35},
    {PREFIX("sk-ant-"), .family = KT_FAM_ANTHROPIC, .kind = "sk-ant",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH, .min = 20, .max = 300},
    {PREFIX("sk-proj-"), .family = KT_FAM_OPENAI, .kind = "sk-proj",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH, .min = 20, .max = 300},
    {PREFIX("sk-svcacct-"), .family = KT_FAM_OPENAI, .kind = "sk-svcacct",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH, .min = 20, .max = 300},
    {PREFIX("sk-admin-"), .family = KT_FAM_OPENAI, .kind = "sk-admin",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH, .min = 20, .max = 300},
    {PREFIX("sk-"), .family = KT_FAM_OPENAI, .kind = "sk", .charset = CC_ALNUM, .min = 48,
     .max = 48, .check = check_openai_legacy},
    {PREFIX("npm_"), .family = KT_FAM_NPM, .kind = "npm", .charset = CC_ALNUM, .min = 36, .max = 36,
     .check = check_crc32_base62, .row_flags = KT_TOK_ROW_CHECKSUM},
    {PREFIX("SG."), .family = KT_FAM_SENDGRID, .kind = "SG",
     .charset = CC_ALNUM | KT_TOK_CC_UNDER | KT_TOK_CC_DASH | KT_TOK_CC_DOT, .min = 66, .max = 66,
     .check = check_sendgrid},
    {PREFIX("SK"), .family = KT_FAM_TWILIO, .kind = "SK", .charset = KT_TOK_CC_HEXL, .min = 32,
     .max = 32},
    {PREFIX("AC"), .family = KT_FAM_TWILIO, .kind = "AC", .charset = KT_TOK_CC_HEX, .min = 32,
     .max = 32},
    {PREFIX("AKIA"), .family = KT_FAM_AWS, .kind = "AKIA", .charset = KT_TOK_CC_B32, .min = 16,
     .max = 16, .row_flags = KT_TOK_ROW_AWS},
    {PREFIX("ASIA"), .family = KT_FAM_AWS, .kind = "ASIA", .charset = KT_TOK_CC_B32, .min = 16,
     .max = 16, .cred_flags = KT_CRED_TEMPORARY, .row_flags = KT_TOK_ROW_AWS},
};

const size_t kt_tok_n_families = KT_ARRAY_LEN(kt_tok_families);

bool kt_tok_in_charset(struct kt_str s, unsigned charset)
{
    for (size_t i = 0; i < s.len; i++) {
        if ((cclass((unsigned char)s.ptr[i]) & charset) == 0) {
            return false;
        }
    }
    return true;
}

/* ---- matching ---- */

/* Below this many bits per character a body without a checksum is a placeholder
 * ("sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"), not a key; random bodies have 3.5 and more. */
#define PLACEHOLDER_BITS 2.5

static bool row_match_body(const struct kt_tok_family *row, struct kt_str body)
{
    if (body.len < row->min || body.len > row->max || !kt_tok_in_charset(body, row->charset)) {
        return false;
    }
    if (row->check != NULL && !row->check(body)) {
        return false;
    }
    if ((row->row_flags & (KT_TOK_ROW_CHECKSUM | KT_TOK_ROW_AWS)) == 0 &&
        kt_entropy_bits(body) < PLACEHOLDER_BITS) {
        return false;
    }
    return true;
}

/* s starts with row's prefix (every prefix has two or more bytes; the first two are compared
 * inline because nearly every row differs there). */
static bool row_prefix(const struct kt_tok_family *row, struct kt_str s)
{
    return s.len >= row->plen && s.ptr[0] == row->prefix[0] && s.ptr[1] == row->prefix[1] &&
           memcmp(s.ptr + 2, row->prefix + 2, row->plen - 2u) == 0;
}

const struct kt_tok_family *kt_tok_family_whole(struct kt_str s)
{
    if (s.len == 0 || !kt_tok_is((unsigned char)s.ptr[0], KT_TOK_START)) {
        return NULL;
    }
    for (size_t r = 0; r < kt_tok_n_families; r++) {
        const struct kt_tok_family *row = &kt_tok_families[r];
        if (row_prefix(row, s) &&
            row_match_body(row, kt_str_make(s.ptr + row->plen, s.len - row->plen))) {
            return row;
        }
    }
    return NULL;
}

/* Bit (c0 << 8 | c1) is set when some row's prefix begins with those two bytes. Built on first
 * use from the table itself, so a new row needs nothing else. */
static uint64_t pair_bits[65536 / 64];
static bool pair_ready;

bool kt_tok_may_start_pair(unsigned char c0, unsigned char c1)
{
    if (!pair_ready) {
        for (size_t r = 0; r < kt_tok_n_families; r++) {
            unsigned v = (unsigned)(unsigned char)kt_tok_families[r].prefix[0] << 8 |
                         (unsigned char)kt_tok_families[r].prefix[1];
            pair_bits[v >> 6] |= 1ULL << (v & 63);
        }
        pair_ready = true;
    }
    unsigned v = (unsigned)c0 << 8 | c1;
    return (pair_bits[v >> 6] >> (v & 63)) & 1u;
}

size_t kt_tok_family_extent(struct kt_str s, enum kt_tok_mode mode,
                            const struct kt_tok_family **found)
{
    for (size_t r = 0; r < kt_tok_n_families; r++) {
        const struct kt_tok_family *row = &kt_tok_families[r];
        if (!row_prefix(row, s)) {
            continue;
        }
        size_t plen = row->plen;
        const char *body = s.ptr + plen;
        size_t avail = s.len - plen;
        size_t run = 0;
        while (run < avail && run <= row->max &&
               (cclass((unsigned char)body[run]) & row->charset) != 0) {
            run++;
        }
        size_t n = KT_MIN(run, (size_t)row->max);
        /* A sentence may end right after a token: a trailing '.' is punctuation. */
        while (n > row->min && body[n - 1] == '.') {
            n--;
        }
        if (mode == KT_TOK_STRICT && n < avail && kt_tok_is((unsigned char)body[n], KT_TOK_WORD)) {
            continue; /* part of a longer word */
        }
        if (row_match_body(row, kt_str_make(body, n))) {
            if (found != NULL) {
                *found = row;
            }
            return plen + n;
        }
    }
    return 0;
}
