/*
 * Little-endian byte writers and checked readers for the binary files keytrail writes (state
 * files, ledger entries): fixed-width integers, LEB128 varints (signed ones zigzag-encoded),
 * IEEE-754 doubles by their bits, and short strings (a one-byte length, then the bytes).
 *
 * A writer grows its buffer; once an allocation fails it stops and remembers it. A reader
 * checks every length against what is left; after the first failure every read returns zero
 * and ok stays false, so a parser reads a whole record and checks once at the end.
 */
#ifndef KEYTRAIL_BYTES_H
#define KEYTRAIL_BYTES_H

#include <stdlib.h>

#include <keytrail/common.h>

struct kt_wbytes {
    uint8_t *p;
    size_t len, cap;
    bool failed;
};

struct kt_rbytes {
    const uint8_t *p;
    size_t len, pos;
    bool ok;
};

static inline uint8_t *kt_wb_room(struct kt_wbytes *w, size_t n)
{
    if (w->failed) {
        return NULL;
    }
    if (w->cap - w->len < n) {
        size_t ncap = w->cap ? w->cap : 4096;
        while (ncap - w->len < n) {
            if (ncap > SIZE_MAX / 2) {
                w->failed = true;
                return NULL;
            }
            ncap *= 2;
        }
        uint8_t *np = realloc(w->p, ncap);
        if (np == NULL) {
            w->failed = true;
            return NULL;
        }
        w->p = np;
        w->cap = ncap;
    }
    return w->p + w->len;
}

static inline void kt_wb_bytes(struct kt_wbytes *w, const void *data, size_t n)
{
    uint8_t *at = kt_wb_room(w, n);
    if (at != NULL && n > 0) {
        memcpy(at, data, n);
        w->len += n;
    }
}

static inline void kt_wb_u8(struct kt_wbytes *w, uint8_t v)
{
    kt_wb_bytes(w, &v, 1);
}

static inline void kt_wb_le(struct kt_wbytes *w, uint64_t v, size_t width)
{
    uint8_t tmp[8];
    for (size_t i = 0; i < width; i++) {
        tmp[i] = (uint8_t)(v >> (8 * i));
    }
    kt_wb_bytes(w, tmp, width);
}

static inline void kt_wb_var(struct kt_wbytes *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        tmp[n++] = (uint8_t)(b | (v != 0 ? 0x80 : 0));
    } while (v != 0);
    kt_wb_bytes(w, tmp, n);
}

static inline void kt_wb_zz(struct kt_wbytes *w, int64_t v)
{
    kt_wb_var(w, ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0));
}

static inline void kt_wb_f64(struct kt_wbytes *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof(v));
    kt_wb_le(w, v, 8);
}

/* A string of at most 255 bytes (longer ones are cut). */
static inline void kt_wb_str(struct kt_wbytes *w, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    n = n > 255 ? 255 : n;
    kt_wb_u8(w, (uint8_t)n);
    kt_wb_bytes(w, s, n);
}

static inline void kt_rb_init(struct kt_rbytes *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->ok = true;
}

static inline bool kt_rb_need(struct kt_rbytes *r, bool cond)
{
    if (!cond) {
        r->ok = false;
    }
    return r->ok;
}

static inline const uint8_t *kt_rb_take(struct kt_rbytes *r, size_t n)
{
    if (!r->ok || r->len - r->pos < n) {
        r->ok = false;
        return NULL;
    }
    const uint8_t *at = r->p + r->pos;
    r->pos += n;
    return at;
}

static inline void kt_rb_bytes(struct kt_rbytes *r, void *out, size_t n)
{
    const uint8_t *at = kt_rb_take(r, n);
    if (at != NULL) {
        memcpy(out, at, n);
    } else {
        memset(out, 0, n);
    }
}

static inline uint8_t kt_rb_u8(struct kt_rbytes *r)
{
    const uint8_t *at = kt_rb_take(r, 1);
    return at ? at[0] : 0;
}

static inline uint64_t kt_rb_le(struct kt_rbytes *r, size_t width)
{
    const uint8_t *at = kt_rb_take(r, width);
    uint64_t v = 0;
    for (size_t i = width; at != NULL && i-- > 0;) {
        v = v << 8 | at[i];
    }
    return v;
}

static inline uint64_t kt_rb_var(struct kt_rbytes *r)
{
    uint64_t v = 0;
    for (unsigned shift = 0; r->ok; shift += 7) {
        if (r->pos >= r->len || shift > 63) {
            r->ok = false;
            break;
        }
        uint8_t b = r->p[r->pos++];
        if (shift == 63 && (b & 0x7e) != 0) {
            r->ok = false;
            break;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            return v;
        }
    }
    return 0;
}

static inline uint64_t kt_rb_var_max(struct kt_rbytes *r, uint64_t max)
{
    uint64_t v = kt_rb_var(r);
    return kt_rb_need(r, v <= max) ? v : 0;
}

static inline int64_t kt_rb_zz(struct kt_rbytes *r)
{
    uint64_t v = kt_rb_var(r);
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static inline double kt_rb_f64(struct kt_rbytes *r)
{
    uint64_t v = kt_rb_le(r, 8);
    double d;
    memcpy(&d, &v, sizeof(d));
    return d;
}

/* A string written by kt_wb_str into out (capacity cap, NUL-terminated): refused when it does
 * not fit or holds a NUL. */
static inline void kt_rb_str(struct kt_rbytes *r, char *out, size_t cap)
{
    size_t n = kt_rb_u8(r);
    const uint8_t *at = kt_rb_take(r, n);
    if (!kt_rb_need(r, at != NULL && n < cap && memchr(at, '\0', n) == NULL)) {
        out[0] = '\0';
        return;
    }
    memcpy(out, at, n);
    out[n] = '\0';
}

#endif
