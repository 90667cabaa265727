/*
 * The names of the hunt analyses' values (hunt_analysis.h). The analyses themselves live in
 * hunt_compare.c, hunt_changepoint.c and hunt_plan.c.
 */
#include "hunt_analysis.h"

#include <string.h>

const char *kt_hunt_confidence_name(enum kt_hunt_confidence c)
{
    return c == KT_HUNT_CONF_HIGH ? "high" : c == KT_HUNT_CONF_MEDIUM ? "medium" : "low";
}

void kt_hunt_signal_names(uint32_t signals, char *out, size_t cap)
{
    static const char *const names[] = {
        "new network", "new country", "new client", "new operations", "rate burst", "odd hours",
        "errors",      "suspicious",  "hosting",    "tool",           "overlap",
    };
    if (cap == 0) {
        return;
    }
    size_t len = 0;
    out[0] = '\0';
    for (size_t b = 0; b < sizeof(names) / sizeof(names[0]); b++) {
        if (!(signals & (1u << b))) {
            continue;
        }
        const char *sep = len > 0 ? ", " : "";
        size_t need = strlen(sep) + strlen(names[b]);
        if (len + need >= cap) {
            break; /* whole names only */
        }
        memcpy(out + len, sep, strlen(sep));
        memcpy(out + len + strlen(sep), names[b], strlen(names[b]));
        len += need;
        out[len] = '\0';
    }
}

const char *kt_hunt_role_name(enum kt_hunt_role r)
{
    return r == KT_HUNT_ROLE_OTHER_PARTY ? "other party"
           : r == KT_HUNT_ROLE_UNSURE    ? "unsure"
                                         : "consumer";
}
