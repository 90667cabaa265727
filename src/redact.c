/*
 * The redactor's engine (redact.h): which bytes to hide, and writing the text with them
 * replaced. What a token looks like and where it ends is token.h's (the same answer
 * recognition gets); the hint a token is shown by comes from the entry point (redact_int.h):
 * recognition's own for the public ones (redact_hints.c), families only for
 * kt_redact_families, here.
 *
 * One pass finds spans to hide, then one pass writes the text with each span replaced:
 *
 *   1. %XX escapes (nested ones too: "%2563") and backslash-escaped separators ("\_", as the
 *      Markdown writer escapes them) are undone into a decoded copy with a map back to source
 *      offsets, so a token written as "npm_ab%63d..." or "ab\_cd..." is seen whole; spans found
 *      in the copy hide the escapes too.
 *   2. The copy is cut into runs of bytes that may belong to a secret ([A-Za-z0-9._~+/=-],
 *      KT_TOK_SECRET). Inside a run, at every byte: a family prefix or "eyJ" is tried
 *      liberally (kt_tok_at: no boundary is required on either side; inside a token found
 *      before, only a token that ends after it counts), then the 12-byte window is looked up
 *      among the run's remembered secrets. Then the high-entropy rule looks at the run's pieces.
 *   3. This record's short secrets are searched as plain substrings.
 *
 * Spans are sorted and merged; a merged span that is exactly one family token gets that
 * family's hint, any other gets "…" and its last four characters when they are alphanumeric.
 * Replacements consist of ASCII word bytes and "…", so they cannot break the JSON, HTML or
 * Markdown they are written into.
 *
 * The run's secret memory is a fixed open-addressing table of (window hash, length, hash of the
 * whole secret), 2 MiB, allocated on first use; when a probe sequence is full the oldest
 * candidate slot is overwritten. Hashes are keyed with the process's random seed (hash.h).
 * All state is process-wide and used from the thread that parses records.
 */
#include "redact_int.h"

#include <stdlib.h>

#include "base64.h"
#include "cred_internal.h"
#include "hash.h"
#include "token.h"
#include "utf8.h"

/* ---- the run's secret memory ------------------------------------------------------------ */

#define SET_SLOTS (1u << 17)
#define SET_PROBES 8

struct secret_slot {
    uint64_t head;  /* hash of the first KT_REDACT_WINDOW bytes; 0 = empty */
    uint32_t check; /* hash of the whole secret */
    uint32_t len;
};

static struct secret_slot *set_slots;
static size_t set_count;
/* A one-probe filter over the first four bytes of every remembered secret, so the window hash
 * is computed only where a secret may start (most positions fail here). */
#define FILTER_BITS (1u << 20)
static uint64_t *set_filter;
static unsigned set_victim;
static bool set_failed;

static inline uint32_t filter_bit(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return (uint32_t)(((uint64_t)v * 0x9e3779b97f4a7c15ULL) >> 44) & (FILTER_BITS - 1);
}

static inline bool filter_may_hold(const char *p)
{
    uint32_t b = filter_bit(p);
    return (set_filter[b >> 6] >> (b & 63)) & 1u;
}

static uint64_t head_hash(const char *p)
{
    return kt_hash(p, KT_REDACT_WINDOW) | 1u;
}

static uint32_t whole_hash(const char *p, size_t n)
{
    return (uint32_t)(kt_hash(p, n) >> 32);
}

static void set_insert(struct kt_str s)
{
    if (set_slots == NULL && !set_failed) {
        set_slots = calloc(SET_SLOTS, sizeof(*set_slots));
        set_filter = calloc(FILTER_BITS / 64, sizeof(*set_filter));
        set_failed = set_slots == NULL || set_filter == NULL;
        if (set_failed) {
            free(set_slots);
            free(set_filter);
            set_slots = NULL;
            set_filter = NULL;
        }
    }
    if (set_slots == NULL || s.len > UINT32_MAX) {
        return;
    }
    uint32_t b = filter_bit(s.ptr);
    set_filter[b >> 6] |= 1ULL << (b & 63);
    uint64_t h = head_hash(s.ptr);
    uint32_t c = whole_hash(s.ptr, s.len);
    size_t home = (size_t)(h >> 17) & (SET_SLOTS - 1);
    for (size_t k = 0; k < SET_PROBES; k++) {
        struct secret_slot *sl = &set_slots[(home + k) & (SET_SLOTS - 1)];
        if (sl->head == 0) {
            *sl = (struct secret_slot){h, c, (uint32_t)s.len};
            set_count++;
            return;
        }
        if (sl->head == h && sl->check == c && sl->len == s.len) {
            return;
        }
    }
    set_victim = (set_victim + 1) % SET_PROBES;
    set_slots[(home + set_victim) & (SET_SLOTS - 1)] = (struct secret_slot){h, c, (uint32_t)s.len};
}

/* The secret whose window starts at p, if any: returns its length (0 for none; SIZE_MAX for a
 * window match whose whole does not fit or differ, e.g. a secret cut short). */
