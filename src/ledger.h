/*
 * The ledger of consumed inputs: which files a state has read, and how far, so a re-run over a
 * growing archive reads only what is new and never counts an event twice.
 *
 * An entry is a piece of content, not a name: the fingerprint (SHA-256, first 16 bytes) of the
 * first KT_LEDGER_HEAD decompressed bytes (fewer when the input was shorter), the number of
 * decompressed bytes consumed, and the fingerprint of the KT_LEDGER_TAIL bytes before that
 * point. It also keeps where that content was last seen: device, inode, path, size and mtime.
 *
 * Opening an input through the ledger (kt_ledger_open):
 *  - same device, inode, size and mtime as an entry read to the input's end: nothing changed,
 *    the input is skipped without being read;
 *  - else its head is read: when it matches an entry and the entry's tail fingerprint matches
 *    at the consumed offset, that much is skipped and only the rest is read. This is how a
 *    file read live is recognised after logrotate renamed it (access.log -> access.log.1) and
 *    compressed it (access.log.2.gz): the decompressed content is the same;
 *  - else it is new content, read whole.
 * A plain file is consumed up to the end of its last complete line: a line still being written
 * is left for the next run (kt_splitter_hold_partial). A compressed file is final and consumed
 * whole. A JSON document (CloudTrail) is only ever consumed whole: once its content is known it
 * is skipped, even if it was changed after it was read (use --reprocess).
 *
 * Standard input and other streams are not recorded. Memory: about 260 bytes an entry (about
 * 160 in a state file). Matching is a linear scan of the entries per input opened.
 */
#ifndef KEYTRAIL_LEDGER_H
#define KEYTRAIL_LEDGER_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#include "source.h"
#include "splitter.h"

#define KT_LEDGER_HEAD 4096
#define KT_LEDGER_TAIL 4096
#define KT_LEDGER_FP 16 /* fingerprint bytes kept */
#define KT_LEDGER_PATH 160

enum kt_ledger_kind {
    KT_LEDGER_LINES = 0, /* a line log, may grow: resumed at the offset */
    KT_LEDGER_DOCUMENT,  /* a JSON document: consumed whole or not at all */
};

struct kt_ledger_entry {
    uint8_t head[KT_LEDGER_FP]; /* fingerprint of the first head_len decompressed bytes */
    uint8_t tail[KT_LEDGER_FP]; /* of the tail_len bytes before `consumed` */
    uint32_t head_len, tail_len;
    uint64_t consumed;          /* decompressed bytes read (and counted) */
    uint64_t next_line;         /* line number at that offset (1-based; 0: unknown) */
    uint64_t dev, ino;          /* where it was last seen */
    uint64_t size;              /* its size on disk then (compressed size for .gz) */
    int64_t mtime_ns;
    int64_t read_ms;            /* wall clock of the read (for `state show`) */
    uint8_t codec;              /* enum kt_codec of the file it was last read from */
    uint8_t kind;               /* enum kt_ledger_kind */
    uint8_t whole;              /* read to its end: skipped unread while unchanged */
    char path[KT_LEDGER_PATH];  /* last path it was read through (redacted, may be cut) */
};

struct kt_ledger;

enum kt_rc kt_ledger_new(struct kt_ledger **out);
void kt_ledger_free(struct kt_ledger *lg);

size_t kt_ledger_count(const struct kt_ledger *lg);
const struct kt_ledger_entry *kt_ledger_at(const struct kt_ledger *lg, size_t i);
/* Adds an entry as it is (loading a state, merging). KT_OK or KT_ENOMEM. */
enum kt_rc kt_ledger_add(struct kt_ledger *lg, const struct kt_ledger_entry *entry);
/* Adds every entry of src that lg does not hold (same head and consumed): `state merge`. */
enum kt_rc kt_ledger_merge(struct kt_ledger *lg, const struct kt_ledger *src);

/* One input being read through the ledger. */
struct kt_ledger_input;

/*
 * Opens path through the ledger (see above). On KT_OK, either *src is NULL: nothing new, skip
 * the input (*skipped_why says why, a static string); or *src is a source positioned at the
 * first new byte, *in tracks the read, and *base is the decompressed offset of that byte.
 * Call kt_ledger_input_done when the input was read (or its reading stopped). Errors are those
 * of kt_source_open (KT_EOPEN, KT_EUNSUPPORTED, KT_ENOMEM) with err filled. lg NULL or
 * reprocess: the input is read whole but still recorded.
 */
enum kt_rc kt_ledger_open(struct kt_ledger *lg, const char *path, const struct kt_source_opts *so,
                          bool reprocess, struct kt_source **src, struct kt_ledger_input **in,
                          uint64_t *base, const char **skipped_why, struct kt_err *err);

/* The line number of the first new byte (1 from the start; 0 when unknown), and telling the
 * input the line number reached, to record with the offset. */
uint64_t kt_ledger_input_first_line(const struct kt_ledger_input *in);
void kt_ledger_input_set_line(struct kt_ledger_input *in, uint64_t next_line);

/* Whether the input should be split holding back an unterminated last line (a plain file). */
bool kt_ledger_input_hold_partial(const struct kt_ledger_input *in);

/*
 * The input's bytes go through kt_ledger_read (kt_read_fn's contract, ctx = in), which reads
 * from inner (the source, or its read-ahead) and keeps the fingerprint of the last bytes read.
 * Call before the splitter's first read.
 */
void kt_ledger_input_tap(struct kt_ledger_input *in, kt_read_fn inner, void *inner_ctx);
enum kt_rc kt_ledger_read(void *in, void *buf, size_t cap, size_t *n, struct kt_err *err);

#define KT_LEDGER_ALL UINT64_MAX /* consumed: every byte read through kt_ledger_read */

/*
 * Records the read: consumed is the decompressed offset (from the file's start) up to which
 * every record was handed to the engine; kind the splitting mode the file turned out to be
 * read in; complete whether the read reached the end of input cleanly (a damaged or stopped
 * read records nothing new). Frees in (NULL allowed); the caller frees the source after.
 * KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_ledger_input_done(struct kt_ledger_input *in, uint64_t consumed,
                                enum kt_ledger_kind kind, bool complete);

/*
 * Records how far a read has got without ending it (watch's checkpoints): as
 * kt_ledger_input_done with complete = true, but in stays open and later calls update the same
 * entry. KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_ledger_input_checkpoint(struct kt_ledger_input *in, uint64_t consumed,
                                      enum kt_ledger_kind kind);

/* Serialised form of one entry (state.c's LDGR section): little-endian, fixed fields. */
size_t kt_ledger_entry_write(const struct kt_ledger_entry *entry, uint8_t *buf, size_t cap);
/* Parses one entry; returns bytes used, or 0 when malformed. */
size_t kt_ledger_entry_read(struct kt_ledger_entry *entry, const uint8_t *buf, size_t len);

#endif
