/*
 * The other party's footprint (footprint.h): fixed arrays of counted names, searched linearly
 * (a set holds at most 12), filled in order of first use.
 *
 * Record (inside a key record of a state file; integers are varints):
 *   zz first_ms, zz last_ms, events, errors, KT_FP__SETS x more,
 *   then per set in enum order: u8 n, n x { name (short string), count }
 */
#include "footprint.h"

#include <inttypes.h>
#include <stdio.h>

#include <keytrail/credential.h>
#include <keytrail/detector.h>

#include "ipaddr.h"

static const size_t set_cap[KT_FP__SETS] = {KT_FP_ADDRS, KT_FP_ASNS, KT_FP_COUNTRIES, KT_FP_AGENTS,
                                            KT_FP_OPS};

static size_t set_start(enum kt_fp_set s)
{
    size_t at = 0;
    for (int i = 0; i < (int)s; i++) {
        at += set_cap[i];
    }
    return at;
}

void kt_footprint_init(struct kt_footprint *fp)
{
    memset(fp, 0, sizeof(*fp));
    fp->first_ms = KT_TIME_NONE;
    fp->last_ms = KT_TIME_NONE;
}

const struct kt_fp_name *kt_footprint_set(const struct kt_footprint *fp, enum kt_fp_set s,
                                          size_t *n)
{
    *n = set_cap[s];
    return &fp->slots[set_start(s)];
}

static struct kt_fp_name *set_of(struct kt_footprint *fp, enum kt_fp_set s)
{
    return &fp->slots[set_start(s)];
}

static uint32_t add_count(uint32_t a, uint64_t b)
{
    return (uint32_t)KT_MIN((uint64_t)a + b, (uint64_t)UINT32_MAX);
}

/* Counts name (already redacted) in set s, by n uses. */
static void add_name(struct kt_footprint *fp, enum kt_fp_set s, const char *name, uint64_t n)
{
    if (name[0] == '\0' || n == 0) {
        return;
    }
    struct kt_fp_name *set = set_of(fp, s);
    for (size_t i = 0; i < set_cap[s]; i++) {
        if (set[i].count == 0) {
            kt_str_copy(set[i].name, sizeof(set[i].name), kt_str_cstr(name));
            set[i].count = add_count(0, n);
            return;
        }
        if (strcmp(set[i].name, name) == 0) {
            set[i].count = add_count(set[i].count, n);
            return;
        }
    }
    fp->more[s] += n;
}

/* Redacts text into a name. */
static void redacted(struct kt_str text, char out[KT_FP_NAME])
{
    out[0] = '\0';
    if (text.len > 0) {
        kt_cred_redact(text, out, KT_FP_NAME);
    }
}

static void widen(struct kt_footprint *fp, int64_t first, int64_t last)
{
    if (first != KT_TIME_NONE) {
        fp->first_ms = fp->first_ms == KT_TIME_NONE ? first : KT_MIN(fp->first_ms, first);
    }
    if (last != KT_TIME_NONE) {
        fp->last_ms = fp->last_ms == KT_TIME_NONE ? last : KT_MAX(fp->last_ms, last);
    }
}

void kt_footprint_learn(struct kt_footprint *fp, const struct kt_obs *o)
{
    const struct kt_event *ev = o->ev;
    char name[KT_FP_NAME];
    fp->events++;
    fp->errors += kt_obs_is_error(o);
    if (o->timed) {
        widen(fp, o->time_ms, o->time_ms);
    }
    if (o->addr_ids != KT_OBS_ADDR_NONE) {
        redacted(kt_ip_clean(ev->ip), name);
        add_name(fp, KT_FP_ADDR, name, 1);
    }
    if (o->geo.asn != 0) {
        char as[KT_FP_NAME + 16];
        snprintf(as, sizeof(as), "AS%" PRIu32 "%s%s", o->geo.asn, o->geo.as_org[0] ? " " : "",
                 o->geo.as_org);
        redacted(kt_str_cstr(as), name);
        add_name(fp, KT_FP_ASN, name, 1);
    }
    if (o->geo.country[0] != '\0') {
        char cc[3] = {o->geo.country[0], o->geo.country[1], '\0'};
        add_name(fp, KT_FP_COUNTRY, cc, 1);
    }
    if (ev->user_agent.len > 0) {
        kt_fmt_agent_name(ev->user_agent, name, sizeof(name));
        add_name(fp, KT_FP_AGENT, name, 1);
    }
    if (o->op.len > 0) {
        kt_baseline_op_display(ev, o->op, name, sizeof(name));
        add_name(fp, KT_FP_OP, name, 1);
    }
}

