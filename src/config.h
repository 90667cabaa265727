/*
 * The configuration file (--config FILE): detection knobs, maturity, verdict thresholds and
 * allowlists, as JSON. Every name is checked, so a typo is an error that names the file and
 * the setting, not a silently ignored line. See README for the format.
 */
#ifndef KEYTRAIL_CONFIG_H
#define KEYTRAIL_CONFIG_H

#include <keytrail/credential.h>
#include <keytrail/detector.h>
#include <keytrail/error.h>

#include "netset.h"

#define KT_CONFIG_MAX_DETECTORS KT_DET_MAX    /* checked against the registry (registry.c) */
#define KT_CONFIG_MAX_KNOBS KT_DET_MAX_KNOBS  /* checked per detector (KT_DET_N_KNOBS) */

struct kt_config {
    /* A key's baseline is mature (novelty detectors may judge it) after this much history. */
    double min_days;
    double min_events;
    /* A key seen in this many countries is used worldwide by design: no geographic novelty. */
    double broad_countries;
    /* Verdict thresholds on the 0..100 risk. */
    double rotate_at;
    double investigate_at;
    /* State retention (--state): keys unused this many days of event time are dropped, and
     * baseline entries unused this long fade out (0: kept forever). */
    double retention_key_days;
    double retention_entry_days;
    /* Risk scoring (engine.c): findings within risk_window_hours of each other corroborate; a
     * finding on a refused (401) use weighs risk_refused_weight of its score; aspects whose
     * strongest finding weighs at least risk_agree_at (0..100) agree, and two or three or more
     * agreeing aspects add risk_bonus_two / risk_bonus_three; an accepted critical finding sets
     * the risk to at least risk_critical. */
    double risk_window_hours;
    double risk_refused_weight;
    double risk_agree_at;
    double risk_bonus_two;
    double risk_bonus_three;
    double risk_critical;
    /* Hindsight on a new place (kt_engine_move_note): old and new place in use together at most
     * move_overlap_days, the new one alone at least move_silent_days, on at least
     * move_min_days days, with uses per day within a factor move_volume of the old habit. */
    double move_overlap_days;
    double move_silent_days;
    double move_min_days;
    double move_volume;
    bool enabled[KT_CONFIG_MAX_DETECTORS];
    double knobs[KT_CONFIG_MAX_DETECTORS][KT_CONFIG_MAX_KNOBS];
    /* Allowlists: events that match are learned but never judged. */
    struct kt_keyid *allow_keys;
    size_t n_allow_keys;
    struct kt_netset *allow_networks;
    uint32_t *allow_asns;
    size_t n_allow_asns;
    char (*allow_countries)[2];
    size_t n_allow_countries;
};

/* Defaults: every detector enabled with its knob defaults. */
enum kt_rc kt_config_init(struct kt_config *cfg);
void kt_config_fini(struct kt_config *cfg);

/*
 * Reads a JSON config file over the defaults. Returns KT_OK; KT_EOPEN or KT_EIO naming the
 * file; KT_EPARSE with err naming the file and line and saying what is wrong: a syntax error,
 * an empty or cut-short file, a setting given twice, or an unknown or out-of-range setting
 * (named by its path, "detectors.new_country.enabled"); KT_ENOMEM. On an error cfg may hold
 * part of the file: fini it.
 */
enum kt_rc kt_config_load(struct kt_config *cfg, const char *path, struct kt_err *err);

/* Same from text[0, len) (need not be NUL-terminated), reported as name. */
enum kt_rc kt_config_load_buffer(struct kt_config *cfg, const char *name, const char *text,
                                 size_t len, struct kt_err *err);

/* Index of a detector in the registry (and in cfg->enabled/knobs); -1 if unknown. */
int kt_config_detector_index(const char *name);

bool kt_config_allows_key(const struct kt_config *cfg, const struct kt_keyid *key);
bool kt_config_allows_asn(const struct kt_config *cfg, uint32_t asn);
bool kt_config_allows_country(const struct kt_config *cfg, const char country[3]);

#endif