static size_t set_lookup(const char *p, size_t avail)
{
    uint64_t h = head_hash(p);
    size_t home = (size_t)(h >> 17) & (SET_SLOTS - 1);
    bool window_hit = false;
    for (size_t k = 0; k < SET_PROBES; k++) {
        const struct secret_slot *sl = &set_slots[(home + k) & (SET_SLOTS - 1)];
        if (sl->head == 0) {
            break;
        }
        if (sl->head != h) {
            continue;
        }
        if (sl->len <= avail && sl->check == whole_hash(p, sl->len)) {
            return sl->len;
        }
        window_hit = true;
    }
    return window_hit ? SIZE_MAX : 0;
}

/* ---- this record's short secrets -------------------------------------------------------- */

#define REC_MAX 8
#define REC_BYTES 128

static char rec_buf[REC_BYTES];
static size_t rec_used;
static struct kt_str rec[REC_MAX];
static size_t n_rec;

static void rec_add(struct kt_str s)
{
    if (n_rec == REC_MAX || s.len > REC_BYTES - rec_used) {
        return;
    }
    for (size_t i = 0; i < n_rec; i++) {
        if (rec[i].len == s.len && memcmp(rec[i].ptr, s.ptr, s.len) == 0) {
            return;
        }
    }
    memcpy(rec_buf + rec_used, s.ptr, s.len);
    rec[n_rec++] = kt_str_make(rec_buf + rec_used, s.len);
    rec_used += s.len;
}

void kt_redact_record_end(void)
{
    if (rec_used > 0) {
        kt_wipe(rec_buf, rec_used);
    }
    rec_used = 0;
    n_rec = 0;
}

/* ---- secrets spelled with bytes no token has ---------------------------------------------
 * A password or a key given by hand ("p@ss:w0rd!Long…", "Secret With Spaces…") is never one
 * run of secret bytes, where the window set is searched: such a secret is kept whole and
 * searched for as bytes anywhere, and each of its runs long enough joins the window set. */

#define ODD_MAX 16
#define ODD_BYTES 2048

static char odd_buf[ODD_BYTES];
static size_t odd_used;
static struct kt_str odd[ODD_MAX];
static size_t n_odd;

static void odd_add(struct kt_str s)
{
    if (n_odd == ODD_MAX || s.len > ODD_BYTES - odd_used) {
        return;
    }
    for (size_t i = 0; i < n_odd; i++) {
        if (odd[i].len == s.len && memcmp(odd[i].ptr, s.ptr, s.len) == 0) {
            return;
        }
    }
    memcpy(odd_buf + odd_used, s.ptr, s.len);
    odd[n_odd++] = kt_str_make(odd_buf + odd_used, s.len);
    odd_used += s.len;
}

static void odd_forget(void)
{
    if (odd_used > 0) {
        kt_wipe(odd_buf, odd_used);
    }
    odd_used = 0;
    n_odd = 0;
}

/* Notes s's runs of secret bytes; false when s is one run (no byte outside the class). */
static bool note_runs(struct kt_str s)
{
    bool split = false;
    for (size_t i = 0; i < s.len;) {
        if (!kt_tok_is((unsigned char)s.ptr[i], KT_TOK_SECRET)) {
            split = true;
            i++;
            continue;
        }
        size_t j = i;
        while (j < s.len && kt_tok_is((unsigned char)s.ptr[j], KT_TOK_SECRET)) {
            j++;
        }
        if (j - i >= KT_REDACT_WINDOW && (i > 0 || j < s.len)) {
            set_insert(kt_str_make(s.ptr + i, j - i));
        }
        i = j;
    }
    return split;
}

void kt_redact_note_secret(struct kt_str s)
{
    while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) {
        s.len--;
    }
    if (s.len >= KT_REDACT_RECORD_MIN && note_runs(s)) {
        odd_add(s);
    }
    if (s.len >= KT_REDACT_WINDOW) {
        set_insert(s);
    } else if (s.len >= KT_REDACT_RECORD_MIN) {
        rec_add(s);
    }
}

static bool scheme_is(struct kt_str scheme, const char *name)
{
    size_t n = strlen(name);
    if (scheme.len != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = scheme.ptr[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != name[i]) {
            return false;
        }
    }
    return true;
}

/* Basic: the encoded value, and the password it decodes to. */
static void note_basic(struct kt_str encoded)
{
    uint8_t plain[512];
    size_t n = 0;
    kt_redact_note_secret(encoded);
    if (encoded.len > 600 || !kt_base64_decode(encoded, KT_B64_STD | KT_B64_URL | KT_B64_PAD_OK,
                                               plain, sizeof(plain), &n)) {
        goto out;
    }
    const uint8_t *colon = memchr(plain, ':', n);
    if (colon != NULL) {
        size_t off = (size_t)(colon - plain) + 1;
        kt_redact_note_secret(kt_str_make((const char *)plain + off, n - off));
    }
out:
    kt_wipe(plain, sizeof(plain));
}

