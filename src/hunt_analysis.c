/* Placeholder until the analyses land (hunt-analysis branch): empty results. */
#include "hunt_analysis.h"

#include <stdlib.h>
#include <string.h>

enum kt_rc kt_hunt_compare(const struct kt_hunt_use *u, size_t n, int64_t split_ms,
                           struct kt_hunt_diff *d)
{
    (void)u;
    (void)n;
    memset(d, 0, sizeof(*d));
    d->split_ms = split_ms;
    d->before.first_ms = d->before.last_ms = KT_TIME_NONE;
    d->after.first_ms = d->after.last_ms = KT_TIME_NONE;
    return KT_OK;
}

void kt_hunt_diff_free(struct kt_hunt_diff *d)
{
    (void)d;
}

const char *kt_hunt_confidence_name(enum kt_hunt_confidence c)
{
    return c == KT_HUNT_CONF_HIGH ? "high" : c == KT_HUNT_CONF_MEDIUM ? "medium" : "low";
}

void kt_hunt_signal_names(uint32_t signals, char *out, size_t cap)
{
    (void)signals;
    if (cap > 0) {
        out[0] = '\0';
    }
}

size_t kt_hunt_changepoints(const struct kt_hunt_use *u, size_t n,
                            struct kt_hunt_changepoint *out, size_t cap)
{
    (void)u;
    (void)n;
    (void)out;
    (void)cap;
    return 0;
}

const char *kt_hunt_role_name(enum kt_hunt_role r)
{
    return r == KT_HUNT_ROLE_OTHER_PARTY ? "other party"
           : r == KT_HUNT_ROLE_UNSURE    ? "unsure"
                                         : "consumer";
}

enum kt_rc kt_hunt_plan(const struct kt_hunt_use *u, size_t n, int64_t leak_ms,
                        int64_t rotated_ms, struct kt_hunt_plan *p)
{
    (void)u;
    (void)n;
    (void)leak_ms;
    (void)rotated_ms;
    memset(p, 0, sizeof(*p));
    return KT_OK;
}

void kt_hunt_plan_free(struct kt_hunt_plan *p)
{
    free(p->clients);
    free(p->late);
    memset(p, 0, sizeof(*p));
}
