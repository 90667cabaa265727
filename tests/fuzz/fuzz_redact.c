/*
 * Fuzz harness for the redactor (src/redact.c), the one place that decides what of outgoing
 * text is secret. The input is redacted as text and as a name, at several capacities and into
 * a growable buffer; before that, a secret derived from the input is noted, and the input may
 * hold it. Invariants, checked with abort():
 *   - output is NUL-terminated, within capacity, and the growable form equals the fixed one;
 *   - no family token the strict scanner finds in the output survives (AWS key ids are public);
 *   - the noted secret (16 base62 bytes made from the input) never survives in the output;
 *   - names hold no control byte.
 */
#include <keytrail/credential.h>

#include "redact.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET_LEN 16

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static bool contains(const char *hay, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static void check_no_token(const char *out, size_t len)
{
    struct kt_cand c[8];
    size_t n = kt_cred_find_in_text(kt_str_make(out, len), c, 8);
    for (size_t i = 0; i < n; i++) {
        check(c[i].value.len == 20 &&
              (memcmp(c[i].value.ptr, "AKIA", 4) == 0 || memcmp(c[i].value.ptr, "ASIA", 4) == 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static char out[8192];
    if (size > 4096) {
        return 0;
    }
    kt_redact_forget_all();
    /* The secret: 16 base62 characters spelled by the first bytes, planted at a spot the input
     * chooses so the fuzzer can surround it with anything. */
    char secret[SECRET_LEN];
    char *text = malloc(size + SECRET_LEN + 1);
    if (text == NULL) {
        return 0;
    }
    for (size_t i = 0; i < SECRET_LEN; i++) {
        secret[i] = b62[(i < size ? data[i] : i) % 62];
    }
    size_t at = size > 0 ? data[0] % (size + 1) : 0;
    memcpy(text, data, at);
    memcpy(text + at, secret, SECRET_LEN);
    memcpy(text + at + SECRET_LEN, data + at, size - at);
    size_t len = size + SECRET_LEN;
    struct kt_cand cand = { KT_CAND_TOKEN, kt_str_make(secret, SECRET_LEN) };
    kt_redact_note_cand(&cand);

    struct kt_str in = kt_str_make(text, len);
    static const size_t caps[] = { 1, 2, 7, 33, 256, sizeof(out) };
    for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
        size_t n = kt_redact_text(in, out, caps[k]);
        check(n < caps[k] && out[n] == '\0');
        check(!contains(out, n, secret, SECRET_LEN));
        if (caps[k] == sizeof(out)) {
            check_no_token(out, n);
            struct kt_rbuf rb = { 0 };
            if (kt_redact_append(&rb, in)) {
                check(rb.len == n && (n == 0 || memcmp(rb.buf, out, n) == 0));
            }
            free(rb.buf);
        }
    }
    size_t n = kt_redact_name(in, out, sizeof(out));
    check(n < sizeof(out));
    for (size_t i = 0; i < n; i++) {
        check((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
    }
    check(!contains(out, n, secret, SECRET_LEN));
    kt_redact_record_end();
    free(text);
    return 0;
}