void kt_redact_note_cand(const struct kt_cand *cand)
{
    if (cand == NULL || cand->value.ptr == NULL) {
        return;
    }
    struct kt_str v = cand->value;
    switch (cand->kind) {
    case KT_CAND_AWS_KEY_ID:
    case KT_CAND_HASHED_TOKEN:
    case KT_CAND_BASIC_USER:
    case KT_CAND__COUNT: return;
    case KT_CAND_TOKEN:
    case KT_CAND_TOKEN_WEAK:
    case KT_CAND_EXPLICIT: kt_redact_note_secret(v); return;
    case KT_CAND_AUTHORIZATION: break;
    }
    while (v.len > 0 && (v.ptr[0] == ' ' || v.ptr[0] == '\t')) {
        v.ptr++;
        v.len--;
    }
    const char *sp = memchr(v.ptr, ' ', v.len);
    if (sp == NULL) {
        kt_redact_note_secret(v);
        return;
    }
    struct kt_str scheme = kt_str_make(v.ptr, (size_t)(sp - v.ptr));
    struct kt_str rest = kt_str_make(sp + 1, v.len - scheme.len - 1);
    /* AWS signatures name the (public) key id and sign one request: nothing to remember. */
    if (scheme_is(scheme, "aws4-hmac-sha256") || scheme_is(scheme, "aws")) {
        return;
    }
    if (scheme_is(scheme, "basic")) {
        note_basic(rest);
        return;
    }
    kt_redact_note_secret(rest);
}

size_t kt_redact_known(void)
{
    return set_count;
}

void kt_redact_forget_all(void)
{
    free(set_slots);
    free(set_filter);
    set_slots = NULL;
    set_filter = NULL;
    set_count = 0;
    set_failed = false;
    odd_forget();
    kt_redact_record_end();
}

/* ---- finding spans ---------------------------------------------------------------------- */

enum span_kind {
    SPAN_SECRET = 0, /* anything without a family hint */
    SPAN_FAMILY,
    SPAN_JWT,
};

struct span {
    size_t s, e; /* in decoded coordinates */
    enum span_kind kind;
};

#define LOCAL_SPANS 32

struct spans {
    struct span *v;
    size_t n, cap;
    struct span local[LOCAL_SPANS];
    size_t hide_from; /* out of memory: hide everything from here on (SIZE_MAX: never) */
};

static void spans_init(struct spans *sp)
{
    sp->v = sp->local;
    sp->n = 0;
    sp->cap = LOCAL_SPANS;
    sp->hide_from = SIZE_MAX;
}

static void spans_fini(struct spans *sp)
{
    if (sp->v != sp->local) {
        free(sp->v);
    }
}

static void span_add(struct spans *sp, size_t s, size_t e, enum span_kind kind)
{
    if (sp->n == sp->cap) {
        size_t cap = sp->cap * 2;
        struct span *v = malloc(cap * sizeof(*v));
        if (v == NULL) {
            sp->hide_from = KT_MIN(sp->hide_from, s);
            return;
        }
        memcpy(v, sp->v, sp->n * sizeof(*v));
        if (sp->v != sp->local) {
            free(sp->v);
        }
        sp->v = v;
        sp->cap = cap;
    }
    sp->v[sp->n++] = (struct span){s, e, kind};
}

static inline bool secret_byte(unsigned char c)
{
    return kt_tok_is(c, KT_TOK_SECRET);
}

static inline bool is_alnum(unsigned char c)
{
    return kt_tok_is(c, KT_TOK_ALNUM);
}

