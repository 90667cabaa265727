/*
 * Sources: one input (a file, or standard input) delivered as decompressed bytes.
 *
 * Compression is detected from the first bytes of the content, never from the name and never by
 * reopening, so pipes work: gzip (including the concatenated multi-member files logrotate and
 * CloudTrail write), zstd (when built with libzstd), or plain. bzip2 and xz are recognised and
 * refused with KT_EUNSUPPORTED. Memory is fixed: one compressed read buffer and the decoder's own
 * window; nothing is loaded whole.
 *
 * Damage is reported, not fatal: when a gzip member is truncated or corrupt, every byte decoded
 * before the damage has already been delivered; the read that meets the damage returns what it
 * has, and the next read returns KT_ETRUNCATED or KT_ECORRUPT with err saying how far it got
 * (compressed and decompressed offsets). The caller then moves on to the next file.
 */
#ifndef KEYTRAIL_SOURCE_H
#define KEYTRAIL_SOURCE_H

#include <keytrail/common.h>
#include <keytrail/error.h>

enum kt_codec {
    KT_CODEC_PLAIN = 0,
    KT_CODEC_GZIP,
    KT_CODEC_ZSTD,
};

/* Which inflate implementation gzip input uses. Both give identical bytes. */
enum kt_inflate_impl {
    KT_INFLATE_AUTO = 0, /* ISA-L when built with it, else zlib */
    KT_INFLATE_ZLIB,
    KT_INFLATE_ISAL,     /* KT_EUNSUPPORTED at open when built without ISA-L */
};

struct kt_source_opts {
    enum kt_inflate_impl inflate;
    size_t read_size;        /* bytes per read(2); 0 means the default (256 KiB) */
    uint64_t max_member_out; /* cap on decompressed bytes of one gzip member or zstd frame;
                                0 means the default (64 GiB); hitting it is KT_ELIMIT */
};

struct kt_source;

/*
 * Opens path ("-" means standard input) and detects its compression from its first bytes.
 * Returns KT_OK and a source the caller frees with kt_source_free; KT_EOPEN when the path
 * cannot be opened (err names it and says why); KT_EUNSUPPORTED for bzip2/xz/zstd-without-
 * libzstd; KT_ENOMEM. opts may be NULL for defaults. An empty input is a valid plain source.
 */
enum kt_rc kt_source_open(struct kt_source **out, const char *path,
                          const struct kt_source_opts *opts, struct kt_err *err);

/* Same over an already open descriptor; name is used in messages; owns_fd closes it on free. */
enum kt_rc kt_source_open_fd(struct kt_source **out, int fd, const char *name, bool owns_fd,
                             const struct kt_source_opts *opts, struct kt_err *err);

/*
 * Reads up to cap decompressed bytes into buf and stores the count in *n.
 * Returns KT_OK with *n > 0 when bytes were read; it returns as soon as some bytes are
 * available (it does not wait to fill buf, so live pipes flow).
 * Returns KT_END with *n == 0 at the clean end of input.
 * Returns KT_ETRUNCATED / KT_ECORRUPT / KT_ELIMIT / KT_EIO with *n == 0 when the input is
 * damaged; all bytes before the damage were delivered by earlier calls. Later calls return
 * KT_END.
 */
enum kt_rc kt_source_read(struct kt_source *src, void *buf, size_t cap, size_t *n,
                          struct kt_err *err);

enum kt_codec kt_source_codec(const struct kt_source *src);
const char *kt_codec_name(enum kt_codec codec); /* "plain", "gzip", "zstd" */
const char *kt_source_name(const struct kt_source *src);
uint64_t kt_source_bytes_in(const struct kt_source *src);  /* bytes read from the descriptor */
uint64_t kt_source_bytes_out(const struct kt_source *src); /* decompressed bytes delivered */
unsigned kt_source_members(const struct kt_source *src);   /* gzip members / zstd frames begun */

/* Closes the descriptor if owned and releases everything. NULL is allowed. */
void kt_source_free(struct kt_source *src);

/* Whether this build can use impl (AUTO and ZLIB always can). */
bool kt_inflate_available(enum kt_inflate_impl impl);

#endif
