/* Space-saving top-k (topk.h). */
#include "topk.h"

#include <stdlib.h>

void kt_topk_init(struct kt_topk *t)
{
    memset(t, 0, sizeof(*t));
}

void kt_topk_add(struct kt_topk *t, uint64_t hash,
                 void (*render)(void *ctx, char *out, size_t cap), void *ctx)
{
    for (unsigned i = 0; i < t->used; i++) {
        if (t->slot[i].hash == hash) {
            t->slot[i].count++;
            return;
        }
    }
    struct kt_topk_slot *s;
    uint64_t base = 0;
    if (t->used < KT_TOPK_SLOTS) {
        s = &t->slot[t->used++];
    } else {
        s = &t->slot[0];
        for (unsigned i = 1; i < KT_TOPK_SLOTS; i++) {
            if (t->slot[i].count < s->count) {
                s = &t->slot[i];
            }
        }
        base = s->count;
    }
    s->hash = hash;
    s->count = base + 1;
    s->error = base;
    render(ctx, s->text, sizeof(s->text));
}

static int by_count(const void *a, const void *b)
{
    const struct kt_topk_slot *x = *(const struct kt_topk_slot *const *)a;
    const struct kt_topk_slot *y = *(const struct kt_topk_slot *const *)b;
    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }
    return strcmp(x->text, y->text);
}

unsigned kt_topk_sorted(const struct kt_topk *t, const struct kt_topk_slot **out)
{
    for (unsigned i = 0; i < t->used; i++) {
        out[i] = &t->slot[i];
    }
    qsort(out, t->used, sizeof(*out), by_count);
    return t->used;
}
