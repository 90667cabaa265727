/*
 * Read-ahead on a second thread: decompression of the next chunks overlaps parsing of the
 * current one, which roughly doubles throughput on gzip input when a second core is free.
 *
 * A producer thread calls kt_source_read into a ring of fixed buffers; kt_prefetch_read hands
 * their bytes out with kt_source_read's exact contract, so the splitter cannot tell the
 * difference. Memory stays fixed (the ring). Only for regular files: a thread blocked reading a
 * silent pipe could not be stopped.
 */
#ifndef KEYTRAIL_PREFETCH_H
#define KEYTRAIL_PREFETCH_H

#include "source.h"

struct kt_prefetch;

/* Starts reading src ahead into nbufs buffers of size bytes. The source belongs to the
 * prefetcher's thread until kt_prefetch_stop. KT_ENOMEM or KT_EIO (thread creation). */
enum kt_rc kt_prefetch_start(struct kt_prefetch **out, struct kt_source *src, size_t nbufs,
                             size_t size);

/* kt_source_read's contract, from the ring. ctx is the struct kt_prefetch. */
enum kt_rc kt_prefetch_read(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err);

/* Decompressed bytes handed out so far (safe to call from the reading thread). */
uint64_t kt_prefetch_bytes_out(const struct kt_prefetch *pf);

/* Stops and joins the thread, frees the ring. The source is the caller's again. NULL ok. */
void kt_prefetch_stop(struct kt_prefetch *pf);

#endif
