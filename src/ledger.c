/*
 * The ledger of consumed inputs (ledger.h).
 *
 * Entries live in one array, in the order they were first recorded. Opening a file looks its
 * identity up (device, inode, size, mtime) and then its head fingerprint by a linear scan:
 * comparing 16 bytes per entry is cheap next to reading the file, and a ledger holds one entry
 * per log file ever read (a year of daily rotation is a few hundred).
 *
 * A matching head is not enough: many logs of one service start with the same bytes for a
 * while. The entry's tail fingerprint must match too, at the consumed offset: for a plain file
 * read with pread, for a compressed one by decompressing up to there (discarded).
 */
#include "ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "cred_internal.h"
#include "redact.h"

struct kt_ledger {
    struct kt_ledger_entry *v;
    size_t n, cap;
};

struct kt_ledger_input {
    struct kt_ledger *lg;
    int fd;
    struct stat st;
    char path[KT_LEDGER_PATH];
    long match;               /* entry index, or -1 */
    enum kt_codec codec;
    uint8_t head[KT_LEDGER_HEAD];
    size_t head_got;
    kt_read_fn inner;
    void *inner_ctx;
    uint64_t delivered;       /* decompressed offset of the next byte */
    uint64_t first_line;      /* line number at the resume offset (0: unknown) */
    uint64_t next_line;       /* line number reached, as the caller says */
    uint8_t ring[KT_LEDGER_TAIL]; /* the last bytes delivered, ring[delivered % size] next */
};

enum kt_rc kt_ledger_new(struct kt_ledger **out)
{
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? KT_OK : KT_ENOMEM;
}

void kt_ledger_free(struct kt_ledger *lg)
{
    if (lg != NULL) {
        free(lg->v);
        free(lg);
    }
}

size_t kt_ledger_count(const struct kt_ledger *lg)
{
    return lg != NULL ? lg->n : 0;
}

const struct kt_ledger_entry *kt_ledger_at(const struct kt_ledger *lg, size_t i)
{
    return &lg->v[i];
}

enum kt_rc kt_ledger_add(struct kt_ledger *lg, const struct kt_ledger_entry *entry)
{
    if (lg->n == lg->cap) {
        size_t ncap = lg->cap ? lg->cap * 2 : 64;
        struct kt_ledger_entry *nv = realloc(lg->v, ncap * sizeof(*nv));
        if (nv == NULL) {
            return KT_ENOMEM;
        }
        lg->v = nv;
        lg->cap = ncap;
    }
    lg->v[lg->n++] = *entry;
    return KT_OK;
}

static bool same_content(const struct kt_ledger_entry *a, const struct kt_ledger_entry *b)
{
    return a->head_len == b->head_len && memcmp(a->head, b->head, KT_LEDGER_FP) == 0;
}

enum kt_rc kt_ledger_merge(struct kt_ledger *lg, const struct kt_ledger *src)
{
    for (size_t i = 0; i < src->n; i++) {
        const struct kt_ledger_entry *s = &src->v[i];
        bool held = false;
        for (size_t j = 0; j < lg->n && !held; j++) {
            struct kt_ledger_entry *d = &lg->v[j];
            if (same_content(d, s)) {
                held = true;
                if (s->consumed > d->consumed) {
                    *d = *s; /* the same content, read further elsewhere */
                }
            }
        }
        if (!held && kt_ledger_add(lg, s) != KT_OK) {
            return KT_ENOMEM;
        }
    }
    return KT_OK;
}

static void fingerprint(const void *p, size_t n, uint8_t out[KT_LEDGER_FP])
{
    uint8_t md[KT_SHA256_LEN];
    if (!kt_cred_sha256(p, n, md)) {
        memset(md, 0, sizeof(md));
    }
    memcpy(out, md, KT_LEDGER_FP);
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly n bytes at off; false when the file is shorter or unreadable. */
static bool pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            return false;
        }
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return true;
}

