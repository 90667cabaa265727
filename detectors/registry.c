/*
 * The detector registry: one row per detector, in the order they run and are listed by
 * --list-detectors. Adding a detector is adding its file and a row here.
 */
#include <keytrail/detector.h>

extern const struct kt_detector kt_det_leaked_key;
extern const struct kt_detector kt_det_used_after_rotation;
extern const struct kt_detector kt_det_ip_list;
extern const struct kt_detector kt_det_jwt_validity;
extern const struct kt_detector kt_det_jwt_replay;
extern const struct kt_detector kt_det_impossible_travel;
extern const struct kt_detector kt_det_new_country;
extern const struct kt_detector kt_det_new_asn;
extern const struct kt_detector kt_det_parallel_use;
extern const struct kt_detector kt_det_dormant_revived;
extern const struct kt_detector kt_det_new_user_agent;
extern const struct kt_detector kt_det_sensitive_op;
extern const struct kt_detector kt_det_sensitive_sweep;
extern const struct kt_detector kt_det_error_burst;
extern const struct kt_detector kt_det_rate_spike;
extern const struct kt_detector kt_det_unusual_hour;
extern const struct kt_detector kt_det_recon_burst;
extern const struct kt_detector kt_det_privilege_change;
extern const struct kt_detector kt_det_defense_evasion;
extern const struct kt_detector kt_det_credential_exfil;
extern const struct kt_detector kt_det_credential_chain;

static const struct kt_detector *const registry[] = {
    &kt_det_leaked_key,     &kt_det_used_after_rotation, &kt_det_ip_list,
    &kt_det_jwt_validity,
    &kt_det_jwt_replay,
    &kt_det_impossible_travel, &kt_det_new_country, &kt_det_new_asn, &kt_det_parallel_use,
    &kt_det_dormant_revived, &kt_det_new_user_agent, &kt_det_sensitive_op, &kt_det_sensitive_sweep,
    &kt_det_error_burst,    &kt_det_rate_spike,    &kt_det_unusual_hour,
    /* Baseline-free misuse rules; credential_chain last, so it sees this event's findings. */
    &kt_det_recon_burst,    &kt_det_privilege_change, &kt_det_defense_evasion,
    &kt_det_credential_exfil, &kt_det_credential_chain,
};

_Static_assert(KT_ARRAY_LEN(registry) <= KT_DET_MAX, "more detectors than KT_DET_MAX");

const struct kt_detector *const *kt_detectors(size_t *count)
{
    *count = sizeof(registry) / sizeof(registry[0]);
    return registry;
}

const struct kt_detector *kt_detector_find(const char *name)
{
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
        if (strcmp(registry[i]->name, name) == 0) {
            return registry[i];
        }
    }
    return NULL;
}
