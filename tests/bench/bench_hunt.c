/*
 * Driver of the prefiltered pipeline for tests/bench/hunt.sh, while the `keytrail hunt` command
 * lives on another branch: reads tokens (one per line) from a key file, adds every form of each
 * to a needle set, runs the pipeline over the paths with the set as its prefilter, and prints
 * how many events it delivered, how many carried a credential, and what the prefilter skipped.
 * Never prints a token.
 *
 * Built from CMake: `cmake --build build --target bench_hunt`.
 * Usage: bench_hunt --key-file FILE [--threads N] [--no-prefilter] PATH...
 * --no-prefilter parses every record (the same run without the filter, for comparison).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "needles.h"
#include "pipeline.h"

static enum kt_rc count_event(void *ctx, const struct kt_event *ev)
{
    uint64_t *counts = ctx;
    counts[0]++;
    counts[1] += ev->n_creds > 0;
    return KT_OK;
}

/* Adds every line of path as a token; false when it cannot be read or holds none. */
static bool read_keys(const char *path, struct kt_needles *nd)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    char line[4096];
    size_t added = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strcspn(line, "\r\n");
        if (len > 0 && kt_needles_add_token(nd, kt_str_make(line, len))) {
            added++;
        }
        kt_wipe(line, sizeof(line));
    }
    fclose(f);
    return added > 0;
}

int main(int argc, char **argv)
{
    const char *key_file = NULL;
    unsigned threads = 0;
    bool prefilter = true;
    int first = 1;
    while (first < argc && strncmp(argv[first], "--", 2) == 0) {
        if (strcmp(argv[first], "--key-file") == 0 && first + 1 < argc) {
            key_file = argv[first + 1];
            first += 2;
        } else if (strcmp(argv[first], "--no-prefilter") == 0) {
            prefilter = false;
            first++;
        } else if (strcmp(argv[first], "--threads") == 0 && first + 1 < argc) {
            threads = (unsigned)strtoul(argv[first + 1], NULL, 10);
            first += 2;
        } else {
            break;
        }
    }
    if (key_file == NULL || first >= argc) {
        fprintf(stderr, "usage: bench_hunt --key-file FILE [--threads N] [--no-prefilter] PATH...\n");
        return 2;
    }
    struct kt_needles *nd = kt_needles_new();
    if (nd == NULL || !read_keys(key_file, nd)) {
        fprintf(stderr, "bench_hunt: no usable key in the key file\n");
        kt_needles_free(nd);
        return 2;
    }
    struct kt_pipeline_opts opts = {.threads = threads, .prefilter = prefilter ? nd : NULL};
    struct kt_pipeline *pl;
    struct kt_err err;
    if (kt_pipeline_new(&pl, &opts, &err) != KT_OK) {
        fprintf(stderr, "bench_hunt: %s\n", err.msg);
        kt_needles_free(nd);
        return 2;
    }
    uint64_t counts[2] = {0, 0};
    enum kt_rc rc = kt_pipeline_run(pl, argv + first, (size_t)(argc - first), count_event, counts,
                                    &err);
    const struct kt_run_stats *st = kt_pipeline_stats(pl);
    printf("events %" PRIu64 " keyed %" PRIu64 " files %" PRIu64 " files_skipped %" PRIu64
           " lines_skipped %" PRIu64 "\n",
           counts[0], counts[1], st->files, st->files_prefiltered, st->records_prefiltered);
    kt_pipeline_free(pl);
    kt_needles_free(nd);
    return rc == KT_OK ? 0 : 1;
}
