/* Event records (include/keytrail/event.h). */
#include <keytrail/event.h>

void kt_event_reset(struct kt_event *ev)
{
    const char *file = ev->file;
    /* Creds are large and only the first n_creds are read, so they are not cleared. */
    memset(ev, 0, offsetof(struct kt_event, creds));
    ev->n_creds = 0;
    ev->time_ms = KT_TIME_NONE;
    ev->file = file;
    ev->line = 0;
}

bool kt_event_add_cand(struct kt_event *ev, enum kt_cand_kind kind, struct kt_str value)
{
    if (ev->n_cands >= KT_EVENT_MAX_CANDS || value.len == 0) {
        return false;
    }
    ev->cands[ev->n_cands].kind = kind;
    ev->cands[ev->n_cands].value = value;
    ev->n_cands++;
    return true;
}
