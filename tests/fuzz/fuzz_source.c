/*
 * Fuzz harness for sources (src/source.h): arbitrary bytes as the content of a pipe (small
 * inputs) or an unlinked temporary file (large ones), read to the end in small chunks with
 * small read(2) sizes, once per inflate backend.
 *
 * Beyond "no crash, no leak", it checks the read contract (KT_OK means 0 < n <= cap, anything
 * else means n == 0, and after the terminal result every call is KT_END) and how far zlib and
 * ISA-L may disagree: valid input gives both the same bytes and KT_END; when both run out of
 * input, ISA-L delivered zlib's bytes less at most 2 at the cut (a multi-symbol group it could
 * not finish); otherwise one output is a prefix of the other. They may
 * differ on damaged input in one way only: a stream that is both corrupt and cut short can be
 * KT_ECORRUPT for the decoder that notices the corruption first and KT_ETRUNCATED for the
 * other, and ISA-L accepts some invalid Huffman tables zlib rejects. Anything else aborts.
 *
 * Chunk sizes come from a hash of the input so a crash reproduces from the input alone.
 * max_member_out is 1 MiB and at most 4 MiB of output is kept, so bombs stay fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEEP_MAX ((size_t)4 << 20)
#define PIPE_MAX ((size_t)60000) /* fits a default 64 KiB pipe without a reader */

struct outcome {
    enum kt_rc rc; /* terminal result, or the open error */
    uint8_t *out;  /* first KEEP_MAX bytes of output */
    size_t len;
    bool cut; /* stopped at KEEP_MAX */
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

/* A descriptor positioned at the start of data; *keep is what to close/fclose afterwards. */
static int open_input(const uint8_t *data, size_t size, FILE **keep)
{
    *keep = NULL;
    if (size <= PIPE_MAX) {
        int fds[2];
        if (pipe(fds) != 0) {
            return -1;
        }
        size_t off = 0;
        while (off < size) {
            ssize_t w = write(fds[1], data + off, size - off);
            if (w <= 0) {
                close(fds[0]);
                close(fds[1]);
                return -1;
            }
            off += (size_t)w;
        }
        close(fds[1]);
        return fds[0];
    }
    FILE *f = tmpfile();
    if (f == NULL) {
        return -1;
    }
    if (fwrite(data, 1, size, f) != size || fflush(f) != 0) {
        fclose(f);
        return -1;
    }
    rewind(f);
    *keep = f;
    return fileno(f);
}

static void run(const uint8_t *data, size_t size, enum kt_inflate_impl impl, uint64_t seed,
                struct outcome *o)
{
    memset(o, 0, sizeof(*o));
    FILE *keep = NULL;
    int fd = open_input(data, size, &keep);
    if (fd < 0) {
        o->rc = KT_EIO;
        return;
    }
    struct kt_source_opts opts = {
        .inflate = impl,
        .read_size = (seed & 1) ? 0 : 1 + (size_t)(seed >> 8) % 61,
        .max_member_out = (uint64_t)1 << 20,
    };
    struct kt_source *src = NULL;
    struct kt_err err;
    o->rc = kt_source_open_fd(&src, fd, "fuzz", keep == NULL, &opts, &err);
    if (o->rc == KT_OK) {
        o->out = malloc(KEEP_MAX);
        uint8_t buf[4096];
        uint64_t s = seed;
        for (;;) {
            s = mix(s + 0x9e3779b97f4a7c15ULL);
            size_t cap = (s & 3) == 0 ? sizeof(buf) : 1 + (size_t)(s >> 16) % 97;
            size_t n = 0;
            enum kt_rc rc = kt_source_read(src, buf, cap, &n, &err);
            if (rc != KT_OK) {
                if (n != 0) {
                    abort();
                }
                o->rc = rc;
                break;
            }
            if (n == 0 || n > cap) {
                abort();
            }
            if (o->out == NULL || o->len + n > KEEP_MAX) {
                o->cut = true;
                o->rc = KT_OK;
                break;
            }
            memcpy(o->out + o->len, buf, n);
            o->len += n;
        }
        if (!o->cut) {
            size_t n = 1;
            if (kt_source_read(src, buf, 1, &n, &err) != KT_END || n != 0) {
                abort();
            }
        }
        kt_source_free(src);
    }
    if (keep != NULL) {
        fclose(keep);
    }
}

#if KT_HAVE_ISAL
static bool prefix(const struct outcome *a, const struct outcome *b)
{
    return a->len <= b->len && (a->len == 0 || memcmp(a->out, b->out, a->len) == 0);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t seed = size;
    for (size_t i = 0; i < size && i < 64; i++) {
        seed = mix(seed ^ data[i]);
    }
    struct outcome z;
    run(data, size, KT_INFLATE_ZLIB, seed, &z);
#if KT_HAVE_ISAL
    struct outcome i;
    run(data, size, KT_INFLATE_ISAL, seed, &i);
    if (!z.cut && !i.cut) {
        /* Valid input (zlib, the stricter decoder, accepts it): ISA-L gives the same bytes. */
        if (z.rc == KT_END && (i.rc != KT_END || z.len != i.len || !prefix(&z, &i))) {
            abort();
        }
        /* ISA-L may accept a stream zlib rejects (it does not insist on complete Huffman
         * codes), but never the other way round. */
        if (i.rc == KT_END && z.rc != KT_END && z.rc != KT_ECORRUPT) {
            abort();
        }
        /* Both stopped at the end of the input: the same valid prefix, except that ISA-L's
         * multi-symbol decoder may hold back up to 2 literals whose group was cut. */
        if (z.rc == KT_ETRUNCATED && i.rc == KT_ETRUNCATED &&
            (!prefix(&i, &z) || z.len - i.len > 2)) {
            abort();
        }
        /* Open errors and read errors are the same. */
        if ((z.rc != i.rc) && (z.rc == KT_EUNSUPPORTED || i.rc == KT_EUNSUPPORTED ||
                               z.rc == KT_EIO || i.rc == KT_EIO)) {
            abort();
        }
        if (!prefix(&z, &i) && !prefix(&i, &z)) {
            abort();
        }
    }
    free(i.out);
#endif
    free(z.out);
    return 0;
}
