/*
 * Targeted JSON scanner: validates one JSON value strictly and captures the members named by a
 * compiled path table, without building a DOM (contract in json_scan.h).
 *
 * How it works. One forward pass. The text is cut into 64-byte blocks and, a window of eight
 * blocks at a time, each block gets a mask of its "stop" bytes ('"', '\\', NUL) computed with
 * SSE2 or AVX2 (json_scan_str.h). Inside a string nothing else matters to validation, so the
 * end of a string is found by popping bits off the current mask word, which the scan keeps in
 * a register (scan_string_it): the next string's end never waits for a load that depends on
 * where the previous one ended, which is what limits a byte-walking scanner. Escapes, window
 * ends and errors go to an out-of-line slow path. Numbers (eight digits at a time), literals
 * and punctuation are checked in place, with a straight-line fast path for the most common
 * shape, "name":"value", without whitespace.
 *
 * Two loops share those helpers. skip_value() validates any value; its container stack is one
 * 64-bit word (bit d set: the container at depth d is an object), so nested subtrees cost no
 * calls and no memory. extract_root() walks only the objects on a path (the root,
 * "request", "request.headers", ...), looks each member name up among the children of the
 * current trie node, captures matched values, and hands every other container to skip_value.
 *
 * Paths compile into a trie of lower-cased names laid out in depth-first order, so a node's
 * subtree is a contiguous range (cleared when a member repeats). Each node has a 64-bit mask of
 * its children's name lengths, which rejects most member names with one bit test, and a small
 * open-addressing table hashed on length, first, middle and last byte. Names are compared as
 * the path spells them first, folding case only where that differs; escaped member names are
 * decoded (slow path) before matching.
 *
 * Accepted grammar: json-c 0.16 in JSON_TOKENER_STRICT mode, as measured (tests compare the two
 * on fixtures, samples and many thousands of generated and mutated documents):
 *   - whitespace is exactly space, \t, \n, \r (not \f or \v); no comments; no trailing commas;
 *   - strings: any byte but NUL, including raw control bytes 0x01-0x1f and bytes >= 0x80 (UTF-8
 *     is not validated); escapes \" \\ \/ \b \f \n \r \t \uXXXX; "\u0000" and lone surrogates
 *     are valid (they decode to NUL and U+FFFD);
 *   - numbers: json-c reads the longest run of number characters and then converts it with
 *     strtoll/strtoull/strtod, so it accepts "-01", "00", "-00", "1.", "-.5", "1.e5", "00.5" and
 *     out-of-range values ("1e400", 20-digit integers), but rejects "01", "007", ".5", "1e",
 *     "-", "+1"; inside a container a number must be followed by whitespace , ] or };
 *   - literals true, false, null and the json-c extensions NaN, Infinity, -Infinity (all
 *     case-sensitive);
 *   - a NUL byte anywhere inside the value is invalid;
 *   - duplicate member names are allowed: the last one wins;
 *   - any value type at the top level (kt_json_skip); like json-c, a top-level number or literal
 *     that runs to the very end of the text is KT_JSON_INCOMPLETE ("12" may become "123", and
 *     json-c wants the byte after "true" before it finishes it).
 * KT_JSON_INCOMPLETE corresponds to json-c's json_tokener_continue: the text ended before the
 * value did. Trailing bytes after the value are left to the caller (*consumed says where the
 * value ended); json-c in strict mode rejects anything but whitespace there.
 *
 * Intended deviations from json-c 0.16 strict mode:
 *   1. Member names in single quotes ({'a':1}) are rejected. json-c's strict mode accepts them
 *      (only for member names; its own comment says strict mode allows only double quotes).
 *      They are not JSON and no logger writes them.
 *   2. Depth: at most KT_JSON_MAX_DEPTH (64) containers may be open at once; the 65th opening
 *      bracket gives KT_JSON_TOO_DEEP. json-c's default limit is 32 levels and counts scalars
 *      too (a value inside 32 nested arrays is too deep for it), so documents nested 32 to 64
 *      deep are accepted here and rejected by json-c. (Exactly: ours equals json-c's
 *      json_tokener_new_ex(64) around an empty innermost container and json_tokener_new_ex(65)
 *      around a scalar; tests check both.)
 * Matched as json-c does although it is odd: a member name is compared only up to its first
 * decoded NUL ("a\u0000b" is member "a"), because json-c keeps names as C strings.
 *
 * Capture rules: member names match ASCII-case-insensitively; the last occurrence of a member
 * wins and replaces everything captured below an earlier occurrence; a path through a value
 * that is not an object captures nothing; arrays are never descended into. Path names are at
 * most 255 bytes, a path has at most KT_JSON_MAX_DEPTH names, and a member name holding a '.'
 * cannot be addressed.
 *
 * On a status other than KT_JSON_OK, *consumed is the offset where scanning stopped (the
 * offending byte, or len for KT_JSON_INCOMPLETE); on KT_JSON_NOT_OBJECT it is the offset just
 * past the (valid) value.
 */
#include "json_scan.h"

#include "json_scan_str.h"

#include <stdlib.h>

/* Longest member name a path may hold; longer names could not be decoded for matching. */
#define KT_JSON_MAX_NAME 255

/* Trie nodes are numbered in 16 bits in the children tables. */
_Static_assert((KT_JSON_MAX_PATHS) * (KT_JSON_MAX_DEPTH) + 1 < 65535, "too many trie nodes");

/* clang-format off */
const uint8_t kt_json_str_stop[256] = {
    [0] = 1, ['"'] = 1, ['\\'] = 1,
};

static const uint8_t hex_class[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
};
/* clang-format on */

/* One trie node: a member name and what hangs below it. Nodes are in depth-first order. */
struct jnode {
    const char *name; /* lower-cased, not NUL-terminated; the root has none */
    const char *orig; /* the same name as the first path that holds it spells it */
    uint32_t len;     /* name length */
    uint32_t kids;    /* index of the first child in kt_json_paths.kid */
    uint32_t nkids;   /* number of children */
    uint32_t end;     /* one past the last node of this subtree */
    int32_t slot;     /* path index captured here, or -1 */
    uint32_t hoff;    /* this node's table of children in kt_json_paths.htab */
    uint32_t hbits;   /* the table has 1 << hbits entries */
    uint64_t lenmask; /* bit min(len, 63) set for every child name length */
};

