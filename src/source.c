/*
 * Sources (src/source.h): one file or pipe in, decompressed bytes out.
 *
 * Opening reads just enough of the content to recognise it: it keeps reading only while the
 * bytes seen so far are a prefix of some magic number, so a live pipe of plain text is never
 * held up and nothing is reopened or seeked. The bytes read for that stay in the input buffer
 * and are the first bytes decoded.
 *
 * Plain input is the hot path and does no per-byte work: after the few sniffed bytes, read(2)
 * goes straight into the caller's buffer.
 *
 * gzip and zstd run a small state machine over one compressed buffer of opts->read_size bytes:
 *
 *   BETWEEN ──1f──► HEADER ──► BODY ──► TRAILER ──► BETWEEN ──00──► PADDING ──EOF──► end
 *      └──EOF──► end                                   (zstd: BETWEEN ──► FRAME ──► BETWEEN)
 *
 * The gzip wrapper (header fields FEXTRA/FNAME/FCOMMENT/FHCRC, CRC-32 and ISIZE trailer, the
 * boundaries of concatenated members, NUL padding, trailing garbage) is parsed here byte-exactly
 * and streaming, so a member may be split anywhere across reads; only the deflate body goes to a
 * backend (inflate.h: zlib or ISA-L), which writes straight into the caller's buffer. Every step
 * either consumes input, produces output, or says it needs input; the read returns as soon as
 * it has output and would otherwise have to call read(2), so live pipes flow.
 *
 * Damage (truncation, corruption, the max_member_out cap, a failed read) is recorded with the
 * offsets reached and reported by the next call when the current one already produced bytes;
 * after that every call returns KT_END. A clean end is not latched: a later call reads again,
 * so a caller can follow a file that grows. Error text carries offsets and counts only, never
 * input bytes.
 *
 * kt_source_open_fd takes ownership of the descriptor at the call when owns_fd is true: it is
 * closed on failure as well as by kt_source_free.
 */
#include "source.h"

#include "inflate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define READ_SIZE_DEFAULT ((size_t)256 * 1024)
#define READ_SIZE_MAX ((size_t)64 * 1024 * 1024)
#define MEMBER_OUT_DEFAULT ((uint64_t)64 << 30)
#define STDIN_NAME "<stdin>"

/* gzip header flag bits (RFC 1952) */
#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_FRESERVED 0xe0

enum state {
    ST_BETWEEN, /* at a member/frame boundary (also the start) */
    ST_HEADER,  /* inside a gzip member header */
    ST_BODY,    /* inside deflate data, or inside a zstd frame */
    ST_TRAILER, /* inside a gzip trailer */
    ST_PADDING, /* inside NUL bytes after the last member */
};

/* Parts of a gzip header, in order. */
enum hdr_part {
    HDR_FIXED, /* ID1 ID2 CM FLG MTIME(4) XFL OS */
    HDR_XLEN,
    HDR_EXTRA,
    HDR_NAME,
    HDR_COMMENT,
    HDR_HCRC,
};

/* What one step of the state machine did. */
enum step {
    STEP_AGAIN,  /* made progress; run another step */
    STEP_INPUT,  /* the input buffer is exhausted; read(2) is needed */
    STEP_FULL,   /* the caller's buffer is full */
    STEP_DAMAGE, /* src->pending holds the error */
};

struct kt_source {
    int fd;
    bool owns_fd;
    char *name;
    enum kt_codec codec;
    size_t read_size; /* bytes per read(2) */
    size_t buf_cap;   /* read_size, but at least the longest magic number */
    uint64_t max_member_out;

    const struct kt_inflate_backend *backend; /* gzip */
    void *inflater;
    struct kt_zstd *zstd; /* zstd */

    uint8_t *buf; /* compressed input; buf[pos..end) not yet consumed */
    size_t pos, end;
    uint64_t buf_off; /* stream offset of buf[0] */

    uint64_t bytes_in, bytes_out;
    unsigned members;
    uint64_t member_off; /* stream offset where the current member or frame began */
    uint64_t member_out; /* bytes the current member or frame has produced */

    enum state state;
    enum hdr_part hdr_part;
    uint8_t fld[10]; /* fixed-size header parts and the zstd magic, as they arrive */
    size_t fld_have;
    uint8_t flags;
    uint32_t xlen_left;
    uint32_t hcrc;
    uint8_t trl[8];
    size_t trl_have;

