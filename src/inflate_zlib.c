/*
 * Raw deflate backend on zlib (see inflate.h).
 *
 * zlib runs in raw mode (windowBits -MAX_WBITS) because source.c parses the gzip wrapper
 * itself; the CRC-32 that gzip mode would keep is computed here with crc32() over each span of
 * output, exactly where zlib's gzip mode would compute it. In raw mode zlib never reads past
 * the end of the final block, so `tail` is always empty. The 32 KiB window is allocated by
 * zlib on first use and reused across members (inflateReset keeps it); zlib's allocations go
 * through a small allocator that remembers their size so they are wiped when freed, since the
 * window holds log bytes.
 */
#include "inflate.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct zlib_state {
    z_stream zs;
    uint32_t crc;
};

/* zlib's allocator hooks: each block carries its size in front so zfree can wipe it. */
static voidpf wiping_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    size_t n = (size_t)items * size;
    if (size != 0 && n / size != items) {
        return Z_NULL;
    }
    max_align_t *block = malloc(sizeof(max_align_t) + n);
    if (block == NULL) {
        return Z_NULL;
    }
    memcpy(block, &n, sizeof(n));
    return block + 1;
}

static void wiping_free(voidpf opaque, voidpf address)
{
    (void)opaque;
    if (address == Z_NULL) {
        return;
    }
    max_align_t *block = (max_align_t *)address - 1;
    size_t n;
    memcpy(&n, block, sizeof(n));
    kt_wipe(address, n);
    free(block);
}

static enum kt_rc zlib_create(void **out)
{
    struct zlib_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return KT_ENOMEM;
    }
    st->zs.zalloc = wiping_alloc;
    st->zs.zfree = wiping_free;
    if (inflateInit2(&st->zs, -MAX_WBITS) != Z_OK) {
        free(st);
        return KT_ENOMEM;
    }
    st->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    *out = st;
    return KT_OK;
}

static void zlib_destroy(void *state)
{
    struct zlib_state *st = state;
    if (st == NULL) {
        return;
    }
    inflateEnd(&st->zs);
    free(st);
}

static void zlib_reset(void *state)
{
    struct zlib_state *st = state;
    inflateReset(&st->zs);
    st->crc = (uint32_t)crc32(0L, Z_NULL, 0);
}

static enum kt_rc zlib_run(void *state, struct kt_dec_io *io)
{
    struct zlib_state *st = state;
    /* zlib counts in uInt; larger spans are simply done over several calls. */
    uInt in_len = (uInt)KT_MIN(io->in_len, (size_t)UINT_MAX);
    uInt out_len = (uInt)KT_MIN(io->out_len, (size_t)UINT_MAX);

    st->zs.next_in = (Bytef *)(uintptr_t)io->in; /* zlib's API is not const-correct */
    st->zs.avail_in = in_len;
    st->zs.next_out = io->out;
    st->zs.avail_out = out_len;
    int zrc = inflate(&st->zs, Z_NO_FLUSH);
    io->in_used = in_len - st->zs.avail_in;
    io->out_used = out_len - st->zs.avail_out;
    if (io->out_used > 0) {
        st->crc = (uint32_t)crc32(st->crc, io->out, (uInt)io->out_used);
    }
    switch (zrc) {
    case Z_OK:
    case Z_BUF_ERROR: /* no progress possible with what was given: not an error */ return KT_OK;
    case Z_STREAM_END: return KT_END;
    case Z_MEM_ERROR: return KT_ENOMEM;
    default: /* Z_DATA_ERROR, Z_NEED_DICT (impossible in raw mode), Z_STREAM_ERROR */
        return KT_ECORRUPT;
    }
}

static uint32_t zlib_crc(const void *state)
{
    const struct zlib_state *st = state;
    return st->crc;
}

static size_t zlib_tail(void *state, uint8_t out[8])
{
    (void)state;
    (void)out;
    return 0;
}

const struct kt_inflate_backend kt_inflate_backend_zlib = {
    .name = "zlib",
    .create = zlib_create,
    .destroy = zlib_destroy,
    .reset = zlib_reset,
    .run = zlib_run,
    .crc = zlib_crc,
    .tail = zlib_tail,
};