static bool is_hex_lower(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Identifiers outputs name keys by: "kt1-" + 24 hex, and AWS access key ids. */
static bool is_public_id(struct kt_str s)
{
    if (s.len == KT_KEYID_STRLEN && memcmp(s.ptr, "kt1-", 4) == 0) {
        for (size_t i = 4; i < s.len; i++) {
            if (!is_hex_lower((unsigned char)s.ptr[i])) {
                return false;
            }
        }
        return true;
    }
    if (s.len == 20 && (memcmp(s.ptr, "AKIA", 4) == 0 || memcmp(s.ptr, "ASIA", 4) == 0)) {
        for (size_t i = 4; i < s.len; i++) {
            unsigned char c = (unsigned char)s.ptr[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
    return false;
}

static bool overlaps(const struct spans *sp, size_t from, size_t s, size_t e)
{
    for (size_t k = from; k < sp->n; k++) {
        if (sp->v[k].s < e && s < sp->v[k].e) {
            return true;
        }
    }
    return false;
}

/* Whether a family token or a JWT among sp->v[from, upto) overlaps [s, e): their hints are
 * kept whole, so random text around them is not merged in. Other spans merge. */
static bool overlaps_token(const struct spans *sp, size_t from, size_t upto, size_t s, size_t e)
{
    for (size_t k = from; k < upto; k++) {
        if (sp->v[k].kind != SPAN_SECRET && sp->v[k].s < e && s < sp->v[k].e) {
            return true;
        }
    }
    return false;
}

static size_t count_letters(struct kt_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        n += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return n;
}

static bool hex_only(struct kt_str g, size_t *digits)
{
    size_t n = 0;
    for (size_t i = 0; i < g.len; i++) {
        unsigned char c = (unsigned char)g.ptr[i];
        if (is_alnum(c)) {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
            n++;
        }
    }
    *digits = n;
    return true;
}

/* A group of segments that reads as random: long enough, letters and another class, high
 * entropy (the generic token thresholds). Hex needs 128 bits (32 digits, as in a UUID, an MD5
 * or an API key): shorter hex is an instance, commit or request id. There is no upper bound:
 * a random run too long to be a token is still no text to show. */
static bool looks_random(struct kt_str g)
{
    if (g.len < 16 || is_public_id(g) || count_letters(g) < 3) {
        return false;
    }
    size_t hex = 0;
    if (hex_only(g, &hex) && hex < 32) {
        return false;
    }
    bool upper = false, lower = false, digit = false, other = false;
    for (size_t i = 0; i < g.len; i++) {
        unsigned char c = (unsigned char)g.ptr[i];
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        digit |= c >= '0' && c <= '9';
        other |= !is_alnum(c);
    }
    if ((int)upper + (int)lower + (int)digit + (int)other < 2) {
        return false;
    }
    return kt_entropy_bits(g) >= (g.len >= 20 ? 3.5 : 3.0);
}

/* Camel-case words and a version date, as AWS spells API operations
 * ("ListFunctions20150331", "GetFunction20150331v2"): words, not a secret. */
static bool camel_dated(struct kt_str p)
{
    size_t i = 0, words = 0;
    while (i < p.len && p.ptr[i] >= 'A' && p.ptr[i] <= 'Z') {
        size_t k = i + 1;
        while (k < p.len && p.ptr[k] >= 'a' && p.ptr[k] <= 'z') {
            k++;
        }
        if (k - i < 3) {
            return false;
        }
        words++;
        i = k;
    }
    size_t digits = 0;
    while (i < p.len && p.ptr[i] >= '0' && p.ptr[i] <= '9') {
        i++;
        digits++;
    }
    if (i < p.len && p.ptr[i] == 'v') {
        i++;
        size_t v = 0;
        while (i < p.len && v < 3 && p.ptr[i] >= '0' && p.ptr[i] <= '9') {
            i++;
            v++;
        }
        if (v == 0) {
            return false;
        }
    }
    return words > 0 && digits >= 3 && digits <= 8 && i == p.len;
}

static int hexval(unsigned char c);

static bool all_digits(struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9') {
            return false;
        }
    }
    return s.len > 0;
}

/* Adds a secret span for [s, e) unless a family token or JWT of this run, or a public id,
 * overlaps it (remembered secrets merge with it). */
static void span_add_unless(struct spans *sp, size_t first, const struct spans *pub, size_t s,
                            size_t e)
{
    if (!overlaps_token(sp, first, sp->n, s, e) && !overlaps(pub, 0, s, e)) {
        span_add(sp, s, e, SPAN_SECRET);
    }
}

/* Random bytes a run needs before it may be hidden whole (more than a UUID path holds). */
#define MOSTLY_RANDOM_MIN 64

/* The longest chance word kept at a blob's edge: longer ones are names ("nonexistent"). */
#define BLOB_EDGE_WORD_MAX 8

/*
 * Widens a base64 blob's span [*start, *end) over the short segments its own separators ('+',
 * '/') join to it at either edge. They read as words by chance ("+LMEKU/RGy/X"), and a blob
 * cut short — a token inside a path whose directory is printed — ends on them: left out, they
 * would show a piece of the secret.
 */
static void blob_edges(const char *d, size_t i, size_t j, size_t *start, size_t *end)
{
    size_t e = *end;
    while (e < j && (d[e] == '+' || d[e] == '/')) {
        size_t q = e + 1;
        while (q < j && is_alnum((unsigned char)d[q])) {
            q++;
        }
        if (q - e - 1 > BLOB_EDGE_WORD_MAX) {
            break;
        }
        e = q;
    }
    size_t s = *start;
    while (s > i && (d[s - 1] == '+' || d[s - 1] == '/')) {
        size_t q = s - 1;
        while (q > i && is_alnum((unsigned char)d[q - 1])) {
            q--;
        }
        if (s - 1 - q > BLOB_EDGE_WORD_MAX) {
            break;
        }
        s = q;
    }
    *start = s;
    *end = e;
}

/*
 * The high-entropy rule over one run. The run is cut into alphanumeric segments at its
 * separators (. _ - ~ + / =). A segment that reads as words ("payments", "v2", "x86", "Chrome",
 * "ListFunctions20150331") ends a group; one of three bytes or fewer, or an empty one, joins a
 * group already open; any other segment opens or extends one. '=' always ends a group (a
 * name=value pair). Each group that looks random is hidden: so a UUID or a base64 secret with
 * '/' inside is hidden whole, and a file name keeps its words around the random part
 * ("…_20261012T0357Z_EtR8O5WXZEzdqCGz.json.gz" keeps ".json.gz").
 */
static void entropy_spans(const char *d, size_t i, size_t j, struct spans *sp, size_t first,
                          const struct spans *pub)
{
    size_t g_start = SIZE_MAX, g_end = 0;
    /* The run as a whole: where its random segments start and end, how many bytes they and
     * its words hold, and whether a group was hidden. */
    size_t r_start = SIZE_MAX, r_end = 0, random_bytes = 0, word_bytes = 0;
    bool hid = false;
    size_t p = i;
    while (p <= j) {
        size_t q = p;
        while (q < j && is_alnum((unsigned char)d[q])) {
            q++;
        }
        struct kt_str seg = kt_str_make(d + p, q - p);
        bool random_seg = seg.len > 3 && !kt_cred_all_wordy(seg) && !camel_dated(seg);
        if (random_seg) {
            r_start = KT_MIN(r_start, p);
            r_end = q;
            random_bytes += seg.len;
        } else if (seg.len > 3 && !all_digits(seg)) {
            word_bytes += seg.len;
        }
        /* Numbers inside a random group ("...-0635-...") do not end it. */
        bool joins = (seg.len <= 3 || all_digits(seg)) && g_start != SIZE_MAX;
        if (random_seg) {
            if (g_start == SIZE_MAX) {
                g_start = p;
            }
            g_end = q;
        }
        bool close = (!random_seg && !joins) || q == j || d[q] == '=';
        if (close && g_start != SIZE_MAX) {
            if (looks_random(kt_str_make(d + g_start, g_end - g_start))) {
                span_add_unless(sp, first, pub, g_start, g_end);
                hid = true;
            }
            g_start = SIZE_MAX;
        }
        p = q + 1;
    }
    /* Long base64 (a session token, a signed blob) holds segments that read as words by
     * chance ("+abcdefXyz12+"), which cut it into groups and would show between them. A run
     * that is mostly random is hidden from its first random segment to its last. */
    if (hid && random_bytes >= MOSTLY_RANDOM_MIN && word_bytes * 4 <= random_bytes) {
        blob_edges(d, i, j, &r_start, &r_end);
        span_add_unless(sp, first, pub, r_start, r_end);
    }
}

static bool hex_run(const char *p, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (hexval((unsigned char)p[k]) < 0) {
            return false;
        }
    }
    return true;
}

/*
 * UUIDs (8-4-4-4-12 hex digits) in the run d[i, j), found by their dashes whatever touches them
 * ("x" + a UUID, a UUID + "_old"). The high-entropy rule misses many: a group of four digits
 * reads as a number, and hex has too little entropy per byte once a letter is glued on.
 */
static void uuid_spans(const char *d, size_t i, size_t j, struct spans *sp, size_t first,
                       size_t upto, const struct spans *pub)
{
    for (size_t q = i + 8; q + 28 <= j;) {
        const char *dash = memchr(d + q, '-', j - q - 27);
        if (dash == NULL) {
            return;
        }
        q = (size_t)(dash - d);
        const char *u = d + q - 8;
        if (hex_run(u, 8) && hex_run(u + 9, 4) && u[13] == '-' && hex_run(u + 14, 4) &&
            u[18] == '-' && hex_run(u + 19, 4) && u[23] == '-' && hex_run(u + 24, 12)) {
            if (!overlaps(pub, 0, q - 8, q + 28) &&
                !overlaps_token(sp, first, upto, q - 8, q + 28)) {
                span_add(sp, q - 8, q + 28, SPAN_SECRET);
            }
            q += 28;
        } else {
            q++;
        }
    }
}

/* Families, JWTs and remembered secrets inside the run d[i, j). */
static void scan_run(const char *d, size_t i, size_t j, struct spans *sp, bool all)
{
    size_t first = sp->n;
    struct spans pub; /* AWS key ids: shown whole, and not random text either */
    spans_init(&pub);
    bool jwt = all;
    bool set = all && set_slots != NULL && set_count > 0;
    size_t p = i;
    size_t tok_end = i; /* end of the family token or JWT last found */
    while (p < j) {
        size_t avail = j - p;
        /* The pair filter knows the families' prefixes; "eyJ" is the JWTs' own. */
        /* Inside a token, a token that starts there and ends after it is looked for too: a
         * token cut short and glued to the next ("sk-ant-…-sk-ant-api03-…") ends, at its
         * family's longest length, inside the next, which recognition keys whole. */
        if (kt_tok_may_begin(d + p, avail, jwt)) {
            struct kt_tok tok;
            size_t n = kt_tok_at(kt_str_make(d + p, avail), KT_TOK_LIBERAL, jwt, &tok);
            bool aws = n > 0 && tok.kind == KT_TOK_FAMILY && tok.row->family == KT_FAM_AWS;
            if (aws && p >= tok_end) {
                /* Public, so it is kept, but a secret may start inside it. */
                span_add(&pub, p, p + n, SPAN_FAMILY);
            } else if (n > 0 && !aws && p + n > tok_end) {
                span_add(sp, p, p + n, tok.kind == KT_TOK_JWT ? SPAN_JWT : SPAN_FAMILY);
                tok_end = p + n;
            }
        }
        /* Known secrets are looked for inside tokens too: a token cut at its family's longest
         * length ("SG." and 66 bytes) may end inside a secret that follows it, whose start
         * would then be shown in the token's hint and the rest after it. */
        if (set && avail >= KT_REDACT_WINDOW && filter_may_hold(d + p)) {
            size_t n = set_lookup(d + p, avail);
            if (n == SIZE_MAX) {
                /* A known secret's start, cut short or changed ('/' written as '_'): what
                 * follows in the run is taken as the rest of it. */
                n = avail;
            }
            if (n > 0) {
                span_add(sp, p, p + n, SPAN_SECRET);
                p += n;
                continue;
            }
        }
        p++;
    }
    if (all && j - i >= 16) {
        size_t tokens_end = sp->n;
        entropy_spans(d, i, j, sp, first, &pub);
        if (j - i >= 36) {
            /* After the groups, which may overlap a UUID (they merge); tokens may not. */
            uuid_spans(d, i, j, sp, first, tokens_end, &pub);
        }
    }
    spans_fini(&pub);
}

/* First occurrence of needle (n > 0 bytes) in hay, or NULL (memmem is not POSIX). */
static const char *find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
    while (len >= n) {
        const char *c = memchr(hay, needle[0], len - n + 1);
        if (c == NULL) {
            return NULL;
        }
        if (memcmp(c, needle, n) == 0) {
            return c;
        }
        len -= (size_t)(c - hay) + 1;
        hay = c + 1;
    }
    return NULL;
}