struct kt_json_paths {
    size_t npaths;
    size_t nnodes;
    struct jnode *node;
    uint32_t *kid;  /* children lists, indexed by jnode.kids */
    uint16_t *htab; /* per node: open-addressing table of children (node index + 1, 0 empty) */
    int32_t *alias; /* per path: the path whose slot it copies (itself when first) */
    bool aliased;   /* some path repeats another */
    char *names;    /* name bytes: each lower-cased, then as spelled */
};

static inline bool is_ws(uint8_t c)
{
    return c <= 0x20 && ((0x100002600ULL >> c) & 1);
}

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws((uint8_t)*p)) {
        p++;
    }
    return p;
}

/* Hash of a member name for the children tables: length, first and last byte, ASCII case
 * folded. The tables are built once from the paths, so callers cannot lengthen their chains. */
static inline uint32_t name_hash(const char *name, size_t len, unsigned bits)
{
    /* Length, first, middle and last byte; | 0x20 folds ASCII case (and merges a few
     * punctuation pairs, which only adds probes). */
    uint32_t k = (uint32_t)len ^ (uint32_t)((uint8_t)name[0] | 0x20) << 8 ^
                 (uint32_t)((uint8_t)name[len / 2] | 0x20) << 16 ^
                 (uint32_t)((uint8_t)name[len - 1] | 0x20) << 24;
    return (k * 0x9e3779b1u) >> (32 - bits);
}

/* ---- paths ---------------------------------------------------------------------------- */

/* Build-time tree: children as sibling lists, before the depth-first layout. */
struct bnode {
    const char *name, *orig;
    size_t len;
    int32_t slot;
    size_t first, next; /* first child / next sibling, 0 = none (node 0 is the root) */
};

/* s[0..n) equals the lower-cased name, ignoring ASCII case. */
static bool name_eq_lower(const char *lower, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        c = (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 32 : 0));
        if ((uint8_t)lower[i] != c) {
            return false;
        }
    }
    return true;
}

/* name_eq_lower, comparing first with the name as the path spells it (logs usually write
 * member names in the case the paths use) and folding case only where that differs. */
static inline bool name_eq(const char *lower, const char *orig, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (orig[i] != s[i]) {
            uint8_t c = (uint8_t)s[i];
            c = (uint8_t)(c + ((uint8_t)(c - 'A') < 26 ? 32 : 0));
            if ((uint8_t)lower[i] != c) {
                return false;
            }
        }
    }
    return true;
}

/* Assigns depth-first indices; returns the next free index. */
static uint32_t layout(const struct bnode *b, size_t at, uint32_t idx, uint32_t *order)
{
    order[at] = idx++;
    for (size_t c = b[at].first; c != 0; c = b[c].next) {
        idx = layout(b, c, idx, order);
    }
    return idx;
}

enum kt_rc kt_json_paths_new(struct kt_json_paths **out, const char *const *paths, size_t n)
{
    enum kt_rc rc = KT_ENOMEM;
    struct kt_json_paths *jp = NULL;
    struct bnode *b = NULL;
    uint32_t *order = NULL, *inv = NULL;
    size_t total = 0, maxnodes = 1, nb = 1;

    if (out == NULL) {
        return KT_EINVAL;
    }
    *out = NULL;
    if (n > KT_JSON_MAX_PATHS || (n > 0 && paths == NULL)) {
        return KT_EINVAL;
    }
    /* Validate every path first: non-empty names, bounded length and depth. */
    for (size_t i = 0; i < n; i++) {
        const char *s = paths[i];
        if (s == NULL) {
            return KT_EINVAL;
        }
        size_t len = strlen(s), parts = 1, namelen = 0;
        for (size_t k = 0; k <= len; k++) {
            if (k == len || s[k] == '.') {
                if (namelen == 0 || namelen > KT_JSON_MAX_NAME) {
                    return KT_EINVAL;
                }
                parts += (k < len);
                namelen = 0;
            } else {
                namelen++;
            }
        }
        if (parts > KT_JSON_MAX_DEPTH) {
            return KT_EINVAL;
        }
        total += len;
        maxnodes += parts;
    }

    jp = calloc(1, sizeof(*jp));
    b = calloc(maxnodes, sizeof(*b));
    order = calloc(maxnodes, sizeof(*order));
    inv = calloc(maxnodes, sizeof(*inv));
    if (jp == NULL || b == NULL || order == NULL || inv == NULL) {
        goto out;
    }
    jp->npaths = n;
    jp->names = malloc(2 * total + 1);
    jp->alias = malloc((n ? n : 1) * sizeof(*jp->alias));
    if (jp->names == NULL || jp->alias == NULL) {
        goto out;
    }
    b[0].slot = -1;

