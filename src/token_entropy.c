/*
 * Shannon entropy of a token's bytes (credential.h's kt_entropy_bits): how random a body looks.
 * The family table (token_family.c) tells a placeholder from a key by it, the generic rules
 * (cred_generic.c) and the redactor's high-entropy rule (redact.c) a secret from a word.
 */
#include "token.h"

#include <math.h>

double kt_entropy_bits(struct kt_str s)
{
    if (s.len == 0) {
        return 0.0;
    }
    uint32_t counts[256] = {0};
    const unsigned char *p = (const unsigned char *)s.ptr;
    for (size_t i = 0; i < s.len; i++) {
        counts[p[i]]++;
    }
    /* H = log2(n) - (1/n) * sum(c * log2(c)) */
    double n = (double)s.len;
    double sum = 0.0;
    for (int c = 0; c < 256; c++) {
        if (counts[c] > 1) {
            sum += (double)counts[c] * log2((double)counts[c]);
        }
    }
    double h = log2(n) - sum / n;
    return h < 0.0 ? 0.0 : h;
}