static void literal_spans(const char *d, size_t len, struct spans *sp, const struct kt_str *lit,
                          size_t n_lit);

static void record_spans(const char *d, size_t len, struct spans *sp)
{
    literal_spans(d, len, sp, rec, n_rec);
    literal_spans(d, len, sp, odd, n_odd);
}

/* Every occurrence of the byte strings lit[0, n_lit) in d. */
static void literal_spans(const char *d, size_t len, struct spans *sp, const struct kt_str *lit,
                          size_t n_lit)
{
    for (size_t r = 0; r < n_lit; r++) {
        size_t off = 0;
        while (off + lit[r].len <= len) {
            const char *hit = find_bytes(d + off, len - off, lit[r].ptr, lit[r].len);
            if (hit == NULL) {
                break;
            }
            size_t s = (size_t)(hit - d);
            span_add(sp, s, s + lit[r].len, SPAN_SECRET);
            off = s + lit[r].len;
        }
    }
}

static int span_cmp(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->s != y->s) {
        return x->s < y->s ? -1 : 1;
    }
    return x->e < y->e ? 1 : (x->e > y->e ? -1 : 0);
}

/* Sorts and merges overlapping or touching spans; a merge of different spans is a secret. */
static void spans_merge(struct spans *sp)
{
    if (sp->n < 2) {
        return;
    }
    qsort(sp->v, sp->n, sizeof(*sp->v), span_cmp);
    size_t w = 0;
    for (size_t r = 1; r < sp->n; r++) {
        struct span *last = &sp->v[w];
        if (sp->v[r].s <= last->e) {
            if (sp->v[r].e > last->e || sp->v[r].s != last->s) {
                last->kind = SPAN_SECRET;
            }
            last->e = KT_MAX(last->e, sp->v[r].e);
        } else {
            sp->v[++w] = sp->v[r];
        }
    }
    sp->n = w + 1;
}

