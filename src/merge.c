/*
 * The k-way merge of inputs by event time (merge.h). A binary heap keyed by (time, rank): with
 * one input open, which is the common case of a single big file, every operation is a compare
 * or two, so the merge costs nothing per event that a benchmark can see.
 */
#include "merge.h"

#include "walk.h"

#include <stdlib.h>
#include <string.h>

/* Length of the directory part of path, its last '/' included (0 when there is none). */
static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? (size_t)(slash - path) + 1 : 0;
}

int kt_merge_input_cmp(const void *a, const void *b)
{
    const struct kt_merge_input *x = a, *y = b;
    if (x->first_ms != y->first_ms) {
        return x->first_ms < y->first_ms ? -1 : 1;
    }
    /* Same time: by directory, then in the walk's order within it, so that rotated logs of
     * one second (access.log.1 before access.log) keep their order. */
    size_t dx = dir_len(x->path), dy = dir_len(y->path);
    size_t common = dx < dy ? dx : dy;
    int c = memcmp(x->path, y->path, common);
    if (c != 0 || dx != dy) {
        return c != 0 ? c : (dx < dy ? -1 : 1);
    }
    c = kt_walk_name_cmp(x->path + dx, y->path + dy);
    return c != 0 ? c : strcmp(x->path, y->path);
}

enum kt_rc kt_merge_heap_init(struct kt_merge_heap *h, size_t cap)
{
    memset(h, 0, sizeof(*h));
    h->slots = calloc(cap > 0 ? cap : 1, sizeof(*h->slots));
    if (h->slots == NULL) {
        return KT_ENOMEM;
    }
    h->cap = cap > 0 ? cap : 1;
    return KT_OK;
}

void kt_merge_heap_fini(struct kt_merge_heap *h)
{
    if (h != NULL) {
        free(h->slots);
        memset(h, 0, sizeof(*h));
    }
}

static bool before(const struct kt_merge_slot *a, const struct kt_merge_slot *b)
{
    return a->key_ms < b->key_ms || (a->key_ms == b->key_ms && a->rank < b->rank);
}

static void sift_up(struct kt_merge_heap *h, size_t i)
{
    struct kt_merge_slot s = h->slots[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&s, &h->slots[parent])) {
            break;
        }
        h->slots[i] = h->slots[parent];
        i = parent;
    }
    h->slots[i] = s;
}

static void sift_down(struct kt_merge_heap *h, size_t i)
{
    struct kt_merge_slot s = h->slots[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->n) {
            break;
        }
        if (child + 1 < h->n && before(&h->slots[child + 1], &h->slots[child])) {
            child++;
        }
        if (!before(&h->slots[child], &s)) {
            break;
        }
        h->slots[i] = h->slots[child];
        i = child;
    }
    h->slots[i] = s;
}

bool kt_merge_heap_push(struct kt_merge_heap *h, int64_t key_ms, size_t rank, void *item)
{
    if (h->n == h->cap) {
        return false;
    }
    h->slots[h->n] = (struct kt_merge_slot){key_ms, rank, item};
    sift_up(h, h->n++);
    return true;
}

void *kt_merge_heap_top(const struct kt_merge_heap *h, int64_t *key_ms)
{
    if (h->n == 0) {
        return NULL;
    }
    if (key_ms != NULL) {
        *key_ms = h->slots[0].key_ms;
    }
    return h->slots[0].item;
}

void kt_merge_heap_rekey_top(struct kt_merge_heap *h, int64_t key_ms)
{
    if (h->n == 0) {
        return;
    }
    h->slots[0].key_ms = key_ms;
    if (h->n > 1) {
        sift_down(h, 0);
    }
}

void kt_merge_heap_pop(struct kt_merge_heap *h)
{
    if (h->n == 0) {
        return;
    }
    h->slots[0] = h->slots[--h->n];
    if (h->n > 1) {
        sift_down(h, 0);
    }
}
