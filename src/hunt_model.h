/*
 * The incident report model of `keytrail hunt`: after the pass, each key's analyses (compare,
 * change points, plan: hunt_analysis.h), its verdict (hunt_verdict.h), and one json-c document
 * shaped like tests/fixtures/hunt_report.json that the terminal summary, --report FILE.json
 * and the renderers (reports/hunt_render.h) all read, so they cannot disagree.
 *
 * Every string in it comes from the hunt's string tables or the keys' hints (redacted when
 * they were taken); the document is written through redacting channels all the same.
 */
#ifndef KEYTRAIL_HUNT_MODEL_H
#define KEYTRAIL_HUNT_MODEL_H

#include <json-c/json.h>

#include "hunt.h"
#include "hunt_verdict.h"
#include "runstats.h"

/* Most rows listed per key in use_list, operations and sources (the rest are counted). */
#define KT_HUNT_LIST_MAX 1000

struct kt_hunt_model_opts {
    int64_t leaked_ms, rotated_ms;    /* KT_TIME_NONE: not given */
    const char *geo;                  /* the geolocation description, or NULL */
    const struct kt_run_stats *stats; /* may be NULL */
    int64_t from_ms, to_ms;           /* the events' span; KT_TIME_NONE: none */
};

/*
 * Judges every key of h and builds the document into *out (the caller frees it with
 * json_object_put). *worst gets the strongest verdict over the keys. KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_hunt_model_build(const struct kt_hunt *h, const struct kt_hunt_model_opts *opts,
                               struct json_object **out, enum kt_hunt_verdict *worst);

#endif
