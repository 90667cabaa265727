/* Run statistics (runstats.h). */
#include "runstats.h"

#include <stdio.h>

#include "hash.h"

void kt_run_stats_init(struct kt_run_stats *st)
{
    memset(st, 0, sizeof(*st));
    kt_keytab_init(&st->seen);
    for (size_t f = 0; f < KT_FAM__COUNT; f++) {
        kt_distinct_init(&st->beyond[f]);
    }
}

void kt_run_stats_fini(struct kt_run_stats *st)
{
    if (st != NULL) {
        kt_keytab_fini(&st->seen);
        for (size_t f = 0; f < KT_FAM__COUNT; f++) {
            kt_distinct_fini(&st->beyond[f]);
        }
    }
}

uint64_t kt_run_stats_keys(const struct kt_run_stats *st, enum kt_family f)
{
    return st->family_keys[f] + kt_distinct_count(&st->beyond[f]);
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
        if (kt_keytab_count(&st->seen) >= KT_RUN_STATS_EXACT_KEYS) {
            if (!kt_keytab_get(&st->seen, &c->key, &fam)) {
                st->keys_estimated = true;
                if (!kt_distinct_add(&st->beyond[c->family], kt_hash(c->key.b, KT_KEYID_BYTES))) {
                    return KT_ENOMEM;
                }
            }
            continue;
        }
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
