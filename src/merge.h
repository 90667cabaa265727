/*
 * Time order across inputs: the k-way merge that makes results independent of the order of
 * the PATH arguments.
 *
 * Every input file of a run is first looked at for the time of its first event (a probe), then
 * the files are ranked by that time (kt_merge_input_cmp: ties by path, so the rank never
 * depends on the order of the command line). The reader opens a file when the merge front reaches
 * its first time and keeps at most a fixed number open; the heap below always hands out the open
 * input whose next event is earliest (ties by rank). Files of one directory that follow each other
 * in time are so read one after the other, and logs of several sources that cover the same hours
 * are interleaved event by event. Within one file, records keep their order: the merge orders
 * sources, it does not sort a file.
 */
#ifndef KEYTRAIL_MERGE_H
#define KEYTRAIL_MERGE_H

#include <keytrail/common.h>
#include <keytrail/error.h>

#include "format.h"

/* An input as ranked before reading. */
struct kt_merge_input {
    const char *path;
    int64_t first_ms; /* time of its first event; INT64_MIN when unknown (a stream, or no event
                         found: such inputs are opened first) */
    const struct kt_format *format; /* what the probe found, so the reader need not detect it
                                       again; NULL: detect */
    bool json_stream;               /* with format: split as a JSON stream */
};

/* Orders inputs by first_ms, then by directory (bytes) and by name within it in the walk's
 * order (walk.h: rotated logs oldest first): qsort comparator over kt_merge_input. */
int kt_merge_input_cmp(const void *a, const void *b);

/* One open input in the heap: its next event's time and its rank break the ties. */
struct kt_merge_slot {
    int64_t key_ms;
    size_t rank;
    void *item;
};

/* A binary min-heap of open inputs with a fixed capacity (the most inputs open at once). */
struct kt_merge_heap {
    struct kt_merge_slot *slots;
    size_t n;
    size_t cap;
};

/* KT_OK or KT_ENOMEM; cap must be at least 1. */
enum kt_rc kt_merge_heap_init(struct kt_merge_heap *h, size_t cap);
void kt_merge_heap_fini(struct kt_merge_heap *h);

/* Adds an input; false when the heap is full (the caller checks kt_merge_heap_full first). */
bool kt_merge_heap_push(struct kt_merge_heap *h, int64_t key_ms, size_t rank, void *item);

/* The earliest input, or NULL when empty; *key_ms gets its key when not NULL. */
void *kt_merge_heap_top(const struct kt_merge_heap *h, int64_t *key_ms);

/* The top's next event has been taken: give it its new key (it moves down as needed). */
void kt_merge_heap_rekey_top(struct kt_merge_heap *h, int64_t key_ms);

/* Removes the top (its input ended). */
void kt_merge_heap_pop(struct kt_merge_heap *h);

static inline bool kt_merge_heap_full(const struct kt_merge_heap *h)
{
    return h->n == h->cap;
}

#endif