    enum kt_rc pending; /* damage found, to report */
    struct kt_err pending_err;
    bool dead; /* damage reported: reads return KT_END */
};

/* ------------------------------------------------------------------------------------------ */
/* Sniffing */

enum sniff {
    SNIFF_MORE = -1, /* the bytes so far could still be a magic number */
    SNIFF_PLAIN = KT_CODEC_PLAIN,
    SNIFF_GZIP = KT_CODEC_GZIP,
    SNIFF_ZSTD = KT_CODEC_ZSTD,
    SNIFF_BZIP2 = 100,
    SNIFF_XZ,
};

struct magic {
    enum sniff kind;
    size_t len;
    uint8_t lo[10], hi[10]; /* byte i must be within [lo[i], hi[i]] */
};

/*
 * bzip2 is matched on "BZh", a block size digit and the 48-bit magic of the first block (or of
 * the end of stream), so a plain log that happens to start with "BZh" is not refused.
 */
static const struct magic magics[] = {
    {SNIFF_GZIP, 2, {0x1f, 0x8b}, {0x1f, 0x8b}},
    {SNIFF_ZSTD, 4, {0x28, 0xb5, 0x2f, 0xfd}, {0x28, 0xb5, 0x2f, 0xfd}},
    {SNIFF_ZSTD, 4, {0x50, 0x2a, 0x4d, 0x18}, {0x5f, 0x2a, 0x4d, 0x18}}, /* skippable */
    {SNIFF_XZ, 6, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}},
    {SNIFF_BZIP2,
     10,
     {'B', 'Z', 'h', '1', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59},
     {'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59}},
    {SNIFF_BZIP2,
     10,
     {'B', 'Z', 'h', '1', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90},
     {'B', 'Z', 'h', '9', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90}},
};

#define SNIFF_MAX 10 /* the longest magic above */

/* Classifies the first n bytes; SNIFF_MORE only while !eof and a magic is still possible. */
static enum sniff sniff_bytes(const uint8_t *p, size_t n, bool eof)
{
    bool possible = false;
    for (size_t m = 0; m < KT_ARRAY_LEN(magics); m++) {
        const struct magic *mg = &magics[m];
        size_t k = KT_MIN(n, mg->len);
        size_t i = 0;
        while (i < k && p[i] >= mg->lo[i] && p[i] <= mg->hi[i]) {
            i++;
        }
        if (i < k) {
            continue;
        }
        if (k == mg->len) {
            return mg->kind;
        }
        possible = true;
    }
    return (possible && !eof) ? SNIFF_MORE : SNIFF_PLAIN;
}

/* ------------------------------------------------------------------------------------------ */
/* Input */

static uint64_t in_offset(const struct kt_source *src)
{
    return src->buf_off + src->pos;
}

/*
 * One read(2) into p (at most len bytes), retrying EINTR and waiting in poll() when the
 * descriptor is non-blocking and has nothing yet. Returns the count (0 at end of input) or -1
 * with errno set.
 */
static ssize_t read_some(int fd, void *p, size_t len)
{
    for (;;) {
        ssize_t got = read(fd, p, len);
        if (got >= 0) {
            return got;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
                return -1;
            }
            continue;
        }
        return -1;
    }
}

