/*
 * Whole-file prefilter (prescan.h). Workers share one atomic index into the file list; each
 * has its own chunk buffer, and a file's verdict is written only by the worker that took it.
 */
#include "prescan.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (1u << 20)
#define MAX_WORKERS 16

struct job {
    const char *const *paths;
    size_t n;
    const struct kt_needles *needles;
    const struct kt_source_opts *so;
    bool *skip;
    atomic_size_t next;
    atomic_bool failed; /* a worker ran out of memory */
};

/* Whether the file reads to its clean end without a needle. buf holds CHUNK + keep bytes. */
static bool file_lacks_needles(const struct job *job, const char *path, uint8_t *buf,
                               size_t keep)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return false;
    }
    struct kt_source *src;
    struct kt_err err;
    if (kt_source_open(&src, path, job->so, &err) != KT_OK) {
        return false;
    }
    size_t have = 0; /* bytes kept from the previous chunk */
    bool lacks = false;
    for (;;) {
        size_t n = 0;
        enum kt_rc rc = kt_source_read(src, buf + have, CHUNK, &n, &err);
        if (rc == KT_END) {
            lacks = true;
            break;
        }
        if (rc != KT_OK) {
            break; /* damaged: the run reads it and says so */
        }
        size_t len = have + n;
        if (kt_needles_any(job->needles, buf, len)) {
            break;
        }
        have = len < keep ? len : keep;
        memmove(buf, buf + len - have, have);
    }
    kt_source_free(src);
    return lacks;
}

static void *worker(void *arg)
{
    struct job *job = arg;
    size_t max = kt_needles_max_len(job->needles);
    size_t keep = max > 0 ? max - 1 : 0;
    uint8_t *buf = malloc(CHUNK + keep);
    if (buf == NULL) {
        atomic_store(&job->failed, true);
        return NULL;
    }
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->n) {
            break;
        }
        job->skip[i] = file_lacks_needles(job, job->paths[i], buf, keep);
    }
    free(buf);
    return NULL;
}

enum kt_rc kt_prescan_files(const char *const *paths, size_t n, const struct kt_needles *needles,
                            const struct kt_source_opts *so, unsigned threads, bool *skip)
{
    memset(skip, 0, n * sizeof(*skip));
    if (n == 0 || kt_needles_passes_all(needles)) {
        return KT_OK;
    }
    struct job job = {.paths = paths, .n = n, .needles = needles, .so = so, .skip = skip};
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, false);
    size_t workers = threads < 1 ? 1 : threads;
    workers = workers > MAX_WORKERS ? MAX_WORKERS : workers;
    workers = workers > n ? n : workers;
    pthread_t tids[MAX_WORKERS];
    size_t started = 0;
    /* The calling thread is one of the workers; the others are extra. */
    while (started + 1 < workers && pthread_create(&tids[started], NULL, worker, &job) == 0) {
        started++;
    }
    worker(&job);
    for (size_t i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    if (atomic_load(&job.failed) && started == 0) {
        return KT_ENOMEM;
    }
    return KT_OK;
}