static void ring_add(struct kt_ledger_input *in, const uint8_t *p, size_t n)
{
    if (n >= KT_LEDGER_TAIL) {
        p += n - KT_LEDGER_TAIL;
        in->delivered += n - KT_LEDGER_TAIL;
        n = KT_LEDGER_TAIL;
    }
    for (size_t i = 0; i < n; i++) {
        in->ring[(in->delivered + i) % KT_LEDGER_TAIL] = p[i];
    }
    in->delivered += n;
}

/* The last len bytes delivered (len <= KT_LEDGER_TAIL, and delivered at least len). */
static void ring_tail(const struct kt_ledger_input *in, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        out[i] = in->ring[(in->delivered - len + i) % KT_LEDGER_TAIL];
    }
}

/* Reads from src, discarding, until in->delivered reaches to. False at an early end. */
static bool skip_to(struct kt_ledger_input *in, struct kt_source *src, uint64_t to)
{
    uint8_t buf[64 * 1024];
    while (in->delivered < to) {
        size_t want = (size_t)KT_MIN((uint64_t)sizeof(buf), to - in->delivered), n = 0;
        struct kt_err err;
        if (kt_source_read(src, buf, want, &n, &err) != KT_OK || n == 0) {
            return false;
        }
        ring_add(in, buf, n);
    }
    kt_wipe(buf, sizeof(buf));
    return true;
}

static void input_free(struct kt_ledger_input *in)
{
    if (in != NULL) {
        if (in->fd >= 0) {
            close(in->fd);
        }
        kt_wipe(in->head, sizeof(in->head));
        kt_wipe(in->ring, sizeof(in->ring));
        free(in);
    }
}

/* A source over in->fd from offset off. */
static enum kt_rc reopen(struct kt_ledger_input *in, const char *path,
                         const struct kt_source_opts *so, uint64_t off, struct kt_source **src,
                         struct kt_err *err)
{
    kt_source_free(*src);
    *src = NULL;
    if (lseek(in->fd, (off_t)off, SEEK_SET) < 0) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot seek: %s", strerror(errno));
    }
    in->delivered = off;
    return kt_source_open_fd(src, in->fd, path, false, so, err);
}

/* Updates the matched entry's identity to where its content is now (a rename, a recompression)
 * without reading further. */
static void note_identity(struct kt_ledger_input *in)
{
    struct kt_ledger_entry *e = &in->lg->v[in->match];
    e->dev = (uint64_t)in->st.st_dev;
    e->ino = (uint64_t)in->st.st_ino;
    e->size = (uint64_t)in->st.st_size;
    e->mtime_ns = mtime_ns(&in->st);
    e->codec = (uint8_t)in->codec;
    e->whole = in->codec != KT_CODEC_PLAIN || e->consumed == e->size;
    memcpy(e->path, in->path, sizeof(e->path));
}

/* Whether entry e is this input's content read so far: its head matches, and its tail at the
 * consumed offset. For a compressed input this reads src up to there. */
static bool verify(struct kt_ledger_input *in, const struct kt_ledger_entry *e,
                   struct kt_source *src)
{
    if (e->consumed < e->tail_len || e->tail_len > KT_LEDGER_TAIL) {
        return false;
    }
    uint8_t tail[KT_LEDGER_TAIL], fp[KT_LEDGER_FP];
    bool ok;
    if (in->codec == KT_CODEC_PLAIN) {
        ok = pread_all(in->fd, tail, e->tail_len, e->consumed - e->tail_len);
    } else if (e->consumed <= in->head_got) {
        /* A short input: the head read already passed the offset. */
        memcpy(tail, in->head + (e->consumed - e->tail_len), e->tail_len);
        ok = true;
    } else {
        ok = e->consumed >= in->delivered && skip_to(in, src, e->consumed);
        if (ok) {
            ring_tail(in, e->tail_len, tail);
        }
    }
    if (ok) {
        fingerprint(tail, e->tail_len, fp);
        ok = memcmp(fp, e->tail, KT_LEDGER_FP) == 0;
    }
    kt_wipe(tail, sizeof(tail));
    return ok;
}

