/*
 * The hunt's verdict rules (hunt_verdict.h). The order of the rules is the order of the
 * evidence's strength: scan's own verdict first (it weighs corroboration and hindsight), then
 * the chain, then what the hunt alone sees.
 */
#include "hunt_verdict.h"

#include <stdarg.h>
#include <stdio.h>

const char *kt_hunt_verdict_name(enum kt_hunt_verdict v)
{
    return v == KT_HUNT_YES ? "yes" : v == KT_HUNT_LIKELY ? "likely" : "no evidence";
}

const char *kt_hunt_leak_source_name(enum kt_hunt_leak_source s)
{
    static const char *const names[] = {"none", "given", "change point", "first use", "created"};
    return (size_t)s < KT_ARRAY_LEN(names) ? names[s] : "none";
}

static void reason(struct kt_hunt_judgement *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reason(struct kt_hunt_judgement *j, const char *fmt, ...)
{
    if (j->n_reasons == KT_HUNT_REASONS) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->reasons[j->n_reasons++], KT_HUNT_REASON_LEN, fmt, ap);
    va_end(ap);
}

static void raise_to(struct kt_hunt_judgement *j, enum kt_hunt_verdict v)
{
    if (v > j->verdict) {
        j->verdict = v;
    }
}

/* The findings as reasons, strongest first, one per detector, high and critical only unless
 * nothing stronger was found. */
static void finding_reasons(const struct kt_hunt_evidence *ev, struct kt_hunt_judgement *j)
{
    const char *shown[KT_HUNT_REASONS];
    size_t n_shown = 0;
    for (int sev = KT_SEV_CRITICAL; sev >= KT_SEV_MEDIUM; sev--) {
        for (size_t i = 0; i < ev->n_findings && n_shown < 3; i++) {
            const struct kt_finding *f = ev->findings[i];
            if ((int)f->severity != sev) {
                continue;
            }
            bool seen = false;
            for (size_t s = 0; s < n_shown; s++) {
                seen |= strcmp(shown[s], f->detector) == 0;
            }
            if (!seen) {
                shown[n_shown++] = f->detector;
                reason(j, "%s: %s", f->detector, f->reason);
            }
        }
        if (n_shown > 0 && sev <= KT_SEV_HIGH) {
            break;
        }
    }
}

void kt_hunt_judge(const struct kt_hunt_evidence *ev, struct kt_hunt_judgement *out)
{
    memset(out, 0, sizeof(*out));
    bool critical = false;
    for (size_t i = 0; i < ev->n_findings; i++) {
        critical |= ev->findings[i]->severity == KT_SEV_CRITICAL;
    }
    if (ev->how != KT_HUNT_GIVEN && ev->parent == KT_HUNT_YES) {
        raise_to(out, KT_HUNT_YES);
        reason(out, "%s by the other party with a stolen key (%s)",
               ev->how == KT_HUNT_MINTED ? "minted" : "created", ev->parent_op);
    } else if (ev->how != KT_HUNT_GIVEN && ev->parent == KT_HUNT_LIKELY) {
        raise_to(out, KT_HUNT_LIKELY);
        reason(out, "%s with a key likely used by someone else (%s)",
               ev->how == KT_HUNT_MINTED ? "minted" : "created", ev->parent_op);
    }
    if (ev->scan_verdict == KT_VERDICT_ROTATE || critical) {
        raise_to(out, KT_HUNT_YES);
    } else if (ev->scan_verdict == KT_VERDICT_INVESTIGATE || ev->suspicious_uses > 0) {
        raise_to(out, KT_HUNT_LIKELY);
    }
    finding_reasons(ev, out);
    if (ev->first_use_suspicious && ev->how == KT_HUNT_GIVEN) {
        reason(out, "no use before the other party's in these logs: the key was judged by the "
                    "baseline-free rules");
    }
    if (ev->cp != NULL && ev->cp->confidence >= KT_HUNT_CONF_MEDIUM) {
        char sig[160];
        kt_hunt_signal_names(ev->cp->signals, sig, sizeof(sig));
        raise_to(out, ev->cp->confidence == KT_HUNT_CONF_HIGH ? KT_HUNT_LIKELY : out->verdict);
        reason(out, "its use changed (%s confidence)%s%s",
               kt_hunt_confidence_name(ev->cp->confidence), sig[0] ? ": " : "", sig);
    }
    if (ev->diff != NULL && ev->diff->novel_uses > 0 && ev->diff->before.uses > 0) {
        /* Sources the owner never used, after the leak: someone else, unless nothing else
         * points that way (a new office, a new CI runner). */
        if (ev->suspicious_uses > 0 || ev->diff->n_clients > 0) {
            raise_to(out, KT_HUNT_LIKELY);
        }
        reason(out,
               "%llu uses after the leak from sources not seen before it (%zu new "
               "addresses, %zu new agents)",
               (unsigned long long)ev->diff->novel_uses, ev->diff->n_ips, ev->diff->n_clients);
    }
    if (out->n_reasons == 0) {
        reason(out, ev->n_uses == 0 ? "no use of the key in these logs"
                                    : "nothing in its uses points to someone else");
    }
}

int64_t kt_hunt_leak_time(int64_t leaked_ms, enum kt_hunt_how how, int64_t found_ms,
                          const struct kt_hunt_changepoint *cp, bool first_use_suspicious,
                          int64_t first_ms, enum kt_hunt_leak_source *source)
{
    /* --leaked-at names the responder's keys; a key the other party made was theirs from its
     * creation on. */
    if (how != KT_HUNT_GIVEN && found_ms != KT_TIME_NONE) {
        *source = KT_HUNT_LEAK_CREATED;
        return found_ms;
    }
    if (leaked_ms != KT_TIME_NONE) {
        *source = KT_HUNT_LEAK_GIVEN;
        return leaked_ms;
    }
    if (cp != NULL) {
        *source = KT_HUNT_LEAK_CHANGEPOINT;
        return cp->time_ms;
    }
    if (first_use_suspicious && first_ms != KT_TIME_NONE) {
        *source = KT_HUNT_LEAK_FIRST_USE;
        return first_ms;
    }
    *source = KT_HUNT_LEAK_NONE;
    return KT_TIME_NONE;
}