/* ---- the decoded view ------------------------------------------------------------------- */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (unsigned char)(c | 0x20);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static bool is_escape(const char *p, size_t avail)
{
    return avail >= 3 && p[0] == '%' && hexval((unsigned char)p[1]) >= 0 &&
           hexval((unsigned char)p[2]) >= 0;
}

/* A backslash before a separator a secret may hold, as the Markdown writer escapes "_" and "~"
 * (and as JSON may write "\/"): the separator itself, so "tok\_en" is seen as "tok_en". */
static bool is_bs_escape(const char *p, size_t avail)
{
    return avail >= 2 && p[0] == '\\' && p[1] != '\0' && strchr("_~.-+/=", p[1]) != NULL;
}

/* Length of the escape at p (0 for none), and the byte it stands for. */
static size_t escape_at(const char *p, size_t avail, char *c)
{
    if (is_escape(p, avail)) {
        *c = (char)(hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
        return 3;
    }
    if (is_bs_escape(p, avail)) {
        *c = p[1];
        return 2;
    }
    return 0;
}

/* Whether p[0, n) holds an escape of either kind. */
static bool has_escape(const char *p, size_t n, char lead)
{
    const char *end = p + n;
    for (const char *q = p; (q = memchr(q, lead, (size_t)(end - q))) != NULL; q++) {
        char c;
        if (escape_at(q, (size_t)(end - q), &c) > 0) {
            return true;
        }
    }
    return false;
}

struct decoded {
    const char *d;
    size_t len;
    size_t *map; /* map[k]: source offset of decoded byte k; map[len] = source length */
    char *owned;
};

/* Escapes nested in escapes ("%2541", a URL encoded twice or more) are undone up to this deep. */
#define DECODE_ROUNDS 4

/*
 * Undoes %XX escapes (nested ones too) and backslash-escaped separators; without any (or
 * without memory) the view is the source itself.
 */
static void decode(struct kt_str src, struct decoded *out)
{
    *out = (struct decoded){src.ptr, src.len, NULL, NULL};
    if (!has_escape(src.ptr, src.len, '%') && !has_escape(src.ptr, src.len, '\\')) {
        return;
    }
    char *d = malloc(src.len);
    size_t *map = malloc((src.len + 1) * sizeof(*map));
    if (d == NULL || map == NULL) {
        free(d);
        free(map);
        return;
    }
    memcpy(d, src.ptr, src.len);
    for (size_t i = 0; i <= src.len; i++) {
        map[i] = i;
    }
    size_t len = src.len;
    /* Each round decodes d in place (it only shrinks), keeping the map to source offsets. */
    for (unsigned round = 0; round < DECODE_ROUNDS; round++) {
        size_t k = 0;
        bool changed = false;
        for (size_t i = 0; i < len;) {
            char c;
            size_t n = escape_at(d + i, len - i, &c);
            map[k] = map[i];
            if (n > 0) {
                d[k++] = c;
                i += n;
                changed = true;
            } else {
                d[k++] = d[i++];
            }
        }
        map[k] = src.len;
        if (k < len) {
            kt_wipe(d + k, len - k);
        }
        len = k;
        if (!changed || !has_escape(d, len, '%')) {
            break;
        }
    }
    *out = (struct decoded){d, len, map, d};
}

static void decoded_fini(struct decoded *dv)
{
    if (dv->owned != NULL) {
        kt_wipe(dv->owned, dv->len);
        free(dv->owned);
    }
    free(dv->map);
}

static size_t src_off(const struct decoded *dv, size_t k)
{
    return dv->map != NULL ? dv->map[k] : k;
}

/* ---- writing ---------------------------------------------------------------------------- */

struct sink {
    char *buf;
    size_t len, cap;
    struct kt_rbuf *rb; /* growable; NULL for a fixed buffer (cap includes the NUL) */
    bool full, oom;
    const struct kt_redact_how *how;
};

static void sink_raw(struct sink *k, const char *p, size_t n)
{
    if (k->full || k->oom || n == 0) {
        return;
    }
    if (k->rb != NULL) {
        if (k->rb->cap - k->rb->len < n) {
            size_t cap = KT_MAX(k->rb->cap * 2, k->rb->len + n + 256);
            char *nb = realloc(k->rb->buf, cap);
            if (nb == NULL) {
                k->oom = true;
                return;
            }
            k->rb->buf = nb;
            k->rb->cap = cap;
        }
        memcpy(k->rb->buf + k->rb->len, p, n);
        k->rb->len += n;
        return;
    }
    size_t room = k->cap - 1 - k->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80) {
            n--;
        }
        k->full = true;
    }
    memcpy(k->buf + k->len, p, n);
    k->len += n;
}