static void set_pending(struct kt_source *src, enum kt_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_pending(struct kt_source *src, enum kt_rc rc, const char *fmt, ...)
{
    char msg[sizeof(src->pending_err.msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    src->pending = rc;
    kt_err_at(&src->pending_err, rc, src->name, 0, "%s", msg);
}

/*
 * Refills the compressed buffer once it is fully consumed. Returns KT_OK with *eof false when
 * bytes arrived, KT_OK with *eof true at end of input, or KT_EIO (recorded as pending).
 */
static enum kt_rc fill(struct kt_source *src, bool *eof)
{
    src->buf_off += src->end;
    src->pos = 0;
    src->end = 0;
    ssize_t got = read_some(src->fd, src->buf, src->read_size);
    if (got < 0) {
        set_pending(src, KT_EIO,
                    "read failed at compressed offset %llu after %llu bytes of "
                    "output: %s",
                    (unsigned long long)src->buf_off, (unsigned long long)src->bytes_out,
                    strerror(errno));
        return KT_EIO;
    }
    src->end = (size_t)got;
    src->bytes_in += (uint64_t)got;
    *eof = got == 0;
    return KT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Shared pieces of the gzip and zstd machines */

static void damage(struct kt_source *src, enum kt_rc rc, const char *what, const char *detail)
{
    set_pending(src, rc,
                "%s %u starting at compressed offset %llu: %s (stopped after %llu "
                "bytes of output)",
                what, src->members, (unsigned long long)src->member_off, detail,
                (unsigned long long)src->bytes_out);
}

static void truncated(struct kt_source *src, const char *what, const char *where)
{
    set_pending(src, KT_ETRUNCATED,
                "%s %u truncated%s at compressed offset %llu after %llu "
                "bytes of output",
                what, src->members, where, (unsigned long long)(src->buf_off + src->end),
                (unsigned long long)src->bytes_out);
}

static void garbage(struct kt_source *src, const char *what, uint64_t off)
{
    set_pending(src, KT_ECORRUPT, "trailing garbage after %s %u at offset %llu", what, src->members,
                (unsigned long long)off);
}

static void over_limit(struct kt_source *src, const char *what)
{
    set_pending(src, KT_ELIMIT,
                "%s %u starting at compressed offset %llu would exceed "
                "max_member_out (%llu bytes of output)",
                what, src->members, (unsigned long long)src->member_off,
                (unsigned long long)src->max_member_out);
}

/* Consumes NUL padding; anything else after it is trailing garbage. */
static enum step step_padding(struct kt_source *src, const char *what)
{
    while (src->pos < src->end && src->buf[src->pos] == 0) {
        src->pos++;
    }
    if (src->pos == src->end) {
        return STEP_INPUT;
    }
    garbage(src, what, in_offset(src));
    return STEP_DAMAGE;
}

/*
 * Where the next output goes: the caller's buffer, limited so the current member or frame
 * cannot pass max_member_out. At the cap, a 1-byte probe tells whether the member has more.
 */
struct out_span {
    uint8_t *p;
    size_t len;
    bool probe;
};

static struct out_span out_span(const struct kt_source *src, uint8_t *out, size_t cap,
                                size_t produced, uint8_t *probe_byte)
{
    uint64_t allow = src->max_member_out - src->member_out;
    size_t room = cap - produced;
    if (allow == 0) {
        return (struct out_span){probe_byte, 1, true};
    }
    return (struct out_span){out + produced, (size_t)KT_MIN((uint64_t)room, allow), false};
}

/* ------------------------------------------------------------------------------------------ */
/* gzip */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copies up to want - fld_have bytes into fld; true when it holds want bytes. */
static bool collect(struct kt_source *src, size_t want)
{
    size_t take = KT_MIN(want - src->fld_have, src->end - src->pos);
    memcpy(src->fld + src->fld_have, src->buf + src->pos, take);
    src->fld_have += take;
    src->pos += take;
    return src->fld_have == want;
}

static void hcrc_add(struct kt_source *src, const uint8_t *p, size_t n)
{
    if ((src->flags & GZ_FHCRC) != 0 && n > 0) {
        src->hcrc = (uint32_t)crc32(src->hcrc, p, (uInt)n);
    }
}

/* Moves the header parser to the first part present after `from`. */
static void hdr_next(struct kt_source *src, enum hdr_part from)
{
    src->fld_have = 0;
    if (from < HDR_XLEN && (src->flags & GZ_FEXTRA) != 0) {
        src->hdr_part = HDR_XLEN;
    } else if (from < HDR_NAME && (src->flags & GZ_FNAME) != 0) {
        src->hdr_part = HDR_NAME;
    } else if (from < HDR_COMMENT && (src->flags & GZ_FCOMMENT) != 0) {
        src->hdr_part = HDR_COMMENT;
    } else if (from < HDR_HCRC && (src->flags & GZ_FHCRC) != 0) {
        src->hdr_part = HDR_HCRC;
    } else {
        src->backend->reset(src->inflater);
        src->member_out = 0;
        src->state = ST_BODY;
    }
}

/* Skips a NUL-terminated header field; true once its NUL was consumed. */
static bool skip_string(struct kt_source *src)
{
    const uint8_t *p = src->buf + src->pos;
    size_t avail = src->end - src->pos;
    const uint8_t *nul = memchr(p, 0, avail);
    size_t take = nul != NULL ? (size_t)(nul - p) + 1 : avail;
    hcrc_add(src, p, take);
    src->pos += take;
    return nul != NULL;
}

static enum step gzip_header(struct kt_source *src)
{
    if (src->pos == src->end) {
        return STEP_INPUT;
    }
    switch (src->hdr_part) {
    case HDR_FIXED:
        collect(src, 10);
        /* The magic is checked as soon as it arrives: anything else is not a member. */
        if ((src->fld_have >= 1 && src->fld[0] != 0x1f) ||
            (src->fld_have >= 2 && src->fld[1] != 0x8b)) {
            src->members--;
            garbage(src, "member", src->member_off);
            return STEP_DAMAGE;
        }
        if (src->fld_have < 10) {
            return STEP_INPUT;
        }
        if (src->fld[2] != 8) {
            damage(src, KT_ECORRUPT, "gzip member",
                   "bad header (compression method is not "
                   "deflate)");
            return STEP_DAMAGE;
        }
        src->flags = src->fld[3];
        if ((src->flags & GZ_FRESERVED) != 0) {
            damage(src, KT_ECORRUPT, "gzip member", "bad header (reserved flag bits set)");
            return STEP_DAMAGE;
        }
        src->hcrc = (uint32_t)crc32(0L, Z_NULL, 0);
        hcrc_add(src, src->fld, 10);
        hdr_next(src, HDR_FIXED);
        return STEP_AGAIN;
    case HDR_XLEN:
        if (!collect(src, 2)) {
            return STEP_INPUT;
        }
        hcrc_add(src, src->fld, 2);
        src->xlen_left = (uint32_t)src->fld[0] | (uint32_t)src->fld[1] << 8;
        src->hdr_part = HDR_EXTRA;
        return STEP_AGAIN;
    case HDR_EXTRA: {
        size_t take = (size_t)KT_MIN((uint64_t)src->xlen_left, (uint64_t)(src->end - src->pos));
        hcrc_add(src, src->buf + src->pos, take);
        src->pos += take;
        src->xlen_left -= (uint32_t)take;
        if (src->xlen_left > 0) {
            return STEP_INPUT;
        }
        hdr_next(src, HDR_EXTRA);
        return STEP_AGAIN;
    }
    case HDR_NAME:
    case HDR_COMMENT:
        if (!skip_string(src)) {
            return STEP_INPUT;
        }
        hdr_next(src, src->hdr_part);
        return STEP_AGAIN;
    case HDR_HCRC:
        if (!collect(src, 2)) {
            return STEP_INPUT;
        }
        if ((src->hcrc & 0xffffu) != ((uint32_t)src->fld[0] | (uint32_t)src->fld[1] << 8)) {
            damage(src, KT_ECORRUPT, "gzip member", "bad header (header CRC mismatch)");
            return STEP_DAMAGE;
        }
        hdr_next(src, HDR_HCRC);
        return STEP_AGAIN;
    }
    return STEP_AGAIN;
}

static enum step gzip_body(struct kt_source *src, uint8_t *out, size_t cap, size_t *produced)
{
    uint8_t probe_byte;
    struct out_span span = out_span(src, out, cap, *produced, &probe_byte);
    struct kt_dec_io io = {
        .in = src->buf + src->pos,
        .in_len = src->end - src->pos,
        .out = span.p,
        .out_len = span.len,
    };
    enum kt_rc rc = src->backend->run(src->inflater, &io);
    src->pos += io.in_used;
    if (span.probe) {
        if (io.out_used > 0) {
            over_limit(src, "gzip member");
            return STEP_DAMAGE;
        }
    } else {
        *produced += io.out_used;
        src->member_out += io.out_used;
        src->bytes_out += io.out_used;
    }
    switch (rc) {
    case KT_END:
        src->trl_have = src->backend->tail(src->inflater, src->trl);
        src->state = ST_TRAILER;
        return STEP_AGAIN;
    case KT_OK: break;
    case KT_ENOMEM:
        damage(src, KT_ENOMEM, "gzip member", "out of memory in the inflater");
        return STEP_DAMAGE;
    default: damage(src, KT_ECORRUPT, "gzip member", "invalid deflate data"); return STEP_DAMAGE;
    }
    if (*produced == cap) {
        return STEP_FULL;
    }
    if (io.in_used == 0 && io.out_used == 0) {
        if (src->pos == src->end) {
            return STEP_INPUT;
        }
        /* Input and room were both there and nothing moved: a backend bug, not the input's. */
        damage(src, KT_ECORRUPT, "gzip member", "the inflater stalled");
        return STEP_DAMAGE;
    }
    return STEP_AGAIN;
}

static enum step gzip_trailer(struct kt_source *src)
{
    size_t take = KT_MIN(sizeof(src->trl) - src->trl_have, src->end - src->pos);
    memcpy(src->trl + src->trl_have, src->buf + src->pos, take);
    src->trl_have += take;
    src->pos += take;
    if (src->trl_have < sizeof(src->trl)) {
        return STEP_INPUT;
    }
    uint32_t crc = le32(src->trl);
    uint32_t isize = le32(src->trl + 4);
    if (crc != src->backend->crc(src->inflater)) {
        damage(src, KT_ECORRUPT, "gzip member", "CRC-32 mismatch");
        return STEP_DAMAGE;
    }
    if (isize != (uint32_t)src->member_out) {
        damage(src, KT_ECORRUPT, "gzip member", "length mismatch (ISIZE)");
        return STEP_DAMAGE;
    }
    src->state = ST_BETWEEN;
    return STEP_AGAIN;
}

static enum step gzip_step(struct kt_source *src, uint8_t *out, size_t cap, size_t *produced)
{
    switch (src->state) {
    case ST_BETWEEN:
        if (src->pos == src->end) {
            return STEP_INPUT;
        }
        if (src->buf[src->pos] == 0) {
            src->state = ST_PADDING;
            return STEP_AGAIN;
        }
        src->members++;
        src->member_off = in_offset(src);
        src->state = ST_HEADER;
        src->hdr_part = HDR_FIXED;
        src->fld_have = 0;
        return STEP_AGAIN;
    case ST_HEADER: return gzip_header(src);
    case ST_BODY: return gzip_body(src, out, cap, produced);
    case ST_TRAILER: return gzip_trailer(src);
    case ST_PADDING: return step_padding(src, "member");
    }
    return STEP_AGAIN;
}

/* End of input reached in the current state: a clean end (true) or truncation. */
static bool gzip_eof(struct kt_source *src)
{
    switch (src->state) {
    case ST_BETWEEN:
    case ST_PADDING: return true;
    case ST_HEADER: truncated(src, "gzip member", " in its header"); return false;
    case ST_BODY: truncated(src, "gzip member", ""); return false;
    case ST_TRAILER: truncated(src, "gzip member", " in its trailer"); return false;
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* zstd */

#if KT_HAVE_ZSTD
/* Whether the first n (< 4) bytes of a frame could still begin a zstd or skippable frame. */
static bool zstd_magic_prefix(const uint8_t *p, size_t n)
{
    for (size_t m = 0; m < KT_ARRAY_LEN(magics); m++) {
        const struct magic *mg = &magics[m];
        if (mg->kind != SNIFF_ZSTD) {
            continue;
        }
        size_t i = 0;
        while (i < n && p[i] >= mg->lo[i] && p[i] <= mg->hi[i]) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

static enum step zs_frame(struct kt_source *src, uint8_t *out, size_t cap, size_t *produced)
{
    uint8_t probe_byte;
    struct out_span span = out_span(src, out, cap, *produced, &probe_byte);
    struct kt_dec_io io = {
        .in = src->buf + src->pos,
        .in_len = src->end - src->pos,
        .out = span.p,
        .out_len = span.len,
    };
    const char *why = "invalid zstd data";
    enum kt_rc rc = kt_zstd_run(src->zstd, &io, &why);
    /* Keep the first bytes of the frame to tell garbage from truncation at end of input. */
    size_t keep = KT_MIN(io.in_used, (size_t)4 - KT_MIN(src->fld_have, (size_t)4));
    memcpy(src->fld + src->fld_have, src->buf + src->pos, keep);
    src->fld_have += keep;
    src->pos += io.in_used;
    if (span.probe) {
        if (io.out_used > 0) {
            over_limit(src, "zstd frame");
            return STEP_DAMAGE;
        }
    } else {
        *produced += io.out_used;
        src->member_out += io.out_used;
        src->bytes_out += io.out_used;
    }
    switch (rc) {
    case KT_END: src->state = ST_BETWEEN; return STEP_AGAIN;
    case KT_OK: break;
    case KT_EFORMAT:
        if (src->members > 1) {
            src->members--;
            garbage(src, "frame", src->member_off);
        } else {
            damage(src, KT_ECORRUPT, "zstd frame", why);
        }
        return STEP_DAMAGE;
    default: damage(src, rc, "zstd frame", why); return STEP_DAMAGE;
    }
    if (*produced == cap) {
        return STEP_FULL;
    }
    if (io.in_used == 0 && io.out_used == 0) {
        if (src->pos == src->end) {
            return STEP_INPUT;
        }
        damage(src, KT_ECORRUPT, "zstd frame", "the decoder stalled");
        return STEP_DAMAGE;
    }
    return STEP_AGAIN;
}

static enum step zs_step(struct kt_source *src, uint8_t *out, size_t cap, size_t *produced)
{
    switch (src->state) {
    case ST_BETWEEN: {
        if (src->pos == src->end) {
            return STEP_INPUT;
        }
        uint8_t b = src->buf[src->pos];
        if (b == 0) {
            src->state = ST_PADDING;
            return STEP_AGAIN;
        }
        if (!zstd_magic_prefix(&b, 1)) {
            garbage(src, "frame", in_offset(src));
            return STEP_DAMAGE;
        }
        src->members++;
        src->member_off = in_offset(src);
        src->member_out = 0;
        src->fld_have = 0;
        src->state = ST_BODY;
        return STEP_AGAIN;
    }
    case ST_BODY: return zs_frame(src, out, cap, produced);
    case ST_PADDING: return step_padding(src, "frame");
    default: return STEP_AGAIN;
    }
}

static bool zs_eof(struct kt_source *src)
{
    if (src->state != ST_BODY) {
        return true;
    }
    if (src->fld_have < 4 && src->members > 1 && !zstd_magic_prefix(src->fld, src->fld_have)) {
        src->members--;
        garbage(src, "frame", src->member_off);
        return false;
    }
    truncated(src, "zstd frame", "");
    return false;
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* Reading */

/* Plain input: the sniffed bytes first, then read(2) straight into the caller's buffer. */
static enum kt_rc read_plain(struct kt_source *src, uint8_t *out, size_t cap, size_t *n)
{
    if (src->pos < src->end) {
        size_t take = KT_MIN(cap, src->end - src->pos);
        memcpy(out, src->buf + src->pos, take);
        src->pos += take;
        src->bytes_out += take;
        *n = take;
        return KT_OK;
    }
    ssize_t got = read_some(src->fd, out, KT_MIN(cap, src->read_size));
    if (got < 0) {
        set_pending(src, KT_EIO, "read failed at offset %llu: %s",
                    (unsigned long long)src->bytes_in, strerror(errno));
        return KT_EIO;
    }
    src->bytes_in += (uint64_t)got;
    src->bytes_out += (uint64_t)got;
    *n = (size_t)got;
    return got > 0 ? KT_OK : KT_END;
}

/*
 * Runs the gzip or zstd machine until it has output and would need read(2), the buffer is
 * full, the input ends, or damage is found (left in src->pending).
 */
static enum kt_rc read_compressed(struct kt_source *src, uint8_t *out, size_t cap, size_t *n)
{
    size_t produced = 0;
    for (;;) {
        enum step st;
#if KT_HAVE_ZSTD
        if (src->codec == KT_CODEC_ZSTD) {
            st = zs_step(src, out, cap, &produced);
        } else {
            st = gzip_step(src, out, cap, &produced);
        }
#else
        st = gzip_step(src, out, cap, &produced);
#endif
        if (st == STEP_AGAIN) {
            continue;
        }
        if (st == STEP_FULL || st == STEP_DAMAGE || produced > 0) {
            break;
        }
        bool eof = false;
        if (fill(src, &eof) != KT_OK) {
            break;
        }
        if (eof) {
            bool clean;
#if KT_HAVE_ZSTD
            clean = src->codec == KT_CODEC_ZSTD ? zs_eof(src) : gzip_eof(src);
#else
            clean = gzip_eof(src);
#endif
            if (clean) {
                *n = 0;
                return KT_END;
            }
            break;
        }
    }
    *n = produced;
    if (produced > 0) {
        return KT_OK; /* any damage found waits for the next call */
    }
    return src->pending;
}

enum kt_rc kt_source_read(struct kt_source *src, void *buf, size_t cap, size_t *n,
                          struct kt_err *err)
{
    if (n != NULL) {
        *n = 0;
    }
    if (src == NULL || buf == NULL || n == NULL || cap == 0) {
        return kt_err_set(err, KT_EINVAL, "kt_source_read needs a source, a buffer and cap > 0");
    }
    if (src->dead) {
        return KT_END;
    }
    enum kt_rc rc = KT_OK;
    if (src->pending == KT_OK) {
        if (src->codec == KT_CODEC_PLAIN) {
            rc = read_plain(src, buf, cap, n);
        } else {
            rc = read_compressed(src, buf, cap, n);
        }
        if (rc == KT_OK || rc == KT_END) {
            return rc;
        }
    }
    /* Damage: reported once, then the source is finished. */
    rc = src->pending;
    src->dead = true;
    if (err != NULL) {
        *err = src->pending_err;
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Opening */

/* Reads until the content's kind is known; the bytes read stay in buf. */
static enum kt_rc sniff(struct kt_source *src, enum sniff *kind, struct kt_err *err)
{
    bool eof = false;
    for (;;) {
        *kind = sniff_bytes(src->buf, src->end, eof);
        if (*kind != SNIFF_MORE) {
            return KT_OK;
        }
        size_t want = KT_MIN(src->read_size, src->buf_cap - src->end);
        ssize_t got = read_some(src->fd, src->buf + src->end, want);
        if (got < 0) {
            return kt_err_at(err, KT_EIO, src->name, 0, "read failed at offset %llu: %s",
                             (unsigned long long)src->bytes_in, strerror(errno));
        }
        src->end += (size_t)got;
        src->bytes_in += (uint64_t)got;
        eof = got == 0;
    }
}

static enum kt_rc setup_decoder(struct kt_source *src, enum sniff kind, enum kt_inflate_impl impl,
                                struct kt_err *err)
{
    switch (kind) {
    case SNIFF_PLAIN: src->codec = KT_CODEC_PLAIN; return KT_OK;
    case SNIFF_GZIP: src->codec = KT_CODEC_GZIP;
#if KT_HAVE_ISAL
        src->backend =
            impl == KT_INFLATE_ZLIB ? &kt_inflate_backend_zlib : &kt_inflate_backend_isal;
#else
        (void)impl;
        src->backend = &kt_inflate_backend_zlib;
#endif
        if (src->backend->create(&src->inflater) != KT_OK) {
            return kt_err_at(err, KT_ENOMEM, src->name, 0, "cannot allocate the inflater");
        }
        return KT_OK;
    case SNIFF_ZSTD: src->codec = KT_CODEC_ZSTD;
#if KT_HAVE_ZSTD
        if (kt_zstd_new(&src->zstd) != KT_OK) {
            return kt_err_at(err, KT_ENOMEM, src->name, 0, "cannot allocate the zstd decoder");
        }
        return KT_OK;
#else
        return kt_err_at(err, KT_EUNSUPPORTED, src->name, 0,
                         "zstd input, but this build has no zstd support (libzstd)");
#endif
    case SNIFF_BZIP2:
        return kt_err_at(err, KT_EUNSUPPORTED, src->name, 0,
                         "bzip2 input is not supported; decompress it first (bzcat)");
    case SNIFF_XZ:
        return kt_err_at(err, KT_EUNSUPPORTED, src->name, 0,
                         "xz input is not supported; decompress it first (xzcat)");
    case SNIFF_MORE: break;
    }
    return kt_err_at(err, KT_EFORMAT, src->name, 0, "input kind not recognised");
}

enum kt_rc kt_source_open_fd(struct kt_source **out, int fd, const char *name, bool owns_fd,
                             const struct kt_source_opts *opts, struct kt_err *err)
{
    enum kt_rc rc = KT_OK;
    struct kt_source *src = NULL;
    struct kt_source_opts def = {0};

    if (out != NULL) {
        *out = NULL;
    }
    if (opts == NULL) {
        opts = &def;
    }
    if (out == NULL || fd < 0) {
        rc = kt_err_at(err, KT_EINVAL, name, 0, "kt_source_open_fd needs out and a descriptor");
        goto out;
    }
    if (opts->inflate != KT_INFLATE_AUTO && opts->inflate != KT_INFLATE_ZLIB &&
        opts->inflate != KT_INFLATE_ISAL) {
        rc = kt_err_at(err, KT_EINVAL, name, 0, "unknown inflate implementation");
        goto out;
    }
    if (!kt_inflate_available(opts->inflate)) {
        rc = kt_err_at(err, KT_EUNSUPPORTED, name, 0,
                       "ISA-L inflate requested, but this build has no ISA-L");
        goto out;
    }
    src = calloc(1, sizeof(*src));
    if (src == NULL) {
        rc = kt_err_at(err, KT_ENOMEM, name, 0, "cannot allocate a source");
        goto out;
    }
    src->fd = fd;
    src->owns_fd = owns_fd;
    owns_fd = false; /* from here on kt_source_free closes it */
    src->name = strdup(name != NULL ? name : "<fd>");
    src->read_size =
        opts->read_size == 0 ? READ_SIZE_DEFAULT : KT_MIN(opts->read_size, READ_SIZE_MAX);
    src->max_member_out = opts->max_member_out == 0 ? MEMBER_OUT_DEFAULT : opts->max_member_out;
    src->buf_cap = KT_MAX(src->read_size, (size_t)SNIFF_MAX);
    src->buf = malloc(src->buf_cap);
    if (src->name == NULL || src->buf == NULL) {
        rc = kt_err_at(err, KT_ENOMEM, name, 0, "cannot allocate a source");
        goto out;
    }

    enum sniff kind;
    rc = sniff(src, &kind, err);
    if (rc != KT_OK) {
        goto out;
    }
    rc = setup_decoder(src, kind, opts->inflate, err);
    if (rc != KT_OK) {
        goto out;
    }
    *out = src;
    src = NULL;
out:
    kt_source_free(src);
    if (owns_fd && fd >= 0) {
        close(fd);
    }
    return rc;
}

enum kt_rc kt_source_open(struct kt_source **out, const char *path,
                          const struct kt_source_opts *opts, struct kt_err *err)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || path == NULL) {
        return kt_err_set(err, KT_EINVAL, "kt_source_open needs out and a path");
    }
    if (strcmp(path, "-") == 0) {
        return kt_source_open_fd(out, STDIN_FILENO, STDIN_NAME, false, opts, err);
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return kt_err_at(err, KT_EOPEN, path, 0, "is a directory");
    }
    if (S_ISREG(st.st_mode)) {
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    return kt_source_open_fd(out, fd, path, true, opts, err);
}

void kt_source_free(struct kt_source *src)
{
    if (src == NULL) {
        return;
    }
    if (src->backend != NULL) {
        src->backend->destroy(src->inflater);
    }
#if KT_HAVE_ZSTD
    kt_zstd_free(src->zstd);
#endif
    if (src->owns_fd) {
        close(src->fd);
    }
    if (src->buf != NULL) {
        kt_wipe(src->buf, src->buf_cap); /* it held log bytes, which may hold tokens */
    }
    free(src->buf);
    free(src->name);
    free(src);
}

/* ------------------------------------------------------------------------------------------ */
/* Accessors */

enum kt_codec kt_source_codec(const struct kt_source *src)
{
    return src != NULL ? src->codec : KT_CODEC_PLAIN;
}

const char *kt_codec_name(enum kt_codec codec)
{
    switch (codec) {
    case KT_CODEC_PLAIN: return "plain";
    case KT_CODEC_GZIP: return "gzip";
    case KT_CODEC_ZSTD: return "zstd";
    }
    return "unknown";
}

const char *kt_source_name(const struct kt_source *src)
{
    return src != NULL ? src->name : "";
}

uint64_t kt_source_bytes_in(const struct kt_source *src)
{
    return src != NULL ? src->bytes_in : 0;
}

uint64_t kt_source_bytes_out(const struct kt_source *src)
{
    return src != NULL ? src->bytes_out : 0;
}

unsigned kt_source_members(const struct kt_source *src)
{
    return src != NULL ? src->members : 0;
}

bool kt_inflate_available(enum kt_inflate_impl impl)
{
    switch (impl) {
    case KT_INFLATE_AUTO:
    case KT_INFLATE_ZLIB: return true;
    case KT_INFLATE_ISAL: return KT_HAVE_ISAL != 0;
    }
    return false;
}
