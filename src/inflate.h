/*
 * Internal decoder interface for src/source.c: raw deflate (the body of a gzip member) with two
 * interchangeable backends, and zstd frames.
 *
 * The gzip wrapper (header, CRC-32/ISIZE trailer, member boundaries, padding) is parsed once,
 * in source.c, for both deflate backends, so header and trailer verdicts cannot differ between
 * them. A backend only turns one raw deflate stream into bytes and keeps the running CRC-32 of
 * what it produced:
 *
 *   zlib  (inflate_zlib.c)  inflateInit2(-MAX_WBITS) + crc32() over each output span
 *   ISA-L (inflate_isal.c)  isal_inflate() with crc_flag ISAL_GZIP_NO_HDR (CRC folded in)
 *
 * Both write straight into the caller's buffer and work with any split of input and output.
 * A backend may have pulled a few bytes past the end of the deflate stream into its bit buffer
 * (ISA-L reads 64 bits at a time); it hands those back through `tail`, and source.c treats them
 * as the first bytes of the trailer.
 *
 * On valid input the two give the same bytes. On damaged input they give the same verdict
 * with three known exceptions, all from how early each decoder judges the deflate data
 * (tests/test_source.c and tests/fuzz/fuzz_source.c pin them down):
 *   - truncated: ISA-L's multi-symbol decoder may hold back up to 2 literals whose group was
 *     cut, so it delivers zlib's bytes less 0-2 at the cut (same KT_ETRUNCATED);
 *   - corrupt: each stops at the first thing it finds wrong, which can be a few symbols apart,
 *     and ISA-L accepts incomplete Huffman codes that zlib rejects up front; one output is a
 *     prefix of the other (same KT_ECORRUPT, or KT_ECORRUPT from a failed CRC);
 *   - corrupt and truncated at once: the decoder that notices the corruption first says
 *     KT_ECORRUPT, the other may run out of input first and say KT_ETRUNCATED.
 *
 * The zstd decoder (source_zstd.c, compiled only with KT_HAVE_ZSTD) has the same shape: it
 * reports where each frame ends, and source.c does the bookkeeping.
 */
#ifndef KEYTRAIL_INFLATE_H
#define KEYTRAIL_INFLATE_H

#include <keytrail/common.h>
#include <keytrail/error.h>

/* One step of decoding: the caller sets in/in_len/out/out_len; the step sets the *_used. */
struct kt_dec_io {
    const uint8_t *in;
    size_t in_len;
    size_t in_used;
    uint8_t *out;
    size_t out_len;
    size_t out_used;
};

/*
 * A raw deflate backend. `run` returns:
 *   KT_OK          progress or none; the caller looks at in_used/out_used (both 0 means the
 *                  backend needs more input, or more output space, before it can move);
 *   KT_END         the final block ended; in_used stops at (or before, see `tail`) its end;
 *   KT_ECORRUPT    the deflate data is invalid (later calls are undefined until `reset`);
 *   KT_ENOMEM      the backend could not allocate its window.
 * out_len must be at least 1; in_len may be 0 (to drain output the backend still holds).
 */
struct kt_inflate_backend {
    const char *name;
    enum kt_rc (*create)(void **state);
    void (*destroy)(void *state);
    void (*reset)(void *state); /* begin a new raw deflate stream, CRC back to 0 */
    enum kt_rc (*run)(void *state, struct kt_dec_io *io);
    uint32_t (*crc)(const void *state); /* CRC-32 of the output since reset */
    /* After KT_END: copies the bytes read past the end of the stream (at most 8) to out and
     * returns their count. */
    size_t (*tail)(void *state, uint8_t out[8]);
};

extern const struct kt_inflate_backend kt_inflate_backend_zlib;
#if KT_HAVE_ISAL
extern const struct kt_inflate_backend kt_inflate_backend_isal;
#endif

/*
 * zstd frames (only when KT_HAVE_ZSTD). kt_zstd_run returns KT_OK (progress or none, as above),
 * KT_END when a frame (or skippable frame) ended and all its output was written, KT_EFORMAT
 * when the bytes at a frame start are not a zstd frame, KT_ECORRUPT, KT_ELIMIT (the frame asks
 * for a window above the decoder's limit), KT_ENOMEM; on an error *why gets a static phrase
 * for the message (never input bytes). After an error the decoder must not be used again.
 */
struct kt_zstd;
enum kt_rc kt_zstd_new(struct kt_zstd **out);
void kt_zstd_free(struct kt_zstd *z);
enum kt_rc kt_zstd_run(struct kt_zstd *z, struct kt_dec_io *io, const char **why);

#endif
