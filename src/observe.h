/*
 * The observation stage: between credential recognition and the engine, it turns one event
 * into its struct kt_obs (include/keytrail/observation.h) with the databases and lists of the
 * run. Called once per event that carries a credential, whatever the number of credentials.
 */
#ifndef KEYTRAIL_OBSERVE_H
#define KEYTRAIL_OBSERVE_H

#include <keytrail/observation.h>

#include "config.h"
#include "geodb.h"
#include "netset.h"

/* What the stage consults; every member may be NULL. */
struct kt_observer {
    struct kt_geodb *geo;            /* location and ASN databases */
    const struct kt_netset *ip_list; /* --ip-list */
    const struct kt_config *cfg;     /* its allowlists of networks, ASNs and countries */
};

/* Fills o from ev (which o then borrows). Never fails: unknown facts stay empty. */
void kt_observe(const struct kt_observer *obs, const struct kt_event *ev, struct kt_obs *o);

#endif
