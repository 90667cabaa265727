/*
 * The credential chain of a hunt (hunt.h): keys the other party made with a hunted key join the
 * hunt as they appear. CloudTrail names them in the response of the call that made them: a
 * long-term access key (CreateAccessKey: ev->created_key) or session credentials (AssumeRole,
 * GetSessionToken, GetFederationToken: ev->minted_key). Both are AWS access key ids, which
 * are not secret, so they are needles as they are.
 */
#include "hunt.h"

#include <stdio.h>
#include <string.h>

#include "ipaddr.h"
#include "redact.h"

static int add_link(struct kt_hunt *h, size_t from, enum kt_hunt_how how, struct kt_str id,
                    const struct kt_event *ev)
{
    struct kt_cand cand = {.kind = KT_CAND_AWS_KEY_ID, .value = id};
    struct kt_hunt_target t;
    memset(&t, 0, sizeof(t));
    if (!kt_cred_recognise(&cand, &t.cred)) {
        return -1;
    }
    t.key = t.cred.key;
    t.recognised = true;
    int to = -1;
    for (size_t i = 0; i < h->n_keys; i++) {
        if (kt_keyid_eq(&h->keys[i].target.key, &t.key) && !h->keys[i].target.by_issuer) {
            to = (int)i;
        }
    }
    if (to == (int)from) {
        return -1;
    }
    bool is_new = to < 0;
    if (is_new) {
        if (!kt_hunt_add_target(h, &t)) {
            h->keys_refused++;
            return -1;
        }
        to = (int)h->n_keys - 1;
        struct kt_hunt_key *k = &h->keys[to];
        k->how = how;
        k->from = from;
        k->found_ms = ev->time_ms;
        if (h->needles != NULL) {
            kt_needles_add(h->needles, id);
        }
    }
    for (size_t l = 0; l < h->n_links; l++) {
        if (h->links[l].from == from && h->links[l].to == (size_t)to) {
            return to; /* linked already: the first time it was made is the one shown */
        }
    }
    if (h->n_links < KT_ARRAY_LEN(h->links)) {
        struct kt_hunt_link *l = &h->links[h->n_links++];
        l->from = from;
        l->to = (size_t)to;
        l->how = how;
        l->time_ms = ev->time_ms;
        char svc[40];
        kt_str_copy(svc, sizeof(svc), ev->service);
        char *dot = strchr(svc, '.'); /* "iam.amazonaws.com" -> "iam" */
        if (dot != NULL) {
            *dot = '\0';
        }
        char method[64];
        kt_redact_name(ev->method, method, sizeof(method));
        snprintf(l->op, sizeof(l->op), "%.20s%s%.50s", svc, svc[0] ? ":" : "", method);
        char ip[64];
        kt_redact_name(kt_ip_clean(ev->ip), ip, sizeof(ip));
        kt_str_copy(l->ip, sizeof(l->ip), kt_str_cstr(ip));
        if (is_new) {
            struct kt_hunt_key *k = &h->keys[to];
            kt_str_copy(k->found_op, sizeof(k->found_op), kt_str_cstr(l->op));
            kt_str_copy(k->found_ip, sizeof(k->found_ip), kt_str_cstr(l->ip));
        }
    }
    return to;
}

int kt_hunt_chain_follow(struct kt_hunt *h, size_t from, const struct kt_event *ev)
{
    /* A refused call created nothing. */
    if (kt_event_failed(ev)) {
        return -1;
    }
    int to = -1;
    if (ev->created_key.len > 0) {
        to = add_link(h, from, KT_HUNT_CREATED, ev->created_key, ev);
    }
    if (ev->minted_key.len > 0) {
        int m = add_link(h, from, KT_HUNT_MINTED, ev->minted_key, ev);
        to = to >= 0 ? to : m;
    }
    return to;
}

size_t kt_hunt_chain_root(const struct kt_hunt *h, size_t i)
{
    /* Bounded walk: a link always points to a key added later, so this ends. */
    for (size_t steps = 0; steps < KT_HUNT_MAX_KEYS && h->keys[i].how != KT_HUNT_GIVEN; steps++) {
        i = h->keys[i].from;
    }
    return i;
}