/* Copies source bytes; for names, control bytes and invalid UTF-8 become \xHH. */
static void sink_text(struct sink *k, const char *p, size_t n)
{
    if (!k->how->escape) {
        sink_raw(k, p, n);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)p + i;
        size_t seq = kt_utf8_seq(u, n - i);
        if (seq != 0 && !(seq == 1 && (u[0] < 0x20 || u[0] == 0x7f))) {
            i += seq;
            run += seq;
            continue;
        }
        sink_raw(k, p + i - run, run);
        run = 0;
        static const char hex[] = "0123456789abcdef";
        char esc[4] = {'\\', 'x', hex[u[0] >> 4], hex[u[0] & 15]};
        sink_raw(k, esc, 4);
        i++;
    }
    sink_raw(k, p + n - run, run);
}

static void put_last4(struct sink *k, const char *p, size_t n)
{
    if (n < 16) {
        return;
    }
    for (size_t i = n - 4; i < n; i++) {
        if (!is_alnum((unsigned char)p[i])) {
            return;
        }
    }
    sink_raw(k, p + n - 4, 4);
}

/* A hint may stand in any output only if it cannot close a JSON string or an HTML attribute,
 * or start Markdown markup: claims in JWT hints come from the token's author. */
static bool hint_safe(const char *h)
{
    for (const unsigned char *p = (const unsigned char *)h; *p != '\0'; p++) {
        if (*p < 0x20 || strchr("\"\\<>&'`|*[]", *p) != NULL) {
            return false;
        }
    }
    return true;
}

static void put_replacement(struct sink *k, const struct span *s, const char *d, size_t len)
{
    const char *p = d + s->s;
    size_t n = s->e - s->s;
    if (s->kind == SPAN_FAMILY || s->kind == SPAN_JWT) {
        struct kt_cred cred;
        memset(&cred, 0, sizeof(cred));
        struct kt_str tok = kt_str_make(p, n);
        bool ok = k->how->hint(s->kind == SPAN_FAMILY ? KT_TOK_FAMILY : KT_TOK_JWT, tok, &cred);
        if (ok && hint_safe(cred.hint)) {
            sink_raw(k, cred.hint, strlen(cred.hint));
            return;
        }
    }
    if (s->kind == SPAN_JWT) {
        sink_raw(k, "eyJ", 3);
    }
    sink_raw(k, KT_ELLIPSIS, sizeof(KT_ELLIPSIS) - 1);
    /* The last four only where the span ends its secret: followed by more of what may be
     * the same secret ("+abc", "/Xy"), they would add to the bytes shown after it. */
    unsigned char next = s->e < len ? (unsigned char)d[s->e] : 0;
    if (!is_alnum(next) && next != '+' && next != '/' && next != '=') {
        put_last4(k, p, n);
    }
}