    /* Insert each path, merging names that are equal ignoring ASCII case. */
    size_t pool = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = paths[i];
        size_t at = 0;
        while (*s != '\0') {
            const char *dot = strchr(s, '.');
            size_t len = dot ? (size_t)(dot - s) : strlen(s);
            size_t c = b[at].first, last = 0;
            while (c != 0 && !(b[c].len == len && name_eq_lower(b[c].name, s, len))) {
                last = c;
                c = b[c].next;
            }
            if (c == 0) {
                c = nb++;
                char *dst = jp->names + pool;
                for (size_t k = 0; k < len; k++) {
                    dst[k] = kt_ascii_lower(s[k]);
                    dst[len + k] = s[k];
                }
                pool += 2 * len;
                b[c] = (struct bnode){.name = dst, .orig = dst + len, .len = len, .slot = -1};
                if (last == 0) {
                    b[at].first = c;
                } else {
                    b[last].next = c;
                }
            }
            at = c;
            s += len + (dot != NULL);
        }
        if (b[at].slot < 0) {
            b[at].slot = (int32_t)i;
            jp->alias[i] = (int32_t)i;
        } else {
            jp->alias[i] = b[at].slot;
            jp->aliased = true;
        }
    }

    /* Lay the tree out depth-first so every subtree is a contiguous index range. */
    jp->nnodes = nb;
    jp->node = calloc(nb, sizeof(*jp->node));
    jp->kid = calloc(nb, sizeof(*jp->kid));
    if (jp->node == NULL || jp->kid == NULL) {
        goto out;
    }
    layout(b, 0, 0, order);
    uint32_t kidpos = 0;
    for (size_t i = 0; i < nb; i++) {
        struct jnode *j = &jp->node[order[i]];
        inv[order[i]] = (uint32_t)i;
        j->name = b[i].name;
        j->orig = b[i].orig;
        j->len = (uint32_t)b[i].len;
        j->slot = b[i].slot;
    }
    /* Children lists and subtree ends, visiting nodes in layout order. */
    for (uint32_t idx = 0; idx < nb; idx++) {
        size_t i = inv[idx];
        struct jnode *j = &jp->node[idx];
        j->kids = kidpos;
        for (size_t c = b[i].first; c != 0; c = b[c].next) {
            jp->kid[kidpos++] = order[c];
            j->nkids++;
            j->lenmask |= 1ULL << (b[c].len < 63 ? b[c].len : 63);
        }
    }
    for (size_t idx = nb; idx-- > 0;) {
        struct jnode *j = &jp->node[idx];
        j->end = (uint32_t)idx + 1;
        for (uint32_t k = 0; k < j->nkids; k++) {
            uint32_t e = jp->node[jp->kid[j->kids + k]].end;
            j->end = e > j->end ? e : j->end;
        }
    }
    /* Children tables: at most half full, so every probe sequence ends at an empty entry. */
    size_t tabsize = 0;
    for (size_t idx = 0; idx < nb; idx++) {
        struct jnode *j = &jp->node[idx];
        if (j->nkids > 0) {
            j->hbits = 2;
            while ((1u << j->hbits) < 2 * j->nkids) {
                j->hbits++;
            }
            j->hoff = (uint32_t)tabsize;
            tabsize += (size_t)1 << j->hbits;
        }
    }
    jp->htab = calloc(tabsize ? tabsize : 1, sizeof(*jp->htab));
    if (jp->htab == NULL) {
        goto out;
    }
    for (size_t idx = 0; idx < nb; idx++) {
        const struct jnode *j = &jp->node[idx];
        uint16_t *tab = jp->htab + j->hoff;
        for (uint32_t k = 0; k < j->nkids; k++) {
            uint32_t ki = jp->kid[j->kids + k];
            const struct jnode *kid = &jp->node[ki];
            uint32_t h = name_hash(kid->name, kid->len, j->hbits);
            while (tab[h] != 0) {
                h = (h + 1) & ((1u << j->hbits) - 1);
            }
            tab[h] = (uint16_t)(ki + 1);
        }
    }
    *out = jp;
    jp = NULL;
    rc = KT_OK;
out:
    kt_json_paths_free(jp);
    free(b);
    free(order);
    free(inv);
    return rc;
}

void kt_json_paths_free(struct kt_json_paths *paths)
{
    if (paths == NULL) {
        return;
    }
    free(paths->node);
    free(paths->kid);
    free(paths->htab);
    free(paths->alias);
    free(paths->names);
    free(paths);
}

size_t kt_json_paths_count(const struct kt_json_paths *paths)
{
    return paths ? paths->npaths : 0;
}

/* ---- scanning --------------------------------------------------------------------------- */

#define KT_INLINE static inline __attribute__((always_inline))
#define KT_NOINLINE static __attribute__((noinline))
#define KT_LIKELY(x) __builtin_expect(!!(x), 1)
#define KT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Masks are computed for a window of this many 64-byte blocks at a time. */
#define KT_JSON_WINDOW 8

/* Where the scan is: the text and the stop-byte masks of the blocks in the current window. */
struct cursor {
    const char *text, *end;
    const char *win;               /* first byte of the window: text + 64k */
    size_t left;                   /* end - win */
    uint64_t bits[KT_JSON_WINDOW]; /* bit i of bits[k]: win[64k + i] is '"', '\\' or NUL (and
                                      lies before end) */
    bool esc;                      /* set when a scanned string held an escape */
    enum kt_json_status st;        /* why a helper returned NULL ... */
    const char *at;                /* ... and where */
};

/* Records a failure in the cursor; returns NULL for the helpers to pass on. */
static inline const char *fail_at(struct cursor *c, enum kt_json_status st, const char *at)
{
    c->st = st;
    c->at = at;
    return NULL;
}

/* The window of masks from the block at offset at; mask64 computes one full block. */
#define KT_JSON_REFILL_BODY(mask64)                                                                \
    do {                                                                                           \
        size_t len = (size_t)(c->end - c->text);                                                   \
        c->win = c->text + at;                                                                     \
        c->left = len - at;                                                                        \
        for (unsigned k = 0; k < KT_JSON_WINDOW; k++, at += 64) {                                  \
            size_t r = at < len ? len - at : 0;                                                    \
            if (r >= 64) {                                                                         \
                c->bits[k] = mask64(c->text + at);                                                 \
            } else if (r == 0) {                                                                   \
                c->bits[k] = 0;                                                                    \
            } else if (len >= 64) {                                                                \
                /* The last 64 bytes of the text, shifted so that bit 0 is text[at]. */            \
                c->bits[k] = mask64(c->end - 64) >> (64 - r);                                      \
            } else {                                                                               \
                char tmp[64];                                                                      \
                memset(tmp, ' ', sizeof(tmp));                                                     \
                memcpy(tmp, c->text + at, r);                                                      \
                c->bits[k] = mask64(tmp);                                                          \
            }                                                                                      \
        }                                                                                          \
    } while (0)

#if KT_JSON_HAVE_AVX2
__attribute__((target("avx2"), noinline)) static void refill_avx2(struct cursor *c, size_t at)
{
    KT_JSON_REFILL_BODY(kt_json_mask64_avx2);
}
#endif

KT_NOINLINE void refill_base(struct cursor *c, size_t at)
{
    KT_JSON_REFILL_BODY(kt_json_mask64);
}

/* Computes the window of masks starting at the block that holds p (text <= p <= end). */
static void refill(struct cursor *c, const char *p)
{
    size_t at = (size_t)(p - c->text) & ~(size_t)63;
#if KT_JSON_HAVE_AVX2
    if (kt_json_cpu_avx2()) {
        refill_avx2(c, at);
        return;
    }
#endif
    refill_base(c, at);
}

static inline void cursor_init(struct cursor *c, const char *text, size_t len)
{
    c->text = text;
    c->end = text + len;
    refill(c, text);
}

