/*
 * Needles (needles.h): a multi-needle search tuned for a handful of long needles.
 *
 * The search is Wu-Manber's: a window as long as the shortest needle (m bytes) slides over the
 * buffer, and the two bytes at its end index a 64 Ki-entry table of how far the window may jump
 * before any needle could end there. Tokens are 20 to 60 bytes of near-random characters, so
 * the window mostly jumps m-2 bytes at once and the scan runs faster than memchr over every
 * byte would; only where the table says 0 are the needles whose m-prefix ends in those two
 * bytes compared in full. The table is rebuilt on every add (a set changes a few times a run).
 *
 * The forms of a token (kt_needles_add_token):
 *  - its literal bytes;
 *  - Basic credentials: base64("user:" token ...). Where the token starts in the decoded text
 *    modulo 3 decides how its bytes fall into base64 quanta, so there are three encodings; of
 *    each only the characters whose six bits all come from the token are kept (those do not
 *    depend on the user name before it or what follows it);
 *  - GitHub's hashed_token: base64(SHA-256(token)) without its '=' padding, in the standard and
 *    the url-safe alphabets;
 *  - every form holding '/' also as JSON writers that escape it write it ("\/").
 */
#include "needles.h"

#include <stdlib.h>
#include <string.h>

#include "cred_internal.h"

#define MIN_NEEDLE 4
/* The window is at most this long: the table holds shifts in a byte. */
#define MAX_WINDOW 255
#define TABLE_SIZE 65536
/* Longest token whose forms are derived (longer ones are only searched literally). */
#define TOKEN_FORMS_MAX 4096

struct needle {
    uint8_t *bytes;
    size_t len;
    uint16_t tail; /* the two bytes ending its window-long prefix */
};

struct kt_needles {
    uint32_t generation;
    bool pass_all;
    struct needle *v;
    size_t n, cap;
    size_t window;   /* m: the shortest needle's length, capped at MAX_WINDOW */
    size_t max_len;  /* longest needle */
    uint8_t *shift;  /* TABLE_SIZE entries; NULL until the first needle */
};

struct kt_needles *kt_needles_new(void)
{
    return calloc(1, sizeof(struct kt_needles));
}

void kt_needles_free(struct kt_needles *n)
{
    if (n == NULL) {
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        kt_wipe(n->v[i].bytes, n->v[i].len);
        free(n->v[i].bytes);
    }
    kt_wipe(n->v, n->cap * sizeof(*n->v));
    free(n->v);
    if (n->shift != NULL) {
        kt_wipe(n->shift, TABLE_SIZE); /* it says which byte pairs the needles hold */
        free(n->shift);
    }
    kt_wipe(n, sizeof(*n));
    free(n);
}

static uint16_t pair(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* Rebuilds the shift table for the current needles and window. */
static void build_table(struct kt_needles *n)
{
    size_t m = n->window;
    memset(n->shift, (int)(m - 1), TABLE_SIZE);
    for (size_t i = 0; i < n->n; i++) {
        struct needle *nd = &n->v[i];
        /* A pair ending at offset j of the prefix lets the window jump m-1-j. */
        for (size_t j = 1; j < m; j++) {
            uint16_t k = pair(nd->bytes + j - 1);
            uint8_t s = (uint8_t)(m - 1 - j);
            if (n->shift[k] > s) {
                n->shift[k] = s;
            }
        }
        nd->tail = pair(nd->bytes + m - 2);
    }
}

static bool contains(const struct kt_needles *n, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < n->n; i++) {
        if (n->v[i].len == len && memcmp(n->v[i].bytes, p, len) == 0) {
            return true;
        }
    }
    return false;
}

bool kt_needles_add(struct kt_needles *n, struct kt_str needle)
{
    if (needle.len < MIN_NEEDLE) {
        return false;
    }
    if (contains(n, (const uint8_t *)needle.ptr, needle.len)) {
        return true; /* nothing changes, so the generation does not either */
    }
    if (n->shift == NULL && (n->shift = malloc(TABLE_SIZE)) == NULL) {
        return false;
    }
    if (n->n == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 8;
        struct needle *v = calloc(cap, sizeof(*v));
        if (v == NULL) {
            return false;
        }
        if (n->n > 0) {
            memcpy(v, n->v, n->n * sizeof(*v));
        }
        kt_wipe(n->v, n->cap * sizeof(*n->v));
        free(n->v);
        n->v = v;
        n->cap = cap;
    }
    uint8_t *copy = malloc(needle.len);
    if (copy == NULL) {
        return false;
    }
    memcpy(copy, needle.ptr, needle.len);
    n->v[n->n++] = (struct needle){.bytes = copy, .len = needle.len};
    size_t m = needle.len < MAX_WINDOW ? needle.len : MAX_WINDOW;
    if (n->n == 1 || m < n->window) {
        n->window = m;
    }
    if (needle.len > n->max_len) {
        n->max_len = needle.len;
    }
    build_table(n);
    n->generation++;
    return true;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Sextet s of the bit string in[0, len) (bits past the end read as zero). */
static char sextet(const uint8_t *in, size_t len, size_t s)
{
    size_t bit = s * 6, byte = bit / 8, off = bit % 8;
    unsigned v = (unsigned)(byte < len ? in[byte] : 0) << 8 | (byte + 1 < len ? in[byte + 1] : 0);
    return B64[(v >> (10 - off)) & 63];
}

/* Adds s and, when it holds '/', the same with every '/' written "\/" (JSON's optional
 * escape). out is scratch of at least 2 * s.len bytes. */
static bool add_with_escapes(struct kt_needles *n, struct kt_str s, char *out)
{
    if (s.len < MIN_NEEDLE) {
        return true; /* too short to be a useful form: the other forms still count */
    }
    if (!kt_needles_add(n, s)) {
        return false;
    }
    if (memchr(s.ptr, '/', s.len) == NULL) {
        return true;
    }
    size_t k = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '/') {
            out[k++] = '\\';
        }
        out[k++] = s.ptr[i];
    }
    return kt_needles_add(n, kt_str_make(out, k));
}

