/*
 * The shape of a JSON Web Token in text (token.h): compact JWS, header.payload.signature, each
 * segment base64url without padding, the header starting "eyJ" (base64 of '{"').
 *
 * In text a JWT's extent is its three segments; to tell a token from a dotted identifier that
 * happens to start "eyJ", the header is decoded (at most JWT_TEXT_HEADER_MAX bytes of it, into
 * a stack buffer that is wiped) and must be a JSON object naming "alg". Payload and signature
 * are never decoded here: what a JWT says is cred_jwt.c.
 */
#include "token.h"

#include "base64.h"

/* The scanner decodes at most this much of a header to check that it is one. */
#define JWT_TEXT_HEADER_MAX 1024
#define JWT_TEXT_HEADER_DECODED (JWT_TEXT_HEADER_MAX / 4 * 3 + 3)

static size_t b64url_run(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && kt_tok_is((unsigned char)p[i], KT_TOK_B64URL)) {
        i++;
    }
    return i;
}

bool kt_tok_jwt_split(struct kt_str s, struct kt_tok_jwt_parts *parts)
{
    if (s.len < 8 || memcmp(s.ptr, "eyJ", 3) != 0) {
        return false;
    }
    size_t a = b64url_run(s.ptr, s.len);
    if (a == s.len || s.ptr[a] != '.') {
        return false;
    }
    size_t b = b64url_run(s.ptr + a + 1, s.len - a - 1);
    if (b == 0 || a + 1 + b == s.len || s.ptr[a + 1 + b] != '.') {
        return false;
    }
    size_t off = a + 1 + b + 1;
    size_t c = b64url_run(s.ptr + off, s.len - off);
    if (off + c != s.len) {
        return false;
    }
    parts->header = kt_str_make(s.ptr, a);
    parts->payload = kt_str_make(s.ptr + a + 1, b);
    parts->signature = kt_str_make(s.ptr + off, c);
    return true;
}

/* Decoded header looks like a JOSE header: a JSON object naming "alg". */
static bool header_plausible(struct kt_str header)
{
    uint8_t buf[JWT_TEXT_HEADER_DECODED];
    size_t n = 0;
    bool ok = false;
    if (header.len > JWT_TEXT_HEADER_MAX ||
        !kt_base64_decode(header, KT_B64_URL, buf, sizeof(buf), &n)) {
        goto out;
    }
    if (n < 2 || buf[0] != '{') {
        goto out;
    }
    for (size_t i = 0; i + 5 <= n; i++) {
        if (memcmp(buf + i, "\"alg\"", 5) == 0) {
            ok = true;
            break;
        }
    }
out:
    kt_wipe(buf, sizeof(buf));
    return ok;
}

size_t kt_tok_jwt_extent(struct kt_str s, enum kt_tok_mode mode)
{
    if (s.len < 8 || memcmp(s.ptr, "eyJ", 3) != 0) {
        return 0;
    }
    size_t a = b64url_run(s.ptr, s.len);
    if (a == s.len || s.ptr[a] != '.') {
        return 0;
    }
    size_t b = b64url_run(s.ptr + a + 1, s.len - a - 1);
    size_t off = a + 1 + b + 1;
    if (b == 0 || off > s.len || s.ptr[a + 1 + b] != '.') {
        return 0;
    }
    size_t c = b64url_run(s.ptr + off, s.len - off);
    size_t end = off + c;
    if (end < s.len && mode == KT_TOK_STRICT) {
        unsigned char next = (unsigned char)s.ptr[end];
        if (kt_tok_is(next, KT_TOK_WORD)) {
            return 0;
        }
        /* A fourth segment means this is not a compact JWS (a JWE has five parts). */
        if (next == '.' && end + 1 < s.len &&
            kt_tok_is((unsigned char)s.ptr[end + 1], KT_TOK_B64URL)) {
            return 0;
        }
    }
    if (!header_plausible(kt_str_make(s.ptr, a))) {
        return 0;
    }
    return end;
}