/* The first stop byte at or after p (p <= end); returns end when the text ends first. */
static const char *find_stop(struct cursor *c, const char *p)
{
    for (;;) {
        if (p >= c->end) {
            return c->end;
        }
        size_t off = (size_t)(p - c->win);
        if (off < 64 * KT_JSON_WINDOW) {
            size_t k = off / 64;
            uint64_t m = c->bits[k] >> (off % 64);
            if (m != 0) {
                return p + __builtin_ctzll(m);
            }
            for (k++; k < KT_JSON_WINDOW; k++) {
                if (c->bits[k] != 0) {
                    return c->win + 64 * k + __builtin_ctzll(c->bits[k]);
                }
            }
            /* No stop in the rest of the window: the text ends in it, or goes on after it. */
            if (c->left <= 64 * KT_JSON_WINDOW) {
                return c->end;
            }
            p = c->win + 64 * KT_JSON_WINDOW;
        }
        refill(c, p);
    }
}

static inline bool is_hex(uint8_t c)
{
    return hex_class[c] != 0;
}

/* clang-format off */
/* 1 for the bytes that may follow a backslash as a two-byte escape. */
static const uint8_t short_escape[256] = {
    ['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1, ['f'] = 1, ['n'] = 1, ['r'] = 1, ['t'] = 1,
};
/* clang-format on */

/* Checks the escape at the backslash b (b < end). Returns its length (2 or 6), 0 when the text
 * ends inside it, or -1 when it is invalid. */
static inline int escape_len(const char *b, const char *end)
{
    if (end - b < 2) {
        return 0;
    }
    if (short_escape[(uint8_t)b[1]]) {
        return 2;
    }
    if (b[1] != 'u') {
        return -1;
    }
    for (int k = 2; k < 6; k++) {
        if (end - b <= k) {
            return 0;
        }
        if (!is_hex((uint8_t)b[k])) {
            return -1;
        }
    }
    return 6;
}

/* The general string scan (window refills, \u escapes, errors), from p inside the body. */
KT_NOINLINE const char *scan_string_slow(struct cursor *c, const char *p)
{
    for (;;) {
        p = find_stop(c, p);
        if (p >= c->end) {
            return fail_at(c, KT_JSON_INCOMPLETE, c->end);
        }
        if (*p == '"') {
            return p + 1;
        }
        if (*p != '\\') {
            return fail_at(c, KT_JSON_INVALID, p); /* NUL */
        }
        int n = escape_len(p, c->end);
        if (n <= 0) {
            return fail_at(c, n == 0 ? KT_JSON_INCOMPLETE : KT_JSON_INVALID, p);
        }
        c->esc = true;
        p += n;
    }
}

/*
 * Scans a string body from p (just past the opening quote). Returns the position just past the
 * closing quote, setting c->esc when the body holds an escape (it is never cleared here), or
 * NULL with c->st and c->at.
 *
 * The mask word is kept in registers: *cb is a block of the window and *cm its stop bits with
 * every stop before the scan position already cleared. Opening quotes, closing quotes and
 * escapes are popped off it in order, so a string's end comes from a few register
 * operations instead of a load that depends on the previous position. Every stop byte outside a
 * string is a syntax error found before the next string starts, so the opening quote is always
 * the lowest bit left. Anything unusual (the end of the window, a \u escape, an error) goes to
 * scan_string_slow and sets *cb to end, so that the next string reloads its block.
 */
KT_INLINE const char *scan_string_it(struct cursor *c, const char *p, uint64_t *cm, const char **cb)
{
    const char *o = p - 1; /* the opening quote */
    if (KT_UNLIKELY((size_t)(o - *cb) >= 64)) {
        size_t off = (size_t)(o - c->win);
        if (KT_UNLIKELY(off >= 64 * KT_JSON_WINDOW)) {
            refill(c, o);
            off = (size_t)(o - c->win);
        }
        *cb = c->win + (off & ~(size_t)63);
        *cm = c->bits[off / 64] & (~0ULL << (off % 64));
    }
    uint64_t m = *cm & (*cm - 1); /* pop the opening quote */
    for (;;) {
        if (KT_UNLIKELY(m == 0)) {
            /* On to the next block of the window, if the text goes on. */
            size_t nb = (size_t)(*cb - c->win) + 64;
            if (nb >= 64 * KT_JSON_WINDOW || nb >= c->left) {
                break;
            }
            *cb = c->win + nb;
            m = c->bits[nb / 64];
            continue;
        }
        const char *q = *cb + __builtin_ctzll(m); /* a stop, so before end */
        if (KT_LIKELY(*q == '"')) {
            *cm = m & (m - 1);
            return q + 1;
        }
        size_t next = (size_t)(q - *cb) + 2;
        if (*q != '\\' || q + 1 >= c->end || !short_escape[(uint8_t)q[1]] || next >= 64) {
            p = q;
            break;
        }
        c->esc = true;
        m &= ~0ULL << next;
        p = q + 2;
    }
    *cb = c->end;
    return scan_string_slow(c, p);
}

/* Checks that [p, end) starts with the literal lit (n bytes) followed by at least one more
 * byte, as json-c needs to see the byte after a literal before it accepts it. */
static enum kt_json_status scan_literal(const char **pp, const char *end, const char *lit, size_t n)
{
    const char *p = *pp;
    for (size_t i = 0; i < n; i++, p++) {
        if (p == end) {
            *pp = p;
            return KT_JSON_INCOMPLETE;
        }
        if (*p != lit[i]) {
            *pp = p;
            return KT_JSON_INVALID;
        }
    }
    *pp = p;
    return p == end ? KT_JSON_INCOMPLETE : KT_JSON_OK;
}

static inline bool is_digit(uint8_t c)
{
    return (uint8_t)(c - '0') < 10;
}

/* Checks a number token json-c would convert: an integer for strtoll/strtoull (leading zeros
 * only when the value is zero, unless negative) or a decimal for strtod consuming all of it. */
static bool number_token_ok(const char *s, const char *e, bool dbl)
{
    const char *q = s + (*s == '-');
    if (!dbl) {
        if (q == e) {
            return false;
        }
        if (*s == '0') {
            for (const char *d = s; d < e; d++) {
                if (*d != '0') {
                    return false;
                }
            }
        }
        return true;
    }
    size_t mant = 0;
    while (q < e && is_digit((uint8_t)*q)) {
        q++;
        mant++;
    }
    if (q < e && *q == '.') {
        q++;
        while (q < e && is_digit((uint8_t)*q)) {
            q++;
            mant++;
        }
    }
    if (mant == 0) {
        return false;
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        q++;
        q += (q < e && (*q == '+' || *q == '-'));
        if (q == e || !is_digit((uint8_t)*q)) {
            return false;
        }
        while (q < e && is_digit((uint8_t)*q)) {
            q++;
        }
    }
    return q == e;
}

/*
 * Scans a number at *pp (a '-' or a digit) the way json-c's tokenizer does: the longest run of
 * number characters (digits; '-' first or after '.', 'e'; '+' after '.', 'e'; one '.', one
 * exponent marker), then the byte after it, then the conversion. in_container: inside an
 * array or object, where the next byte must be whitespace , ] or } (or / I i, which the caller
 * then rejects). "-I" continues as -Infinity.
 */
static enum kt_json_status scan_number(const char **pp, const char *end, bool in_container)
{
    const char *s = *pp, *p = s;
    bool dbl = false, expo = false, neg_ok = true, pos_ok = false;
    for (;; p++) {
        if (p == end) {
            *pp = p;
            return KT_JSON_INCOMPLETE;
        }
        uint8_t c = (uint8_t)*p;
        if (is_digit(c)) {
            neg_ok = pos_ok = false;
        } else if ((c == 'e' || c == 'E') && !expo) {
            expo = dbl = true;
            neg_ok = pos_ok = true;
        } else if (c == '-' && neg_ok) {
            neg_ok = pos_ok = false;
        } else if (c == '+' && pos_ok) {
            neg_ok = pos_ok = false;
        } else if (c == '.' && !dbl) {
            dbl = true;
            neg_ok = pos_ok = true;
        } else {
            break;
        }
    }
    uint8_t c = (uint8_t)*p;
    if (in_container &&
        !(c == ',' || c == ']' || c == '}' || is_ws(c) || c == '/' || c == 'I' || c == 'i')) {
        *pp = p;
        return KT_JSON_INVALID;
    }
    if (*s == '-' && p - s == 1 && (c == 'I' || c == 'i')) {
        *pp = p;
        return scan_literal(pp, end, "Infinity", 8);
    }
    if (!number_token_ok(s, p, dbl)) {
        *pp = s;
        return KT_JSON_INVALID;
    }
    *pp = p;
    return KT_JSON_OK;
}

/* Any scalar (not a string or container) at p, starting with c. Returns the position after it,
 * or NULL with c->st and c->at. */
KT_NOINLINE const char *scan_scalar_slow(struct cursor *c, const char *p, uint8_t ch,
                                         bool in_container)
{
    enum kt_json_status st;
    switch (ch) {
    case 't': st = scan_literal(&p, c->end, "true", 4); break;
    case 'f': st = scan_literal(&p, c->end, "false", 5); break;
    case 'n': st = scan_literal(&p, c->end, "null", 4); break;
    case 'N': st = scan_literal(&p, c->end, "NaN", 3); break;
    case 'I': st = scan_literal(&p, c->end, "Infinity", 8); break;
    default:
        st = ch == '-' || is_digit(ch) ? scan_number(&p, c->end, in_container) : KT_JSON_INVALID;
        break;
    }
    return st == KT_JSON_OK ? p : fail_at(c, st, p);
}

/* The first byte at or after q that is not an ASCII digit (or end). Eight bytes at a time on
 * little-endian machines: a byte is a digit when its high nibble is 3 both as it is and with 6
 * added (a carry out of a byte only happens for bytes >= 0xfa, themselves non-digits, and only
 * disturbs later bytes). */
static inline const char *skip_digits(const char *q, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL, three = 0x3030303030303030ULL;
    while (end - q >= 8) {
        uint64_t x;
        memcpy(&x, q, 8);
        uint64_t bad = ((x & hi) ^ three) | (((x + 0x0606060606060606ULL) & hi) ^ three);
        if (bad != 0) {
            return q + __builtin_ctzll(bad) / 8;
        }
        q += 8;
    }
#endif
    while (q < end && is_digit((uint8_t)*q)) {
        q++;
    }
    return q;
}

/* Scalars, fast paths first: a plain integer followed by , } ] inside a container, and the
 * three literals with a byte after them. */
KT_INLINE const char *scan_scalar(struct cursor *c, const char *p, uint8_t ch, bool in_container)
{
    const char *end = c->end;
    if ((uint8_t)(ch - '1') < 9) {
        const char *q = skip_digits(p + 1, end);
        if (KT_LIKELY(in_container && q < end && (*q == ',' || *q == '}' || *q == ']'))) {
            return q;
        }
    } else if (end - p > 5) {
        if ((ch == 't' && memcmp(p, "true", 4) == 0) || (ch == 'n' && memcmp(p, "null", 4) == 0)) {
            return p + 4;
        }
        if (ch == 'f' && memcmp(p, "false", 5) == 0) {
            return p + 5;
        }
    }
    return scan_scalar_slow(c, p, ch, in_container);
}

/* ---- path matching ---------------------------------------------------------------------- */

/* Decodes an escaped member name the way json-c stores it (up to its first NUL) into buf.
 * Returns the decoded length, or SIZE_MAX when it is longer than any path name can be. */
static size_t decode_name(const char *raw, size_t len, char *buf, size_t cap);

/* Looks name[0..len) (already decoded) up among the children of node. */
KT_INLINE const struct jnode *lookup_kid(const struct kt_json_paths *jp, const struct jnode *node,
                                         const char *name, size_t len)
{
    if (!((node->lenmask >> (len < 63 ? len : 63)) & 1)) {
        return NULL;
    }
    const uint16_t *tab = jp->htab + node->hoff;
    uint32_t mask = (1u << node->hbits) - 1;
    for (uint32_t h = name_hash(name, len, node->hbits);; h = (h + 1) & mask) {
        uint16_t k = tab[h];
        if (k == 0) {
            return NULL;
        }
        const struct jnode *kid = &jp->node[k - 1];
        if (kid->len == len && name_eq(kid->name, kid->orig, name, len)) {
            return kid;
        }
    }
}

/* Escaped member names: decoded first (rare). */
KT_NOINLINE const struct jnode *lookup_escaped(const struct kt_json_paths *jp,
                                               const struct jnode *node, const char *raw,
                                               size_t len)
{
    char buf[KT_JSON_MAX_NAME + 1];
    len = decode_name(raw, len, buf, sizeof(buf));
    if (len == SIZE_MAX) {
        return NULL;
    }
    return lookup_kid(jp, node, buf, len);
}

/* A member matched kid: forget everything captured at or below it (last occurrence wins). */
KT_NOINLINE void clear_subtree(const struct kt_json_paths *jp, struct kt_json_val *slots,
                               const struct jnode *kid)
{
    for (uint32_t i = (uint32_t)(kid - jp->node); i < kid->end; i++) {
        if (jp->node[i].slot >= 0) {
            slots[jp->node[i].slot] = (struct kt_json_val){KT_JSON_NONE, false, KT_STR_NULL};
        }
    }
}

/* ---- the scanner ------------------------------------------------------------------------- */

/* p[0..2) == a b, for p with two readable bytes (one 16-bit compare). */
static inline bool two_bytes(const char *p, char a, char b)
{
    const char want[2] = {a, b};
    uint16_t x, y;
    memcpy(&x, p, 2);
    memcpy(&y, want, 2);
    return x == y;
}

#define SKIP_WS_OR_FAIL()                                                                          \
    do {                                                                                           \
        if (KT_UNLIKELY(p == end || (uint8_t)*p <= 0x20)) {                                        \
            p = skip_ws(p, end);                                                                   \
            if (p == end) {                                                                        \
                st = KT_JSON_INCOMPLETE;                                                           \
                goto fail;                                                                         \
            }                                                                                      \
        }                                                                                          \
    } while (0)

/*
 * Validates one value at *pp (leading whitespace allowed) with depth containers already open
 * around it. On KT_JSON_OK *pp is just past the value; otherwise it is where scanning stopped.
 * The container stack is one 64-bit word: bit d set when the container at depth d is an
 * object.
 */
KT_NOINLINE enum kt_json_status skip_value(struct cursor *cur, const char **pp, unsigned depth)
{
    const char *p = *pp, *const end = cur->end;
    const unsigned base = depth;
    uint64_t objs = 0;
    uint64_t cm = 0; /* see scan_string_it */
    const char *cb = end;
    enum kt_json_status st;
    uint8_t c;

value:
    SKIP_WS_OR_FAIL();
    c = (uint8_t)*p;
    if (KT_LIKELY(c == '"')) {
        p = scan_string_it(cur, p + 1, &cm, &cb);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
        goto after;
    }
    if (c == '{' || c == '[') {
        if (KT_UNLIKELY(depth >= KT_JSON_MAX_DEPTH)) {
            st = KT_JSON_TOO_DEEP;
            goto fail;
        }
        p++;
        SKIP_WS_OR_FAIL();
        if (c == '{') {
            if (*p == '}') {
                p++;
                goto after;
            }
            objs |= 1ULL << depth;
            depth++;
            goto key;
        }
        if (*p == ']') {
            p++;
            goto after;
        }
        objs &= ~(1ULL << depth);
        depth++;
        goto value;
    }
    p = scan_scalar(cur, p, c, depth > 0);
    if (KT_UNLIKELY(p == NULL)) {
        goto failed;
    }

after:
    if (depth == base) {
        *pp = p;
        return KT_JSON_OK;
    }
    SKIP_WS_OR_FAIL();
    c = (uint8_t)*p;
    if (KT_LIKELY(c == ',')) {
        p++;
        if ((objs >> (depth - 1)) & 1) {
            SKIP_WS_OR_FAIL();
            goto key;
        }
        goto value;
    }
    if (c == (((objs >> (depth - 1)) & 1) ? '}' : ']')) {
        p++;
        depth--;
        goto after;
    }
    st = KT_JSON_INVALID;
    goto fail;

key:
    /* p is at a non-whitespace byte that must open a member name. */
    if (KT_UNLIKELY(*p != '"')) {
        st = KT_JSON_INVALID;
        goto fail;
    }
    p = scan_string_it(cur, p + 1, &cm, &cb);
    if (KT_UNLIKELY(p == NULL)) {
        goto failed;
    }
    /* Fast path: "name":"string" followed by ,"name" with no whitespace. */
    while (KT_LIKELY(end - p >= 2 && two_bytes(p, ':', '"'))) {
        p = scan_string_it(cur, p + 2, &cm, &cb);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
        if (KT_UNLIKELY(!(end - p >= 2 && two_bytes(p, ',', '"')))) {
            goto after;
        }
        p = scan_string_it(cur, p + 2, &cm, &cb);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
    }
    if (KT_UNLIKELY(p == end || *p != ':')) {
        SKIP_WS_OR_FAIL();
        if (*p != ':') {
            st = KT_JSON_INVALID;
            goto fail;
        }
    }
    p++;
    goto value;

failed:
    st = cur->st;
    p = cur->at;
fail:
    *pp = p;
    return st;
}

/* The capture of a value that starts with c and spans [v, e) (strings: the body). */
static inline struct kt_json_val capture(uint8_t c, const char *v, const char *e, bool esc)
{
    enum kt_json_type t;
    switch (c) {
    case '"': return (struct kt_json_val){KT_JSON_STRING, esc, {v, (size_t)(e - v)}};
    case '{': t = KT_JSON_OBJECT; break;
    case '[': t = KT_JSON_ARRAY; break;
    case 't': t = KT_JSON_TRUE; break;
    case 'f': t = KT_JSON_FALSE; break;
    case 'n': t = KT_JSON_NULL; break;
    default: t = KT_JSON_NUMBER; break;
    }
    return (struct kt_json_val){t, false, {v, (size_t)(e - v)}};
}

/*
 * Walks the objects on a path, starting with the root object at *pp ('{'). Only objects whose
 * trie node has children are walked here; every other value is validated by skip_value (or
 * scanned inline when it is a string or a scalar), and captured when its member matched a
 * path. On KT_JSON_OK *pp is just past the root object.
 */
KT_NOINLINE enum kt_json_status extract_root(struct cursor *cur, const char **pp,
                                             const struct kt_json_paths *jp,
                                             struct kt_json_val *slots)
{
    const char *p = *pp, *const end = cur->end;
    const struct jnode *node = &jp->node[0], *kid;
    const struct jnode *nodes[KT_JSON_MAX_DEPTH]; /* the object open at each depth */
    const char *starts[KT_JSON_MAX_DEPTH];        /* and where it began */
    unsigned depth = 1;
    uint64_t cm = 0; /* see scan_string_it */
    const char *cb = end;
    enum kt_json_status st;
    const char *v;
    uint8_t c;

    nodes[0] = node;
    starts[0] = p;
    p++;

open:
    /* Just inside an object on a path. */
    SKIP_WS_OR_FAIL();
    if (*p == '}') {
        p++;
        goto closed;
    }

member:
    if (KT_UNLIKELY(*p != '"')) {
        st = KT_JSON_INVALID;
        goto fail;
    }
    v = p + 1;
    cur->esc = false;
    p = scan_string_it(cur, v, &cm, &cb);
    if (KT_UNLIKELY(p == NULL)) {
        goto failed;
    }
    kid = KT_UNLIKELY(cur->esc) ? lookup_escaped(jp, node, v, (size_t)(p - 1 - v))
                                : lookup_kid(jp, node, v, (size_t)(p - 1 - v));
    /* A repeated member on a path replaces what its earlier occurrence captured below it (a
     * leaf's own slot is simply overwritten). */
    if (KT_UNLIKELY(kid != NULL) && kid->nkids > 0) {
        clear_subtree(jp, slots, kid);
    }
    /* Fast path: "name":"string" with no whitespace. */
    if (KT_LIKELY(end - p >= 2 && two_bytes(p, ':', '"'))) {
        v = p + 2;
        cur->esc = false;
        p = scan_string_it(cur, v, &cm, &cb);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
        if (KT_UNLIKELY(kid != NULL) && kid->slot >= 0) {
            slots[kid->slot] = capture('"', v, p - 1, cur->esc);
        }
        if (KT_LIKELY(end - p >= 2 && two_bytes(p, ',', '"'))) {
            p++;
            goto member;
        }
        goto after;
    }
    if (KT_UNLIKELY(p == end || *p != ':')) {
        SKIP_WS_OR_FAIL();
        if (*p != ':') {
            st = KT_JSON_INVALID;
            goto fail;
        }
    }
    p++;
    SKIP_WS_OR_FAIL();
    c = (uint8_t)*p;
    v = p;
    if (kid == NULL) {
        if (KT_LIKELY(c == '"')) {
            p = scan_string_it(cur, p + 1, &cm, &cb);
        } else if (c == '{' || c == '[') {
            st = skip_value(cur, &p, depth);
            if (KT_UNLIKELY(st != KT_JSON_OK)) {
                goto fail;
            }
            cb = end; /* skip_value moved the window */
        } else {
            p = scan_scalar(cur, p, c, true);
        }
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
        goto after;
    }
    /* A member on a path. */
    if (kid->nkids > 0) {
        if (c == '{') {
            if (KT_UNLIKELY(depth >= KT_JSON_MAX_DEPTH)) {
                st = KT_JSON_TOO_DEEP;
                goto fail;
            }
            nodes[depth] = node = kid;
            starts[depth] = p;
            depth++;
            p++;
            goto open;
        }
    }
    if (c == '"') {
        cur->esc = false;
        p = scan_string_it(cur, p + 1, &cm, &cb);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
        if (kid->slot >= 0) {
            slots[kid->slot] = capture(c, v + 1, p - 1, cur->esc);
        }
        goto after;
    }
    if (c == '{' || c == '[') {
        st = skip_value(cur, &p, depth);
        if (KT_UNLIKELY(st != KT_JSON_OK)) {
            goto fail;
        }
        cb = end; /* skip_value moved the window */
    } else {
        p = scan_scalar(cur, p, c, true);
        if (KT_UNLIKELY(p == NULL)) {
            goto failed;
        }
    }
    if (kid->slot >= 0) {
        slots[kid->slot] = capture(c, v, p, false);
    }

after:
    SKIP_WS_OR_FAIL();
    if (KT_LIKELY(*p == ',')) {
        p++;
        SKIP_WS_OR_FAIL();
        goto member;
    }
    if (KT_UNLIKELY(*p != '}')) {
        st = KT_JSON_INVALID;
        goto fail;
    }
    p++;

closed:
    /* The object open at depth - 1 just closed at p. */
    depth--;
    if (node->slot >= 0) {
        slots[node->slot] = capture('{', starts[depth], p, false);
    }
    if (depth == 0) {
        *pp = p;
        return KT_JSON_OK;
    }
    node = nodes[depth - 1];
    goto after;

failed:
    st = cur->st;
    p = cur->at;
fail:
    *pp = p;
    return st;
}

enum kt_json_status kt_json_skip(const char *text, size_t len, size_t *consumed)
{
    if (text == NULL) {
        if (consumed != NULL) {
            *consumed = 0;
        }
        return len == 0 ? KT_JSON_INCOMPLETE : KT_JSON_INVALID;
    }
    struct cursor cur;
    cursor_init(&cur, text, len);
    const char *p = text;
    enum kt_json_status st = skip_value(&cur, &p, 0);
    if (consumed != NULL) {
        *consumed = st == KT_JSON_INCOMPLETE ? len : (size_t)(p - text);
    }
    return st;
}

enum kt_json_status kt_json_extract(const struct kt_json_paths *paths, const char *text, size_t len,
                                    struct kt_json_val *slots, size_t *consumed)
{
    size_t n = kt_json_paths_count(paths);
    enum kt_json_status st;

    if (n > 0) {
        memset(slots, 0, n * sizeof(*slots)); /* KT_JSON_NONE, not escaped, empty view */
    }
    if (text == NULL) {
        if (consumed != NULL) {
            *consumed = 0;
        }
        return len == 0 ? KT_JSON_INCOMPLETE : KT_JSON_INVALID;
    }
    struct cursor cur;
    cursor_init(&cur, text, len);
    const char *p = skip_ws(text, cur.end);
    if (p < cur.end && *p == '{' && n > 0) {
        st = extract_root(&cur, &p, paths, slots);
        if (st == KT_JSON_OK && paths->aliased) {
            for (size_t i = 0; i < n; i++) {
                if (paths->alias[i] != (int32_t)i) {
                    slots[i] = slots[paths->alias[i]];
                }
            }
        }
    } else {
        bool obj = p < cur.end && *p == '{';
        st = skip_value(&cur, &p, 0);
        if (st == KT_JSON_OK && !obj) {
            st = KT_JSON_NOT_OBJECT;
        }
    }
    if (consumed != NULL) {
        *consumed = st == KT_JSON_INCOMPLETE ? len : (size_t)(p - text);
    }
    return st;
}

/* ---- decoding --------------------------------------------------------------------------- */

static unsigned hexval(uint8_t c)
{
    return is_digit(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/*
 * The decoder behind kt_json_unescape and name matching, following json-c 0.16: a high
 * surrogate waits for a following \u low surrogate; anything else first emits U+FFFD for it.
 * Bytes that do not form a valid escape are copied as they are (captured strings never hold
 * any; this only keeps arbitrary input safe). Output never outgrows input. Stops with SIZE_MAX
 * when the output would pass cap, and at the first decoded NUL when stop_nul is set.
 */
static size_t unescape_core(const char *s, size_t n, char *out, size_t cap, bool stop_nul)
{
    static const char fffd[3] = {(char)0xef, (char)0xbf, (char)0xbd};
    char tmp[8];
    size_t i = 0, o = 0;
    uint32_t hi = 0;

    while (i < n) {
        size_t k = 0; /* bytes to emit from tmp */
        const char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
        if (run > 0) {
            if (hi != 0) {
                memcpy(tmp, fffd, 3);
                k = 3;
                hi = 0;
            } else {
                if (stop_nul) {
                    const char *z = memchr(s + i, '\0', run);
                    if (z != NULL) {
                        run = (size_t)(z - (s + i));
                        if (o + run > cap) {
                            return SIZE_MAX;
                        }
                        memcpy(out + o, s + i, run);
                        return o + run;
                    }
                }
                if (o + run > cap) {
                    return SIZE_MAX;
                }
                memcpy(out + o, s + i, run);
                o += run;
                i += run;
                continue;
            }
        } else if (i + 1 < n && s[i + 1] == 'u' && n - i >= 6 && hex_class[(uint8_t)s[i + 2]] &&
                   hex_class[(uint8_t)s[i + 3]] && hex_class[(uint8_t)s[i + 4]] &&
                   hex_class[(uint8_t)s[i + 5]]) {
            uint32_t cp = (hexval((uint8_t)s[i + 2]) << 12) | (hexval((uint8_t)s[i + 3]) << 8) |
                          (hexval((uint8_t)s[i + 4]) << 4) | hexval((uint8_t)s[i + 5]);
            i += 6;
            if (hi != 0) {
                if ((cp & 0xfc00) == 0xdc00) {
                    cp = (((hi & 0x3ff) << 10) | (cp & 0x3ff)) + 0x10000;
                    hi = 0;
                    k = put_utf8(tmp, cp);
                    goto emit;
                }
                memcpy(tmp, fffd, 3);
                k = 3;
                hi = 0;
            }
            if ((cp & 0xfc00) == 0xd800) {
                hi = cp;
            } else if ((cp & 0xfc00) == 0xdc00) {
                memcpy(tmp + k, fffd, 3);
                k += 3;
            } else {
                k += put_utf8(tmp + k, cp);
            }
        } else if (hi != 0) {
            memcpy(tmp, fffd, 3);
            k = 3;
            hi = 0;
        } else {
            char e = i + 1 < n ? s[i + 1] : '\0';
            char d;
            switch (e) {
            case '"':
            case '\\':
            case '/': d = e; break;
            case 'b': d = '\b'; break;
            case 'f': d = '\f'; break;
            case 'n': d = '\n'; break;
            case 'r': d = '\r'; break;
            case 't': d = '\t'; break;
            default: d = 0; break;
            }
            if (e != '\0' && (d != 0)) {
                tmp[0] = d;
                k = 1;
                i += 2;
            } else {
                tmp[0] = '\\'; /* not an escape: copy the backslash alone */
                k = 1;
                i += 1;
            }
        }
    emit:
        for (size_t j = 0; j < k; j++) {
            if (stop_nul && tmp[j] == '\0') {
                return o;
            }
            if (o >= cap) {
                return SIZE_MAX;
            }
            out[o++] = tmp[j];
        }
    }
    if (hi != 0) {
        if (o + 3 > cap) {
            return SIZE_MAX;
        }
        memcpy(out + o, fffd, 3);
        o += 3;
    }
    return o;
}

static size_t decode_name(const char *raw, size_t len, char *buf, size_t cap)
{
    return unescape_core(raw, len, buf, cap, true);
}

size_t kt_json_unescape(struct kt_str raw, char *out)
{
    if (raw.ptr == NULL || raw.len == 0) {
        return 0;
    }
    size_t n = unescape_core(raw.ptr, raw.len, out, raw.len, false);
    return n == SIZE_MAX ? 0 : n; /* cannot happen: decoding never grows */
}

struct kt_str kt_json_str(const struct kt_json_val *val, char *scratch)
{
    if (val == NULL) {
        return KT_STR_NULL;
    }
    if (val->type == KT_JSON_STRING && val->escaped && scratch != NULL) {
        return kt_str_make(scratch, kt_json_unescape(val->raw, scratch));
    }
    return val->raw;
}

/* ---- numbers ---------------------------------------------------------------------------- */

bool kt_json_int(const struct kt_json_val *val, int64_t *out)
{
    if (val == NULL || val->type != KT_JSON_NUMBER || val->raw.ptr == NULL) {
        return false;
    }
    const char *s = val->raw.ptr, *e = s + val->raw.len;
    bool neg = s < e && *s == '-';
    s += neg;
    /* Mantissa digits: integer part then fraction; the decimal point sits after `point`. */
    const char *ip = s;
    while (s < e && is_digit((uint8_t)*s)) {
        s++;
    }
    size_t nint = (size_t)(s - ip);
    const char *fp = s, *fe = s;
    if (s < e && *s == '.') {
        fp = ++s;
        while (s < e && is_digit((uint8_t)*s)) {
            s++;
        }
        fe = s;
    }
    size_t nfrac = (size_t)(fe - fp);
    if (nint + nfrac == 0) {
        return false;
    }
    int64_t ex = 0;
    if (s < e && (*s == 'e' || *s == 'E')) {
        s++;
        bool eneg = s < e && *s == '-';
        s += (s < e && (*s == '-' || *s == '+'));
        if (s == e || !is_digit((uint8_t)*s)) {
            return false;
        }
        while (s < e && is_digit((uint8_t)*s)) {
            if (ex < 1000000000) {
                ex = ex * 10 + (*s - '0');
            }
            s++;
        }
        ex = eneg ? -ex : ex;
    }
    if (s != e) {
        return false;
    }
    /* Integer part of mantissa * 10^ex: the first nint + ex mantissa digits. */
    int64_t point = (int64_t)nint + ex;
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (int64_t k = 0; k < point; k++) {
        unsigned d;
        if ((uint64_t)k < nint) {
            d = (unsigned)(ip[k] - '0');
        } else if ((uint64_t)k < nint + nfrac) {
            d = (unsigned)(fp[k - (int64_t)nint] - '0');
        } else if (v == 0) {
            break; /* only zeros remain */
        } else {
            d = 0;
        }
        if (v > (limit - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    if (neg) {
        *out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
    } else {
        *out = (int64_t)v;
    }
    return true;
}