/* The base64 characters fully determined by token when it starts at byte `align` (0-2) of the
 * decoded text. shifted and chars are scratch of the right sizes. */
static bool add_basic_form(struct kt_needles *n, struct kt_str token, size_t align,
                           uint8_t *shifted, char *chars, char *esc)
{
    memset(shifted, 0, align);
    memcpy(shifted + align, token.ptr, token.len);
    size_t len = align + token.len;
    size_t first = (8 * align + 5) / 6; /* first sextet starting inside the token */
    size_t end = 8 * len / 6;           /* sextets ending inside it */
    size_t k = 0;
    for (size_t s = first; s < end; s++) {
        chars[k++] = sextet(shifted, len, s);
    }
    return add_with_escapes(n, kt_str_make(chars, k), esc);
}

/* base64 of the 32-byte digest without padding (43 characters), standard and url-safe. */
static bool add_hashed_token(struct kt_needles *n, struct kt_str token, char *esc)
{
    uint8_t md[KT_SHA256_LEN];
    if (!kt_cred_sha256(token.ptr, token.len, md)) {
        return true; /* no digest, no form: the literal still works */
    }
    char chars[44];
    size_t k = 0;
    for (size_t s = 0; s < (8 * KT_SHA256_LEN + 5) / 6; s++) {
        chars[k++] = sextet(md, sizeof(md), s);
    }
    bool ok = add_with_escapes(n, kt_str_make(chars, k), esc);
    for (size_t i = 0; i < k; i++) {
        chars[i] = chars[i] == '+' ? '-' : chars[i] == '/' ? '_' : chars[i];
    }
    ok = ok && kt_needles_add(n, kt_str_make(chars, k));
    kt_wipe(md, sizeof(md));
    kt_wipe(chars, sizeof(chars));
    return ok;
}

bool kt_needles_add_token(struct kt_needles *n, struct kt_str token)
{
    if (!kt_needles_add(n, token)) {
        return false;
    }
    if (token.len > TOKEN_FORMS_MAX) {
        return true;
    }
    size_t chars_cap = (8 * (token.len + 2)) / 6 + 1;
    uint8_t *shifted = malloc(token.len + 2);
    char *chars = malloc(chars_cap);
    char *esc = malloc(2 * (chars_cap > 44 ? chars_cap : 44));
    bool ok = shifted != NULL && chars != NULL && esc != NULL;
    for (size_t align = 0; ok && align < 3; align++) {
        ok = add_basic_form(n, token, align, shifted, chars, esc);
    }
    ok = ok && add_hashed_token(n, token, esc);
    if (shifted != NULL) {
        kt_wipe(shifted, token.len + 2);
    }
    if (chars != NULL) {
        kt_wipe(chars, chars_cap);
    }
    if (esc != NULL) {
        kt_wipe(esc, 2 * (chars_cap > 44 ? chars_cap : 44));
    }
    free(shifted);
    free(chars);
    free(esc);
    return ok;
}

void kt_needles_pass_all(struct kt_needles *n)
{
    n->pass_all = true;
    n->generation++;
}

bool kt_needles_passes_all(const struct kt_needles *n)
{
    return n->pass_all;
}

size_t kt_needles_max_len(const struct kt_needles *n)
{
    return n->max_len;
}

bool kt_needles_any(const struct kt_needles *n, const void *buf, size_t len)
{
    if (n->pass_all) {
        return true;
    }
    size_t m = n->window;
    if (n->n == 0 || len < m) {
        return false;
    }
    const uint8_t *p = buf;
    const uint8_t *shift = n->shift;
    size_t i = m - 1; /* the window's last byte */
    while (i < len) {
        uint16_t k = pair(p + i - 1);
        size_t s = shift[k];
        if (s != 0) {
            i += s;
            continue;
        }
        size_t start = i + 1 - m;
        for (size_t j = 0; j < n->n; j++) {
            const struct needle *nd = &n->v[j];
            if (nd->tail == k && nd->len <= len - start &&
                memcmp(p + start, nd->bytes, nd->len) == 0) {
                return true;
            }
        }
        i++;
    }
    return false;
}

uint32_t kt_needles_generation(const struct kt_needles *n)
{
    return n->generation;
}
