/*
 * The alert stream (alerts.h) and severity names (finding.h).
 *
 * One finding becomes one line of JSON, written through the project's streaming writer so that
 * escaping (and U+FFFD for invalid UTF-8) is the same as everywhere else. The member order is
 * fixed: people grep these lines and tests compare them byte for byte. Every string comes from
 * the finding or the key's hint; nothing here can see a raw token.
 */
#include "alerts.h"

#include "timefmt.h"

static const char *const severity_names[] = {
    [KT_SEV_LOW] = "low",
    [KT_SEV_MEDIUM] = "medium",
    [KT_SEV_HIGH] = "high",
    [KT_SEV_CRITICAL] = "critical",
};

const char *kt_severity_name(enum kt_severity sev)
{
    if ((unsigned)sev >= KT_ARRAY_LEN(severity_names)) {
        return "unknown";
    }
    return severity_names[sev];
}

bool kt_severity_from_name(const char *name, enum kt_severity *out)
{
    if (name == NULL) {
        return false;
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(severity_names); i++) {
        if (kt_str_eq_nocase(kt_str_cstr(name), kt_str_cstr(severity_names[i]))) {
            if (out != NULL) {
                *out = (enum kt_severity)i;
            }
            return true;
        }
    }
    return false;
}

/* A string member, null when the field is empty. */
static void put_opt(struct kt_jw *w, const char *key, struct kt_str s)
{
    kt_jw_key(w, key);
    if (s.len == 0) {
        kt_jw_null(w);
    } else {
        kt_jw_str(w, s);
    }
}

void kt_alert_write(struct kt_jw *w, const struct kt_finding *f, enum kt_family family,
                    const char *hint)
{
    if (w == NULL || f == NULL) {
        return;
    }
    char t[KT_TIME_STRLEN];
    char id[KT_KEYID_STRLEN + 1];
    kt_time_format(f->time_ms, t);
    kt_keyid_format(&f->key, id);

    kt_jw_object_begin(w);
    put_opt(w, "time", kt_str_cstr(t));
    kt_jw_kcstr(w, "key", id);
    kt_jw_kcstr(w, "family", kt_family_name(family));
    kt_jw_key(w, "hint");
    if (hint == NULL) {
        kt_jw_null(w);
    } else {
        kt_jw_str(w, kt_str_make(hint, kt_rep_strlen(hint, KT_HINT_MAX)));
    }
    kt_jw_kcstr(w, "detector", f->detector);
    kt_jw_kcstr(w, "severity", kt_severity_name(f->severity));
    kt_jw_kint(w, "score", f->score);
    put_opt(w, "ip", KT_REP_FIELD(f->ip));
    put_opt(w, "country", KT_REP_FIELD(f->country));
    if (f->asn != 0) {
        kt_jw_kint(w, "asn", f->asn);
    }
    kt_jw_kstr(w, "value", KT_REP_FIELD(f->value));
    kt_jw_kstr(w, "reason", KT_REP_FIELD(f->reason));
    for (unsigned i = 0; i < KT_MIN(f->n_extra, KT_FINDING_EXTRA); i++) {
        if (kt_rep_extra_ok(f, i)) {
            kt_jw_key(w, f->extra[i].name);
            kt_rep_jw_number(w, f->extra[i].value);
        }
    }
    kt_jw_object_end(w);
    kt_jw_newline(w);
}
