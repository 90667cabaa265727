/*
 * One key of a state file (keystate_io.h).
 *
 * Finding extras name their number with a static string ("speed_kmh"); names read back are
 * interned in a small static pool, so restored findings hold static names too, and a name the
 * pool cannot take drops that extra rather than the finding.
 */
#include "keystate_io.h"

#include <math.h>

#include <keytrail/detector.h>

#include "redact.h"

#define EXTRA_NAMES 64
#define EXTRA_NAME_MAX 32

static char extra_pool[EXTRA_NAMES][EXTRA_NAME_MAX];
static size_t extra_used;

static const char *intern_extra(const char *name)
{
    for (size_t i = 0; i < extra_used; i++) {
        if (strcmp(extra_pool[i], name) == 0) {
            return extra_pool[i];
        }
    }
    if (extra_used == EXTRA_NAMES || strlen(name) >= EXTRA_NAME_MAX) {
        return NULL;
    }
    memcpy(extra_pool[extra_used], name, strlen(name) + 1);
    return extra_pool[extra_used++];
}

/* A text field, redacted as every output is. */
static void w_text(struct kt_wbytes *w, const char *s, size_t max)
{
    char shown[KT_FINDING_REASON + 64];
    kt_redact_text(kt_str_make(s, strnlen(s, max)), shown, sizeof(shown));
    kt_wb_str(w, shown, KT_MIN(max, sizeof(shown)));
}

static void w_finding(struct kt_wbytes *w, const struct kt_finding *f)
{
    kt_wb_str(w, f->detector, 64);
    kt_wb_u8(w, (uint8_t)f->severity);
    kt_wb_u8(w, (uint8_t)KT_MAX(0, KT_MIN(f->score, 100)));
    kt_wb_zz(w, f->time_ms);
    w_text(w, f->value, sizeof(f->value));
    w_text(w, f->reason, sizeof(f->reason));
    w_text(w, f->ip, sizeof(f->ip));
    kt_wb_str(w, f->country, sizeof(f->country));
    kt_wb_var(w, f->asn);
    unsigned n_extra = KT_MIN(f->n_extra, (unsigned)KT_FINDING_EXTRA);
    kt_wb_u8(w, (uint8_t)n_extra);
    for (unsigned i = 0; i < n_extra; i++) {
        kt_wb_str(w, f->extra[i].name, EXTRA_NAME_MAX - 1);
        kt_wb_f64(w, f->extra[i].value);
    }
    kt_wb_var(w, f->count);
    kt_wb_var(w, f->accepted);
    kt_wb_zz(w, f->last_ms);
}

void kt_keystate_write(struct kt_wbytes *w, const struct kt_engine *e, const struct kt_keystate *ks,
                       size_t det_size)
{
    kt_wb_bytes(w, ks->key.b, KT_KEYID_BYTES);
    kt_wb_u8(w, (uint8_t)ks->family);
    kt_wb_var(w, ks->flags);
    w_text(w, ks->kind, sizeof(ks->kind));
    w_text(w, ks->hint, sizeof(ks->hint));
    w_text(w, ks->account, sizeof(ks->account));
    kt_wb_zz(w, ks->first_ms);
    kt_wb_zz(w, ks->last_ms);
    kt_wb_var(w, ks->events);
    kt_wb_var(w, ks->quarantined);
    kt_wb_var(w, ks->dropped_findings);

    const struct kt_move *m = &ks->move;
    kt_wb_zz(w, m->since_ms);
    kt_wb_zz(w, m->old_last_ms);
    kt_wb_zz(w, m->new_last_ms);
    kt_wb_var(w, m->asn);
    kt_wb_var(w, m->old_asn);
    kt_wb_var(w, m->before_events);
    kt_wb_var(w, m->before_days);
    kt_wb_var(w, m->new_events);
    kt_wb_zz(w, m->new_last_day);
    kt_wb_var(w, m->new_days);
    kt_wb_bytes(w, m->country, 2);
    kt_wb_bytes(w, m->old_country, 2);
    kt_wb_u8(w, m->by_country);
    kt_wb_u8(w, m->spoiled);

    kt_wb_zz(w, ks->last_day);
    size_t used = 0;
    for (size_t i = 0; i < KT_REPORT_DAYS; i++) {
        used += ks->days[i] != 0;
    }
    kt_wb_var(w, used);
    for (size_t i = 0; i < KT_REPORT_DAYS; i++) {
        if (ks->days[i] != 0) {
            kt_wb_u8(w, (uint8_t)i);
            kt_wb_var(w, ks->days[i]);
        }
    }

    const struct kt_recent *r = &ks->recent;
    kt_wb_zz(w, r->win_start_ms);
    kt_wb_u8(w, r->n_ops);
    for (size_t i = 0; i < KT_MIN((size_t)r->n_ops, (size_t)KT_RECENT_OPS); i++) {
        kt_wb_le(w, r->ops[i], 4);
    }
    kt_wb_u8(w, r->origin);
    kt_wb_u8(w, r->whoami);
    kt_wb_var(w, r->denied);
    kt_wb_var(w, r->secret_reads);

    uint8_t bl[KT_BASELINE_MAX_BYTES];
    size_t bl_len = kt_baseline_serialize(&ks->base, bl, sizeof(bl));
    kt_wb_var(w, bl_len);
    kt_wb_bytes(w, bl, bl_len);

    if (ks->det_state != NULL && det_size > 0) {
        kt_wb_var(w, det_size);
        kt_wb_bytes(w, ks->det_state, det_size);
    } else {
        kt_wb_var(w, 0);
    }

    kt_wb_var(w, ks->n_findings);
    for (size_t i = 0; i < ks->n_findings; i++) {
        w_finding(w, kt_engine_key_finding(e, ks, i));
    }

    kt_wb_u8(w, ks->other != NULL);
    if (ks->other != NULL) {
        kt_footprint_write(w, ks->other);
    }
}

