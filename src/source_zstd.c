/*
 * zstd frames for src/source.c (see inflate.h); compiled only when CMake finds libzstd.
 *
 * A thin wrapper over ZSTD_decompressStream: it decodes straight into the caller's buffer and
 * stops at the end of each frame (ZSTD_decompressStream returns 0 there and does not read into
 * the next frame), which lets source.c count frames, enforce the per-frame output cap and
 * accept NUL padding after the last frame. Skippable frames are skipped by zstd itself and end
 * like any frame. Memory stays bounded: zstd refuses frames whose window exceeds
 * ZSTD_d_windowLogMax (its default, 2^27 bytes), which is reported as KT_ELIMIT. Content
 * checksums, when a frame has one, are verified by zstd.
 */
#include "inflate.h"

#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

struct kt_zstd {
    ZSTD_DStream *ds;
};

enum kt_rc kt_zstd_new(struct kt_zstd **out)
{
    struct kt_zstd *z = calloc(1, sizeof(*z));
    if (z == NULL) {
        return KT_ENOMEM;
    }
    z->ds = ZSTD_createDStream();
    if (z->ds == NULL) {
        free(z);
        return KT_ENOMEM;
    }
    *out = z;
    return KT_OK;
}

void kt_zstd_free(struct kt_zstd *z)
{
    if (z == NULL) {
        return;
    }
    ZSTD_freeDStream(z->ds);
    free(z);
}

static enum kt_rc map_error(size_t ret, const char **why)
{
    switch (ZSTD_getErrorCode(ret)) {
    case ZSTD_error_prefix_unknown: *why = "not a zstd frame"; return KT_EFORMAT;
    case ZSTD_error_frameParameter_windowTooLarge:
        *why = "frame needs a window above the 128 MiB limit";
        return KT_ELIMIT;
    case ZSTD_error_memory_allocation: *why = "out of memory"; return KT_ENOMEM;
    case ZSTD_error_checksum_wrong: *why = "content checksum mismatch"; return KT_ECORRUPT;
    default: *why = "invalid zstd data"; return KT_ECORRUPT;
    }
}

enum kt_rc kt_zstd_run(struct kt_zstd *z, struct kt_dec_io *io, const char **why)
{
    ZSTD_inBuffer in = {io->in, io->in_len, 0};
    ZSTD_outBuffer out = {io->out, io->out_len, 0};
    size_t ret = ZSTD_decompressStream(z->ds, &out, &in);
    io->in_used = in.pos;
    io->out_used = out.pos;
    if (ZSTD_isError(ret)) {
        return map_error(ret, why);
    }
    return ret == 0 ? KT_END : KT_OK;
}