/* Every span of d[0, len): this record's short secrets, then each run of secret bytes. */
static void find_spans(const char *d, size_t len, struct spans *sp, bool all)
{
    if (all) {
        record_spans(d, len, sp);
    }
    for (size_t i = 0; i < len;) {
        if (!secret_byte((unsigned char)d[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && secret_byte((unsigned char)d[j])) {
            j++;
        }
        scan_run(d, i, j, sp, all);
        i = j;
    }
}

/* The decoded byte where source offset s falls (the last one that starts at or before it). */
static size_t dec_floor(const struct decoded *dv, size_t s)
{
    size_t lo = 0, hi = dv->len; /* dv->map[0] = 0 <= s */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (dv->map[mid] <= s) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

/* The first decoded offset that starts at or after source offset e. */
static size_t dec_ceil(const struct decoded *dv, size_t e)
{
    size_t lo = 0, hi = dv->len; /* dv->map[len] = the source length >= e */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dv->map[mid] >= e) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return lo;
}

/* Whether one of the sorted, disjoint spans sp->v[0, n) holds all of [s, e). */
static bool covered(const struct spans *sp, size_t n, size_t s, size_t e)
{
    size_t lo = 0, hi = n; /* the first span starting after s */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->v[mid].s <= s) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo > 0 && sp->v[lo - 1].e >= e;
}

/*
 * The spans of the raw text, added in decoded coordinates (widened to whole decoded bytes); a
 * family span keeps its hint only where the decoded bytes still spell the token. What the
 * decoded copy already hides whole is left to it (with its hint). Undoing escapes can also break a
 * secret: "%" before a secret that starts with two hex digits ("%97ab…") decodes them into one
 * byte, so the decoded copy alone would miss it.
 */
static void raw_spans(struct kt_str text, const struct decoded *dv, struct spans *sp, bool all)
{
    struct spans raw;
    spans_init(&raw);
    find_spans(text.ptr, text.len, &raw, all);
    spans_merge(sp); /* sorted and disjoint, so covered() can search it */
    size_t found = sp->n;
    for (size_t r = 0; r < raw.n; r++) {
        size_t s = dec_floor(dv, raw.v[r].s), e = dec_ceil(dv, raw.v[r].e);
        if (!covered(sp, found, s, e)) {
            span_add(sp, s, e, raw.v[r].kind);
        }
    }
    if (raw.hide_from != SIZE_MAX) {
        sp->hide_from = KT_MIN(sp->hide_from, dec_floor(dv, raw.hide_from));
    }
    spans_fini(&raw);
}

static void redact_into(struct kt_str text, struct sink *k)
{
    if (text.ptr == NULL || text.len == 0) {
        return;
    }
    struct decoded dv;
    decode(text, &dv);
    struct spans sp;
    spans_init(&sp);
    find_spans(dv.d, dv.len, &sp, !k->how->families_only);
    if (dv.map != NULL) {
        raw_spans(text, &dv, &sp, !k->how->families_only);
    }
    spans_merge(&sp);
    size_t pos = 0; /* source offset written so far */
    for (size_t r = 0; r < sp.n; r++) {
        size_t s = src_off(&dv, sp.v[r].s), e = src_off(&dv, sp.v[r].e);
        if (s >= src_off(&dv, KT_MIN(sp.hide_from, dv.len))) {
            break;
        }
        sink_text(k, text.ptr + pos, s - pos);
        put_replacement(k, &sp.v[r], dv.d, dv.len);
        pos = e;
    }
    if (sp.hide_from != SIZE_MAX) {
        size_t h = src_off(&dv, KT_MIN(sp.hide_from, dv.len));
        if (h > pos) {
            sink_text(k, text.ptr + pos, h - pos);
        }
        sink_raw(k, KT_ELLIPSIS, sizeof(KT_ELLIPSIS) - 1);
    } else {
        sink_text(k, text.ptr + pos, text.len - pos);
    }
    spans_fini(&sp);
    decoded_fini(&dv);
}

size_t kt_redact_fixed(struct kt_str text, char *out, size_t cap, const struct kt_redact_how *how)
{
    if (out == NULL || cap == 0) {
        return 0;
    }
    struct sink k = {.buf = out, .cap = cap, .how = how};
    redact_into(text, &k);
    out[k.len] = '\0';
    return k.len;
}

bool kt_redact_append_how(struct kt_rbuf *rb, struct kt_str text, const struct kt_redact_how *how)
{
    size_t before = rb->len;
    struct sink k = {.rb = rb, .how = how};
    redact_into(text, &k);
    if (k.oom) {
        rb->len = before;
        return false;
    }
    return true;
}

/* Families only: a JWT is never a span here, so its hint is never asked for. */
static bool family_hint(enum kt_tok_kind kind, struct kt_str tok, struct kt_cred *out)
{
    return kind == KT_TOK_FAMILY && kt_cred_match_family(tok, out);
}

size_t kt_redact_families(struct kt_str text, char *out, size_t cap)
{
    static const struct kt_redact_how how = {.hint = family_hint, .families_only = true};
    return kt_redact_fixed(text, out, cap, &how);
}