void kt_footprint_merge(struct kt_footprint *dst, const struct kt_footprint *src)
{
    dst->events += src->events;
    dst->errors += src->errors;
    widen(dst, src->first_ms, src->last_ms);
    for (int s = 0; s < KT_FP__SETS; s++) {
        dst->more[s] += src->more[s];
        size_t n;
        const struct kt_fp_name *set = kt_footprint_set(src, (enum kt_fp_set)s, &n);
        for (size_t i = 0; i < n; i++) {
            add_name(dst, (enum kt_fp_set)s, set[i].name, set[i].count);
        }
    }
}

void kt_footprint_write(struct kt_wbytes *w, const struct kt_footprint *fp)
{
    kt_wb_zz(w, fp->first_ms);
    kt_wb_zz(w, fp->last_ms);
    kt_wb_var(w, fp->events);
    kt_wb_var(w, fp->errors);
    for (int s = 0; s < KT_FP__SETS; s++) {
        kt_wb_var(w, fp->more[s]);
    }
    for (int s = 0; s < KT_FP__SETS; s++) {
        size_t n, used = 0;
        const struct kt_fp_name *set = kt_footprint_set(fp, (enum kt_fp_set)s, &n);
        while (used < n && set[used].count > 0) {
            used++;
        }
        kt_wb_u8(w, (uint8_t)used);
        for (size_t i = 0; i < used; i++) {
            kt_wb_str(w, set[i].name, sizeof(set[i].name) - 1);
            kt_wb_var(w, set[i].count);
        }
    }
}

static bool name_ok(const char *s)
{
    if (s[0] == '\0') {
        return false;
    }
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f) {
            return false;
        }
    }
    return true;
}

bool kt_footprint_read(struct kt_rbytes *r, struct kt_footprint *fp)
{
    kt_footprint_init(fp);
    fp->first_ms = kt_rb_zz(r);
    fp->last_ms = kt_rb_zz(r);
    fp->events = kt_rb_var(r);
    fp->errors = kt_rb_var(r);
    kt_rb_need(r, fp->events > 0 && fp->errors <= fp->events &&
                      (fp->first_ms == KT_TIME_NONE) == (fp->last_ms == KT_TIME_NONE) &&
                      fp->first_ms <= fp->last_ms);
    for (int s = 0; s < KT_FP__SETS; s++) {
        fp->more[s] = kt_rb_var_max(r, fp->events);
    }
    for (int s = 0; s < KT_FP__SETS && r->ok; s++) {
        size_t cap = set_cap[s];
        struct kt_fp_name *set = set_of(fp, (enum kt_fp_set)s);
        size_t used = kt_rb_u8(r);
        kt_rb_need(r, used <= cap);
        for (size_t i = 0; i < used && r->ok; i++) {
            kt_rb_str(r, set[i].name, sizeof(set[i].name));
            uint64_t count = kt_rb_var_max(r, UINT32_MAX);
            bool repeated = false;
            for (size_t j = 0; j < i; j++) {
                repeated |= strcmp(set[j].name, set[i].name) == 0;
            }
            if (kt_rb_need(r,
                           count > 0 && count <= fp->events && !repeated && name_ok(set[i].name))) {
                set[i].count = (uint32_t)count;
            }
        }
    }
    return r->ok;
}
