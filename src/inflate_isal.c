/*
 * Raw deflate backend on ISA-L igzip (see inflate.h); compiled only when CMake finds libisal.
 *
 * isal_inflate() runs with crc_flag ISAL_GZIP_NO_HDR: raw deflate, with the gzip CRC-32 of the
 * output folded into state->crc as it decodes; source.c reads and checks the trailer. ISA-L
 * decodes straight into the caller's buffer when it is large and goes through its own
 * tmp_out_buffer when it is small, so any output size works (large buffers are fast).
 *
 * ISA-L fills a 64-bit bit buffer ahead of what it has decoded, so when the final block ends
 * it may hold up to 8 whole bytes that follow the deflate stream (the start of the trailer),
 * possibly taken from an earlier input buffer. `tail` recovers them from the bit buffer: the
 * bits below the next byte boundary are padding, the whole bytes above are input.
 */
#include "inflate.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>

static enum kt_rc isal_create(void **out)
{
    struct inflate_state *st = malloc(sizeof(*st));
    if (st == NULL) {
        return KT_ENOMEM;
    }
    isal_inflate_init(st);
    st->crc_flag = ISAL_GZIP_NO_HDR;
    st->hist_bits = 0; /* full 32 KiB window */
    *out = st;
    return KT_OK;
}

static void isal_destroy(void *state)
{
    if (state != NULL) {
        kt_wipe(state, sizeof(struct inflate_state)); /* its buffers held log bytes */
    }
    free(state);
}

static void isal_reset(void *state)
{
    struct inflate_state *st = state;
    isal_inflate_reset(st);
    st->crc_flag = ISAL_GZIP_NO_HDR;
    st->hist_bits = 0;
}

static enum kt_rc isal_run(void *state, struct kt_dec_io *io)
{
    struct inflate_state *st = state;
    uint32_t in_len = (uint32_t)KT_MIN(io->in_len, (size_t)UINT32_MAX);
    uint32_t out_len = (uint32_t)KT_MIN(io->out_len, (size_t)UINT32_MAX);

    if (st->block_state == ISAL_BLOCK_FINISH) {
        io->in_used = 0;
        io->out_used = 0;
        return KT_END;
    }
    st->next_in = (uint8_t *)(uintptr_t)io->in; /* ISA-L's API is not const-correct */
    st->avail_in = in_len;
    st->next_out = io->out;
    st->avail_out = out_len;
    int rc = isal_inflate(st);
    io->in_used = in_len - st->avail_in;
    io->out_used = out_len - st->avail_out;
    if (rc < 0) {
        /* ISAL_INVALID_BLOCK / _SYMBOL / _LOOKBACK; the wrapper and checksum codes cannot occur
         * in NO_HDR mode but mean bad data all the same. */
        return KT_ECORRUPT;
    }
    return st->block_state == ISAL_BLOCK_FINISH ? KT_END : KT_OK;
}

static uint32_t isal_crc(const void *state)
{
    const struct inflate_state *st = state;
    return st->crc;
}

static size_t isal_tail(void *state, uint8_t out[8])
{
    struct inflate_state *st = state;
    if (st->read_in_length <= 0) {
        return 0;
    }
    uint32_t bits = (uint32_t)st->read_in_length;
    size_t n = KT_MIN((size_t)(bits / 8), (size_t)8);
    uint64_t v = st->read_in >> (bits % 8);
    for (size_t i = 0; i < n; i++) {
        out[i] = (uint8_t)(v >> (8 * i));
    }
    st->read_in = 0;
    st->read_in_length = 0;
    return n;
}

const struct kt_inflate_backend kt_inflate_backend_isal = {
    .name = "isa-l",
    .create = isal_create,
    .destroy = isal_destroy,
    .reset = isal_reset,
    .run = isal_run,
    .crc = isal_crc,
    .tail = isal_tail,
};
