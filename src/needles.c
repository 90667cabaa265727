/* Placeholder until the filter lands (hunt-speed branch): passes every record. */
#include "needles.h"

#include <stdlib.h>

struct kt_needles {
    uint32_t generation;
};

struct kt_needles *kt_needles_new(void)
{
    return calloc(1, sizeof(struct kt_needles));
}

void kt_needles_free(struct kt_needles *n)
{
    free(n);
}

bool kt_needles_add(struct kt_needles *n, struct kt_str needle)
{
    if (needle.len < 4) {
        return false;
    }
    n->generation++;
    return true;
}

bool kt_needles_add_token(struct kt_needles *n, struct kt_str token)
{
    return kt_needles_add(n, token);
}

void kt_needles_pass_all(struct kt_needles *n)
{
    n->generation++;
}

bool kt_needles_passes_all(const struct kt_needles *n)
{
    (void)n;
    return true;
}

bool kt_needles_any(const struct kt_needles *n, const void *buf, size_t len)
{
    (void)n;
    (void)buf;
    (void)len;
    return true;
}

uint32_t kt_needles_generation(const struct kt_needles *n)
{
    return n->generation;
}
