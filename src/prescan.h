/*
 * Whole-file prefilter: which input files hold at least one needle (needles.h), decided before
 * the run reads any of them, on several threads at once.
 *
 * A hunt over a directory of thousands of small files (CloudTrail's 5-minute .json.gz) spends
 * its time decompressing files that never mention the key. Each worker takes the next file,
 * decompresses it and searches the bytes as they come (keeping the last kt_needles_max_len()-1
 * bytes of a chunk in front of the next, so no needle is split), and stops at the first hit. A
 * file without a needle is skipped by the run; the few with one are read as usual, in time
 * order. It is the only way to filter a JSON document such as a CloudTrail file, whose records
 * cannot be told apart before parsing. The needle set must not change while this runs.
 */
#ifndef KEYTRAIL_PRESCAN_H
#define KEYTRAIL_PRESCAN_H

#include "needles.h"
#include "source.h"

/*
 * Sets skip[i] for every paths[i] that could be read to its clean end and holds no needle;
 * anything else (a needle, a pipe or standard input, a file that cannot be opened or is
 * damaged: the run reports those) is left to the run (skip[i] false). threads: workers at
 * most (1: this thread only). KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_prescan_files(const char *const *paths, size_t n, const struct kt_needles *needles,
                            const struct kt_source_opts *so, unsigned threads, bool *skip);

#endif
