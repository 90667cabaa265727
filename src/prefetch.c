/*
 * Read-ahead thread (prefetch.h).
 *
 * The ring is indexed by two monotonic counters: `produced` (slots the thread filled) and
 * `consumed` (slots the reader drained); the thread waits while the ring is full, the reader
 * while it is empty. One mutex guards both counters; the slot contents are handed over by the
 * counter updates (the mutex gives the ordering), so no byte is copied under the lock.
 */
#include "prefetch.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    char *data;
    size_t n;
    enum kt_rc rc;
    struct kt_err err;
};

struct kt_prefetch {
    struct kt_source *src;
    struct slot *slots;
    size_t nslots, size;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint64_t produced, consumed;
    bool stop;
    bool finished;   /* the reader has seen the final status */
    size_t offset;   /* bytes of the current slot already handed out */
    uint64_t bytes_out;
};

static void *producer(void *arg)
{
    struct kt_prefetch *pf = arg;
    for (;;) {
        pthread_mutex_lock(&pf->lock);
        while (!pf->stop && pf->produced - pf->consumed == pf->nslots) {
            pthread_cond_wait(&pf->changed, &pf->lock);
        }
        bool stop = pf->stop;
        struct slot *s = &pf->slots[pf->produced % pf->nslots];
        pthread_mutex_unlock(&pf->lock);
        if (stop) {
            return NULL;
        }
        kt_err_clear(&s->err);
        s->n = 0;
        s->rc = kt_source_read(pf->src, s->data, pf->size, &s->n, &s->err);
        pthread_mutex_lock(&pf->lock);
        pf->produced++;
        pthread_cond_broadcast(&pf->changed);
        pthread_mutex_unlock(&pf->lock);
        if (s->rc != KT_OK) {
            return NULL; /* the end, or damage: nothing more to read */
        }
    }
}

enum kt_rc kt_prefetch_start(struct kt_prefetch **out, struct kt_source *src, size_t nbufs,
                             size_t size)
{
    struct kt_prefetch *pf = calloc(1, sizeof(*pf));
    if (pf == NULL) {
        return KT_ENOMEM;
    }
    pf->src = src;
    pf->nslots = nbufs < 2 ? 2 : nbufs;
    pf->size = size;
    pf->slots = calloc(pf->nslots, sizeof(*pf->slots));
    if (pf->slots == NULL) {
        free(pf);
        return KT_ENOMEM;
    }
    for (size_t i = 0; i < pf->nslots; i++) {
        pf->slots[i].data = malloc(size);
        if (pf->slots[i].data == NULL) {
            for (size_t j = 0; j < i; j++) {
                free(pf->slots[j].data);
            }
            free(pf->slots);
            free(pf);
            return KT_ENOMEM;
        }
    }
    pthread_mutex_init(&pf->lock, NULL);
    pthread_cond_init(&pf->changed, NULL);
    if (pthread_create(&pf->thread, NULL, producer, pf) != 0) {
        pthread_mutex_destroy(&pf->lock);
        pthread_cond_destroy(&pf->changed);
        for (size_t i = 0; i < pf->nslots; i++) {
            free(pf->slots[i].data);
        }
        free(pf->slots);
        free(pf);
        return KT_EIO;
    }
    *out = pf;
    return KT_OK;
}

enum kt_rc kt_prefetch_read(void *ctx, void *buf, size_t cap, size_t *n, struct kt_err *err)
{
    struct kt_prefetch *pf = ctx;
    *n = 0;
    if (pf->finished) {
        return KT_END;
    }
    pthread_mutex_lock(&pf->lock);
    while (pf->consumed == pf->produced) {
        pthread_cond_wait(&pf->changed, &pf->lock);
    }
    pthread_mutex_unlock(&pf->lock);
    struct slot *s = &pf->slots[pf->consumed % pf->nslots];
    if (s->rc != KT_OK) {
        pf->finished = true;
        if (s->rc != KT_END && err != NULL) {
            *err = s->err;
        }
        return s->rc;
    }
    size_t take = KT_MIN(cap, s->n - pf->offset);
    memcpy(buf, s->data + pf->offset, take);
    pf->offset += take;
    pf->bytes_out += take;
    *n = take;
    if (pf->offset == s->n) {
        pf->offset = 0;
        pthread_mutex_lock(&pf->lock);
        pf->consumed++;
        pthread_cond_broadcast(&pf->changed);
        pthread_mutex_unlock(&pf->lock);
    }
    return KT_OK;
}

uint64_t kt_prefetch_bytes_out(const struct kt_prefetch *pf)
{
    return pf->bytes_out;
}

void kt_prefetch_stop(struct kt_prefetch *pf)
{
    if (pf == NULL) {
        return;
    }
    pthread_mutex_lock(&pf->lock);
    pf->stop = true;
    pthread_cond_broadcast(&pf->changed);
    pthread_mutex_unlock(&pf->lock);
    pthread_join(pf->thread, NULL);
    pthread_mutex_destroy(&pf->lock);
    pthread_cond_destroy(&pf->changed);
    for (size_t i = 0; i < pf->nslots; i++) {
        kt_wipe(pf->slots[i].data, pf->size); /* decompressed log bytes may hold tokens */
        free(pf->slots[i].data);
    }
    free(pf->slots);
    free(pf);
}