enum kt_rc kt_ledger_open(struct kt_ledger *lg, const char *path, const struct kt_source_opts *so,
                          bool reprocess, struct kt_source **src, struct kt_ledger_input **inp,
                          uint64_t *base, const char **skipped_why, struct kt_err *err)
{
    *src = NULL;
    *inp = NULL;
    *base = 0;
    *skipped_why = NULL;
    struct stat st;
    if (lg == NULL || strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return kt_source_open(src, path, so, err); /* a stream: not recorded */
    }
    struct kt_ledger_input *in = calloc(1, sizeof(*in));
    if (in == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    in->lg = lg;
    in->match = -1;
    in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (in->fd < 0 || fstat(in->fd, &in->st) != 0) {
        enum kt_rc rc = kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
        input_free(in);
        return rc;
    }
    kt_redact_name(kt_str_cstr(path), in->path, sizeof(in->path));
    if (!reprocess) {
        for (size_t i = 0; i < lg->n; i++) {
            const struct kt_ledger_entry *e = &lg->v[i];
            if (e->whole && e->dev == (uint64_t)in->st.st_dev && e->ino == (uint64_t)in->st.st_ino &&
                e->size == (uint64_t)in->st.st_size && e->mtime_ns == mtime_ns(&in->st)) {
                *skipped_why = "unchanged since it was read";
                input_free(in);
                return KT_OK;
            }
        }
    }
    enum kt_rc rc = kt_source_open_fd(src, in->fd, path, false, so, err);
    if (rc != KT_OK) {
        input_free(in);
        return rc;
    }
    in->codec = kt_source_codec(*src);
    while (in->head_got < KT_LEDGER_HEAD) {
        size_t n = 0;
        struct kt_err herr;
        if (kt_source_read(*src, in->head + in->head_got, KT_LEDGER_HEAD - in->head_got, &n,
                           &herr) != KT_OK ||
            n == 0) {
            break;
        }
        ring_add(in, in->head + in->head_got, n);
        in->head_got += n;
    }
    {
        /* With reprocess the entry is still looked for: it is updated, not duplicated. */
        uint8_t fp[KT_LEDGER_FP];
        size_t fp_len = SIZE_MAX;
        for (size_t i = 0; i < lg->n && in->match < 0; i++) {
            const struct kt_ledger_entry *e = &lg->v[i];
            if (e->head_len == 0 || e->head_len > in->head_got) {
                continue;
            }
            if (fp_len != e->head_len) {
                fingerprint(in->head, e->head_len, fp);
                fp_len = e->head_len;
            }
            if (memcmp(fp, e->head, KT_LEDGER_FP) != 0) {
                continue;
            }
            if (verify(in, e, *src)) {
                in->match = (long)i;
            } else if (in->codec != KT_CODEC_PLAIN) {
                break; /* the source moved on: one candidate only for compressed input */
            }
        }
    }
    if (in->match >= 0 && reprocess) {
        rc = reopen(in, path, so, 0, src, err);
    } else if (in->match >= 0) {
        const struct kt_ledger_entry *e = &lg->v[in->match];
        bool plain = in->codec == KT_CODEC_PLAIN;
        bool nothing_new = plain ? (uint64_t)in->st.st_size <= e->consumed : false;
        if (e->kind == KT_LEDGER_DOCUMENT || nothing_new) {
            note_identity(in);
            *skipped_why = e->kind == KT_LEDGER_DOCUMENT ? "already read (a JSON document is "
                                                           "read once)"
                                                         : "nothing new since it was read";
            kt_source_free(*src);
            *src = NULL;
            input_free(in);
            return KT_OK;
        }
        if (plain) {
            rc = reopen(in, path, so, e->consumed, src, err);
        } else if (in->delivered != e->consumed) {
            /* The head read went past the offset: decompress again up to it. */
            rc = reopen(in, path, so, 0, src, err);
            if (rc == KT_OK && !skip_to(in, *src, e->consumed)) {
                rc = kt_err_at(err, KT_EIO, path, 0, "cannot read it again");
            }
        }
        /* Else verify() left the compressed source at the consumed offset. */
    } else {
        rc = reopen(in, path, so, 0, src, err);
        in->head_got = KT_MIN(in->head_got, sizeof(in->head));
    }
    if (rc != KT_OK) {
        kt_source_free(*src);
        *src = NULL;
        input_free(in);
        return rc;
    }
    *base = in->delivered;
    in->first_line = in->match >= 0 && !reprocess ? lg->v[in->match].next_line : 1;
    if (*base == 0) {
        in->first_line = 1;
    }
    *inp = in;
    return KT_OK;
}

uint64_t kt_ledger_input_first_line(const struct kt_ledger_input *in)
{
    return in->first_line;
}

void kt_ledger_input_set_line(struct kt_ledger_input *in, uint64_t next_line)
{
    in->next_line = next_line;
}

bool kt_ledger_input_hold_partial(const struct kt_ledger_input *in)
{
    return in != NULL && in->codec == KT_CODEC_PLAIN;
}

void kt_ledger_input_tap(struct kt_ledger_input *in, kt_read_fn inner, void *inner_ctx)
{
    in->inner = inner;
    in->inner_ctx = inner_ctx;
}

enum kt_rc kt_ledger_read(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err)
{
    struct kt_ledger_input *in = ctx;
    enum kt_rc rc = in->inner(in->inner_ctx, buf, cap, n, err);
    if (rc == KT_OK) {
        ring_add(in, buf, *n);
    }
    return rc;
}

/* Records the read so far; at_end: the input was read to its end. */
static enum kt_rc record(struct kt_ledger_input *in, uint64_t consumed, enum kt_ledger_kind kind,
                         bool at_end)
{
    if (consumed == KT_LEDGER_ALL) {
        consumed = in->delivered;
    }
    if (consumed == 0) {
        return KT_OK;
    }
    struct kt_ledger_entry e;
    memset(&e, 0, sizeof(e));
    e.head_len = (uint32_t)KT_MIN((uint64_t)in->head_got, consumed);
    fingerprint(in->head, e.head_len, e.head);
    e.tail_len = (uint32_t)KT_MIN(consumed, (uint64_t)KT_LEDGER_TAIL);
    uint8_t tail[KT_LEDGER_TAIL];
    bool ok;
    if (in->codec == KT_CODEC_PLAIN) {
        ok = pread_all(in->fd, tail, e.tail_len, consumed - e.tail_len);
    } else {
        ok = consumed == in->delivered;
        if (ok) {
            ring_tail(in, e.tail_len, tail);
        }
    }
    if (!ok) {
        return KT_OK; /* the file changed under us: record nothing, read it again next time */
    }
    fingerprint(tail, e.tail_len, e.tail);
    kt_wipe(tail, sizeof(tail));
    e.consumed = consumed;
    e.next_line = in->next_line;
    e.dev = (uint64_t)in->st.st_dev;
    e.ino = (uint64_t)in->st.st_ino;
    /* The size now, not at open: a file that grew while read is not "unchanged" next time
     * unless it stops growing; its consumed offset says what was read. */
    struct stat now;
    bool have_now = fstat(in->fd, &now) == 0;
    e.size = (uint64_t)(have_now ? now.st_size : in->st.st_size);
    e.mtime_ns = mtime_ns(have_now ? &now : &in->st);
    e.read_ms = wall_ms();
    e.codec = (uint8_t)in->codec;
    e.kind = (uint8_t)kind;
    /* Only an input read to its very end may be skipped unread while it stays as it is. */
    e.whole = at_end && (in->codec != KT_CODEC_PLAIN || consumed == e.size);
    memcpy(e.path, in->path, sizeof(e.path));
    if (in->match >= 0) {
        in->lg->v[in->match] = e;
        return KT_OK;
    }
    if (kt_ledger_add(in->lg, &e) != KT_OK) {
        return KT_ENOMEM;
    }
    in->match = (long)in->lg->n - 1; /* later checkpoints update this entry */
    return KT_OK;
}

enum kt_rc kt_ledger_input_checkpoint(struct kt_ledger_input *in, uint64_t consumed,
                                      enum kt_ledger_kind kind)
{
    return record(in, consumed, kind, false);
}

enum kt_rc kt_ledger_input_done(struct kt_ledger_input *in, uint64_t consumed,
                                enum kt_ledger_kind kind, bool complete)
{
    if (in == NULL) {
        return KT_OK;
    }
    enum kt_rc rc = complete ? record(in, consumed, kind, true) : KT_OK;
    input_free(in);
    return rc;
}

#define ENTRY_VERSION 1

size_t kt_ledger_entry_write(const struct kt_ledger_entry *e, uint8_t *buf, size_t cap)
{
    struct kt_wbytes w = { 0 };
    kt_wb_u8(&w, ENTRY_VERSION);
    kt_wb_bytes(&w, e->head, KT_LEDGER_FP);
    kt_wb_bytes(&w, e->tail, KT_LEDGER_FP);
    kt_wb_var(&w, e->head_len);
    kt_wb_var(&w, e->tail_len);
    kt_wb_var(&w, e->consumed);
    kt_wb_var(&w, e->next_line);
    kt_wb_var(&w, e->dev);
    kt_wb_var(&w, e->ino);
    kt_wb_var(&w, e->size);
    kt_wb_zz(&w, e->mtime_ns);
    kt_wb_zz(&w, e->read_ms);
    kt_wb_u8(&w, e->codec);
    kt_wb_u8(&w, e->kind);
    kt_wb_u8(&w, e->whole);
    char shown[KT_LEDGER_PATH];
    kt_redact_name(kt_str_make(e->path, strnlen(e->path, sizeof(e->path))), shown,
                   sizeof(shown));
    kt_wb_str(&w, shown, sizeof(shown) - 1);
    size_t n = 0;
    if (!w.failed && w.len <= cap) {
        memcpy(buf, w.p, w.len);
        n = w.len;
    }
    free(w.p);
    return n;
}

size_t kt_ledger_entry_read(struct kt_ledger_entry *e, const uint8_t *buf, size_t len)
{
    struct kt_rbytes r;
    kt_rb_init(&r, buf, len);
    memset(e, 0, sizeof(*e));
    kt_rb_need(&r, kt_rb_u8(&r) == ENTRY_VERSION);
    kt_rb_bytes(&r, e->head, KT_LEDGER_FP);
    kt_rb_bytes(&r, e->tail, KT_LEDGER_FP);
    e->head_len = (uint32_t)kt_rb_var_max(&r, KT_LEDGER_HEAD);
    e->tail_len = (uint32_t)kt_rb_var_max(&r, KT_LEDGER_TAIL);
    e->consumed = kt_rb_var(&r);
    e->next_line = kt_rb_var(&r);
    e->dev = kt_rb_var(&r);
    e->ino = kt_rb_var(&r);
    e->size = kt_rb_var(&r);
    e->mtime_ns = kt_rb_zz(&r);
    e->read_ms = kt_rb_zz(&r);
    e->codec = kt_rb_u8(&r);
    e->kind = kt_rb_u8(&r);
    e->whole = kt_rb_u8(&r);
    kt_rb_str(&r, e->path, sizeof(e->path));
    kt_rb_need(&r, e->consumed > 0 && e->head_len >= 1 && e->head_len <= e->consumed &&
                       e->tail_len == KT_MIN(e->consumed, (uint64_t)KT_LEDGER_TAIL) &&
                       (e->head_len == KT_LEDGER_HEAD || e->head_len == e->consumed ||
                        e->head_len < KT_LEDGER_HEAD) &&
                       e->codec <= KT_CODEC_ZSTD && e->kind <= KT_LEDGER_DOCUMENT &&
                       e->whole <= 1);
    return r.ok ? r.pos : 0;
}