static bool text_ok(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return false;
        }
    }
    return true;
}

static bool country_ok(const char *c)
{
    return (c[0] == '\0' && c[1] == '\0') ||
           (c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z');
}

/* Reads one finding; returns false (r still ok) when its detector is unknown. */
static bool r_finding(struct kt_rbytes *r, struct kt_finding *f)
{
    memset(f, 0, sizeof(*f));
    char det[64];
    kt_rb_str(r, det, sizeof(det));
    uint8_t sev = kt_rb_u8(r);
    f->severity = (enum kt_severity)sev;
    f->score = kt_rb_u8(r);
    f->time_ms = kt_rb_zz(r);
    kt_rb_str(r, f->value, sizeof(f->value));
    kt_rb_str(r, f->reason, sizeof(f->reason));
    kt_rb_str(r, f->ip, sizeof(f->ip));
    kt_rb_str(r, f->country, sizeof(f->country));
    f->asn = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    unsigned n_extra = kt_rb_u8(r);
    kt_rb_need(r, n_extra <= KT_FINDING_EXTRA && sev <= KT_SEV_CRITICAL && f->score <= 100);
    for (unsigned i = 0; i < n_extra && r->ok; i++) {
        char name[EXTRA_NAME_MAX];
        kt_rb_str(r, name, sizeof(name));
        double v = kt_rb_f64(r);
        kt_rb_need(r, isfinite(v) && name[0] != '\0' && text_ok(name));
        const char *interned = r->ok ? intern_extra(name) : NULL;
        if (interned != NULL) {
            f->extra[f->n_extra].name = interned;
            f->extra[f->n_extra].value = v;
            f->n_extra++;
        }
    }
    f->count = kt_rb_var(r);
    f->accepted = kt_rb_var(r);
    f->last_ms = kt_rb_zz(r);
    kt_rb_need(r, f->count >= 1 && f->accepted <= f->count && f->value[0] != '\0' &&
                      text_ok(f->value) && text_ok(f->reason) && text_ok(f->ip) &&
                      (f->country[0] == '\0' || (strlen(f->country) == 2 && country_ok(f->country))));
    const struct kt_detector *d = r->ok ? kt_detector_find(det) : NULL;
    if (d == NULL) {
        return false;
    }
    f->detector = d->name;
    return true;
}

enum kt_rc kt_keystate_read(struct kt_rbytes *r, uint32_t version, struct kt_keystate *ks,
                            struct kt_finding *findings, size_t *n_findings,
                            const uint8_t **det, size_t *det_len, uint64_t *unknown,
                            struct kt_footprint *other)
{
    memset(ks, 0, sizeof(*ks));
    *n_findings = 0;
    *det = NULL;
    *det_len = 0;
    kt_rb_bytes(r, ks->key.b, KT_KEYID_BYTES);
    uint8_t fam = kt_rb_u8(r);
    ks->family = (enum kt_family)fam;
    ks->flags = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    kt_rb_str(r, ks->kind, sizeof(ks->kind));
    kt_rb_str(r, ks->hint, sizeof(ks->hint));
    kt_rb_str(r, ks->account, sizeof(ks->account));
    kt_rb_need(r, fam < KT_FAM__COUNT && (ks->flags & ~(uint32_t)KT_CRED_FLAG_ALL) == 0 &&
                      text_ok(ks->kind) && text_ok(ks->hint) && text_ok(ks->account));
    ks->first_ms = kt_rb_zz(r);
    ks->last_ms = kt_rb_zz(r);
    ks->events = kt_rb_var(r);
    ks->quarantined = kt_rb_var(r);
    ks->dropped_findings = (uint16_t)kt_rb_var_max(r, UINT16_MAX);
    /* No use at all, or a first use no later than the last. */
    kt_rb_need(r, (ks->first_ms == INT64_MAX && ks->last_ms == INT64_MIN) ||
                      ks->first_ms <= ks->last_ms);
    kt_rb_need(r, ks->quarantined <= ks->events);

    struct kt_move *m = &ks->move;
    m->since_ms = kt_rb_zz(r);
    m->old_last_ms = kt_rb_zz(r);
    m->new_last_ms = kt_rb_zz(r);
    m->asn = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    m->old_asn = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    m->before_events = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    m->before_days = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    m->new_events = (uint32_t)kt_rb_var_max(r, UINT32_MAX);
    int64_t nld = kt_rb_zz(r);
    kt_rb_need(r, nld >= INT32_MIN && nld <= INT32_MAX);
    m->new_last_day = (int32_t)nld;
    m->new_days = (uint16_t)kt_rb_var_max(r, UINT16_MAX);
    kt_rb_bytes(r, m->country, 2);
    kt_rb_bytes(r, m->old_country, 2);
    m->by_country = kt_rb_u8(r);
    m->spoiled = kt_rb_u8(r);
    kt_rb_need(r, m->by_country <= 1 && (m->spoiled & ~15u) == 0 && country_ok(m->country) &&
                      country_ok(m->old_country));

    int64_t last_day = kt_rb_zz(r);
    kt_rb_need(r, last_day >= INT32_MIN && last_day <= INT32_MAX);
    ks->last_day = (int32_t)last_day;
    size_t used = (size_t)kt_rb_var_max(r, KT_REPORT_DAYS);
    for (size_t i = 0; i < used && r->ok; i++) {
        uint8_t at = kt_rb_u8(r);
        uint64_t v = kt_rb_var_max(r, UINT16_MAX);
        if (kt_rb_need(r, at < KT_REPORT_DAYS && v > 0 && ks->days[at] == 0 &&
                              ks->last_day != INT32_MIN)) {
            ks->days[at] = (uint16_t)v;
        }
    }

    struct kt_recent *rc = &ks->recent;
    rc->win_start_ms = kt_rb_zz(r);
    rc->n_ops = kt_rb_u8(r);
    for (size_t i = 0; i < KT_MIN((size_t)rc->n_ops, (size_t)KT_RECENT_OPS) && r->ok; i++) {
        rc->ops[i] = (uint32_t)kt_rb_le(r, 4);
    }
    rc->origin = kt_rb_u8(r);
    rc->whoami = kt_rb_u8(r);
    rc->denied = (uint16_t)kt_rb_var_max(r, UINT16_MAX);
    rc->secret_reads = (uint16_t)kt_rb_var_max(r, UINT16_MAX);
    kt_rb_need(r, rc->origin <= KT_ORIGIN_OTHER && rc->whoami <= 1);

    size_t bl_len = (size_t)kt_rb_var_max(r, KT_BASELINE_MAX_BYTES);
    const uint8_t *bl = kt_rb_take(r, bl_len);
    if (r->ok && kt_baseline_deserialize(&ks->base, bl, bl_len) != KT_OK) {
        r->ok = false;
    }

    size_t dl = (size_t)kt_rb_var_max(r, KT_DET_STATE_MAX);
    const uint8_t *dp = kt_rb_take(r, dl);
    if (r->ok && dl > 0) {
        *det = dp;
        *det_len = dl;
    }

    size_t nf = (size_t)kt_rb_var_max(r, KT_KEY_FINDINGS);
    for (size_t i = 0; i < nf && r->ok; i++) {
        if (r_finding(r, &findings[*n_findings])) {
            findings[*n_findings].key = ks->key;
            (*n_findings)++;
        } else if (r->ok) {
            (*unknown)++;
        }
    }

    /* Version 1 kept no footprint: such a key's quarantined uses are only counted. */
    if (version >= 2) {
        uint8_t has_other = kt_rb_u8(r);
        kt_rb_need(r, has_other <= 1);
        if (r->ok && has_other && kt_footprint_read(r, other)) {
            kt_rb_need(r, other->events <= ks->quarantined);
            ks->other = r->ok ? other : NULL;
        }
    }
    return r->ok ? KT_OK : KT_EPARSE;
}
