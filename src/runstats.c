/* Run statistics (runstats.h). */
#include "runstats.h"

#include <stdio.h>

void kt_run_stats_init(struct kt_run_stats *st)
{
    memset(st, 0, sizeof(*st));
    kt_keytab_init(&st->seen);
}

void kt_run_stats_fini(struct kt_run_stats *st)
{
    if (st != NULL) {
        kt_keytab_fini(&st->seen);
    }
}

bool kt_run_stats_bad(struct kt_run_stats *st, enum kt_bad reason, const char *file,
                      uint64_t line)
{
    st->bad[reason]++;
    st->bad_total++;
    if (st->n_samples == KT_BAD_SAMPLES) {
        return false;
    }
    struct kt_bad_sample *s = &st->samples[st->n_samples++];
    s->reason = reason;
    s->line = line;
    snprintf(s->file, sizeof(s->file), "%s", file ? file : "-");
    return true;
}

enum kt_rc kt_run_stats_event(struct kt_run_stats *st, const struct kt_event *ev)
{
    st->events++;
    if (ev->n_creds > 0) {
        st->events_keyed++;
    }
    for (unsigned i = 0; i < ev->n_creds; i++) {
        const struct kt_cred *c = &ev->creds[i];
        st->family_uses[c->family]++;
        uint32_t fam;
        bool inserted;
        enum kt_rc rc = kt_keytab_upsert(&st->seen, &c->key, (uint32_t)c->family, &fam, &inserted);
        if (rc != KT_OK) {
            return rc;
        }
        if (inserted) {
            st->family_keys[c->family]++;
        }
    }
    return KT_OK;
}
