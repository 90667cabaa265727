/*
 * Shared vocabulary: byte views and small helpers every layer uses.
 *
 * The hot path never copies log bytes: a parsed record is a set of kt_str views into the
 * decompressed buffer, valid until the next record is read. Views are not NUL-terminated.
 */
#ifndef KEYTRAIL_COMMON_H
#define KEYTRAIL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A borrowed byte range. ptr may be NULL only when len is 0. */
struct kt_str {
    const char *ptr;
    size_t len;
};

/* "No time": event and claim times are int64 milliseconds (claims: seconds) or this. */
#define KT_TIME_NONE INT64_MIN

#define KT_STR_NULL ((struct kt_str){ NULL, 0 })
#define KT_STR_LIT(lit) ((struct kt_str){ (lit), sizeof(lit) - 1 })
#define KT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KT_MAX(a, b) ((a) > (b) ? (a) : (b))

static inline struct kt_str kt_str_make(const char *ptr, size_t len)
{
    return (struct kt_str){ ptr, len };
}

static inline struct kt_str kt_str_cstr(const char *s)
{
    return (struct kt_str){ s, s ? strlen(s) : 0 };
}

static inline bool kt_str_empty(struct kt_str s)
{
    return s.len == 0;
}

static inline bool kt_str_eq(struct kt_str a, struct kt_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static inline bool kt_str_eq_cstr(struct kt_str a, const char *b)
{
    return kt_str_eq(a, kt_str_cstr(b));
}

static inline bool kt_str_has_prefix(struct kt_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

/* ASCII-only case folding: log field names and schemes are ASCII, and locale must not matter. */
static inline char kt_ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

bool kt_str_eq_nocase(struct kt_str a, struct kt_str b);
bool kt_str_has_prefix_nocase(struct kt_str s, const char *prefix);
struct kt_str kt_str_trim(struct kt_str s);
/* Whether needle occurs in s (byte for byte). */
bool kt_str_contains(struct kt_str s, const char *needle);

/* 32-bit FNV-1a of s, continuing from h (start with KT_FNV1A_INIT): a cheap hash for small
 * in-memory sets whose collisions cost only a miscount, never for tables fed by input. */
#define KT_FNV1A_INIT 2166136261u
static inline uint32_t kt_fnv1a32(uint32_t h, struct kt_str s)
{
    for (size_t i = 0; i < s.len; i++) {
        h = (h ^ (uint8_t)s.ptr[i]) * 16777619u;
    }
    return h;
}

/*
 * Copies s into dst (capacity cap, cap > 0) as a NUL-terminated string, truncating if needed.
 * Returns dst.
 */
char *kt_str_copy(char *dst, size_t cap, struct kt_str s);

/* Wipes memory that held secret bytes in a way the compiler cannot elide. NULL is allowed. */
void kt_wipe(void *p, size_t n);

#endif
