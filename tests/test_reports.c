/*
 * Report renderers (JSON, Markdown, HTML), their registry and the alert stream.
 *
 * Models are built in memory: a small one with every verdict, flags, accounts, findings with
 * extras and timelines; an empty one; a hostile one whose every string tries to break out of
 * its context (tags, attribute quotes, Markdown tables and headings, invalid UTF-8, control
 * characters, fields without their NUL); and one of 10 000 keys for size and time. Each format
 * is rendered into memory and checked by a reader that does not share the renderer's code:
 * json-c for JSON, a small tag walker for HTML, line scans for Markdown.
 *
 * Run as `test_reports --render OUT` it writes a demonstration report (format by OUT's
 * extension) and exits; tests/e2e/html_browser.sh opens that page in a headless browser.
 */
#include "testutil.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keytrail/report.h>

#include "../reports/alerts.h"
#include "timefmt.h"

#define T0 1790000000000LL /* 2026-09-21T14:13:20Z, day 20717 */
#define DAY_MS 86400000LL
#define DAY0 20717

/* ---- model building ----------------------------------------------------------------------- */

struct tmodel {
    struct kt_report r;
    struct kt_report_key *keys;
    struct kt_finding *fstore;
    const struct kt_finding **fptrs;
    size_t cap_keys, cap_findings, n_findings;
};

static void tm_init(struct tmodel *m, size_t cap_keys, size_t cap_findings)
{
    memset(m, 0, sizeof(*m));
    m->cap_keys = cap_keys;
    m->cap_findings = cap_findings;
    m->keys = calloc(cap_keys ? cap_keys : 1, sizeof(*m->keys));
    m->fstore = calloc(cap_findings ? cap_findings : 1, sizeof(*m->fstore));
    m->fptrs = calloc(cap_findings ? cap_findings : 1, sizeof(*m->fptrs));
    assert_non_null(m->keys);
    assert_non_null(m->fstore);
    assert_non_null(m->fptrs);
    m->r.keys = m->keys;
    m->r.from_ms = T0 - 29 * DAY_MS;
    m->r.to_ms = T0;
    m->r.geo = "GeoLite2-City 2026-09-17 (samples)";
    m->r.version = "test";
}

static void tm_fini(struct tmodel *m)
{
    free(m->keys);
    free(m->fstore);
    free(m->fptrs);
}

static void set_id(struct kt_keyid *id, uint32_t n)
{
    for (size_t i = 0; i < KT_KEYID_BYTES; i++) {
        id->b[i] = (uint8_t)((n * 2654435761u) >> ((i % 4) * 8)) ^ (uint8_t)(i * 17);
    }
    id->b[0] = (uint8_t)(n >> 24);
    id->b[1] = (uint8_t)(n >> 16);
    id->b[2] = (uint8_t)(n >> 8);
    id->b[3] = (uint8_t)n;
}

static void set_count(struct kt_report_count *c, const char *name, uint64_t count)
{
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->count = count;
}

static struct kt_report_key *tm_key(struct tmodel *m, uint32_t idn, enum kt_verdict v, int risk,
                                    enum kt_family fam, const char *kind, const char *hint)
{
    assert_true(m->r.n_keys < m->cap_keys);
    struct kt_report_key *k = &m->keys[m->r.n_keys++];
    memset(k, 0, sizeof(*k));
    set_id(&k->key, idn);
    k->family = fam;
    snprintf(k->kind, sizeof(k->kind), "%s", kind);
    snprintf(k->hint, sizeof(k->hint), "%s", hint);
    k->verdict = v;
    k->risk = risk;
    k->first_ms = T0 - 29 * DAY_MS;
    k->last_ms = T0;
    k->events = 1000 + idn;
    k->errors = idn % 7;
    k->ips = 3;
    m->r.totals.keys++;
    if (v == KT_VERDICT_ROTATE) {
        m->r.totals.rotate++;
    } else if (v == KT_VERDICT_INVESTIGATE) {
        m->r.totals.investigate++;
    } else {
        m->r.totals.ok++;
    }
    return k;
}

/* Adds a finding to k, which must be the last key added. */
static struct kt_finding *tm_finding(struct tmodel *m, struct kt_report_key *k,
                                     const char *detector, enum kt_severity sev, int score,
                                     const char *value, const char *reason)
{
    assert_true(m->n_findings < m->cap_findings);
    assert_true(k == &m->keys[m->r.n_keys - 1]);
    struct kt_finding *f = &m->fstore[m->n_findings];
    memset(f, 0, sizeof(*f));
    f->detector = detector;
    f->severity = sev;
    f->score = score;
    f->key = k->key;
    f->time_ms = T0 - 2 * DAY_MS;
    f->last_ms = T0;
    f->count = 1;
    snprintf(f->value, sizeof(f->value), "%s", value);
    snprintf(f->reason, sizeof(f->reason), "%s", reason);
    if (k->n_findings == 0) {
        k->findings = &m->fptrs[m->n_findings];
    }
    m->fptrs[m->n_findings++] = f;
    k->n_findings++;
    m->r.totals.findings++;
    return f;
}

static void set_days(struct kt_report_key *k, size_t n, uint32_t base)
{
    k->day0 = DAY0 - (int32_t)n + 1;
    k->n_days = n;
    for (size_t i = 0; i < n; i++) {
        k->days[i] = (i % 5 == 3) ? 0 : base + (uint32_t)(i * 7 % 23);
    }
}

/* Seven keys: every verdict, flags, account, extras, ties broken by key id. */
static void build_basic(struct tmodel *m)
{
    tm_init(m, 16, 16);
    m->r.totals.files = 12;
    m->r.totals.damaged_files = 1;
    m->r.totals.records = 98765;
    m->r.totals.events = 90000;
    m->r.totals.malformed = 17;
    m->r.totals.alerts = 5;

    /* Out of report order on purpose: renderers sort. */
    struct kt_report_key *k;
    struct kt_finding *f;

    k = tm_key(m, 50, KT_VERDICT_INVESTIGATE, 55, KT_FAM_STRIPE, "sk_live", "sk_live_…9f3Q");
    set_count(&k->countries[0], "US", 800);
    k->n_countries = 1;
    set_days(k, 10, 3);
    f = tm_finding(m, k, "new_agent", KT_SEV_MEDIUM, 45, "Go-http-client/1.1",
                   "first use of agent Go-http-client/1.1 after 900 requests with curl");
    f->time_ms = T0 - 5 * DAY_MS + 1234;
    f->last_ms = T0 - 5 * DAY_MS + 1234;

    k = tm_key(m, 10, KT_VERDICT_ROTATE, 92, KT_FAM_GITHUB, "ghp", "ghp_…Ab12");
    k->flags = KT_CRED_CHECKSUM_OK;
    k->ips = 14;
    set_count(&k->countries[0], "DE", 1200);
    set_count(&k->countries[1], "RU", 40);
    k->n_countries = 2;
    set_count(&k->asns[0], "AS3320 Deutsche Telekom AG", 1200);
    set_count(&k->asns[1], "AS9009 M247 Europe SRL", 40);
    k->n_asns = 2;
    set_count(&k->agents[0], "python-requests/2.31.0", 1200);
    set_count(&k->agents[1], "curl/8.4.0", 40);
    k->n_agents = 2;
    set_days(k, 30, 40);
    f = tm_finding(m, k, "new_country", KT_SEV_CRITICAL, 90, "RU",
                   "first use from RU (AS9009) after 41 days and 12 840 requests from DE");
    snprintf(f->ip, sizeof(f->ip), "203.0.113.9");
    snprintf(f->country, sizeof(f->country), "RU");
    f->asn = 9009;
    f->count = 3;
    f->extra[0] = (struct kt_finding_extra){"days_quiet", 41};
    f->extra[1] = (struct kt_finding_extra){"share", 0.25};
    f->n_extra = 2;
    f = tm_finding(m, k, "impossible_travel", KT_SEV_HIGH, 80, "DE->RU", "DE to RU in 12 minutes");
    snprintf(f->ip, sizeof(f->ip), "2001:db8::7");
    f->extra[0] = (struct kt_finding_extra){"speed_kmh", 4210.5};
    f->extra[1] = (struct kt_finding_extra){"km", 1610};
    f->extra[2] = (struct kt_finding_extra){"minutes", 12};
    f->n_extra = 3;
    f->time_ms = T0 - 1 * DAY_MS;
    f->last_ms = T0 - 1 * DAY_MS;

    k = tm_key(m, 20, KT_VERDICT_ROTATE, 80, KT_FAM_AWS, "AKIA", "AKIAIOSFODNN7EXAMPLE");
    snprintf(k->account, sizeof(k->account), "123456789012");
    k->flags = KT_CRED_TEMPORARY | KT_CRED_TEST;
    set_days(k, 90, 1);
    f = tm_finding(m, k, "leaked_key", KT_SEV_CRITICAL, 95, "leaked",
                   "used 14 times after the leak time");
    f->count = 14;

    k = tm_key(m, 40, KT_VERDICT_INVESTIGATE, 40, KT_FAM_JWT, "bearer", "jwt iss=auth sub=svc-7");
    k->flags = KT_CRED_ALG_NONE | KT_CRED_JWT_BY_TOKEN;
    k->ips = 1;
    set_days(k, 1, 9);
    tm_finding(m, k, "jwt_validity", KT_SEV_HIGH, 70, "alg=none", "unsigned token accepted");

    k = tm_key(m, 60, KT_VERDICT_OK, 5, KT_FAM_SLACK, "xoxb", "xoxb-…77Qa");
    set_count(&k->countries[0], "FR", 10);
    set_count(&k->countries[1], "BE", 2);
    k->n_countries = 2;
    set_days(k, 3, 2);
    tm_finding(m, k, "rate_spike", KT_SEV_LOW, 10, "x3", "3 times the usual hourly rate");

    /* Two ok keys with equal risk: ordered by key id (71 before 72 in its first bytes). */
    k = tm_key(m, 72, KT_VERDICT_OK, 0, KT_FAM_GENERIC, "generic", "a1b2…c3d4");
    k->first_ms = KT_TIME_NONE;
    k->last_ms = KT_TIME_NONE;
    k = tm_key(m, 71, KT_VERDICT_OK, 0, KT_FAM_GENERIC, "generic", "e5f6…0a0b");
}

/* The order build_basic's keys must come out in (by idn). */
static const uint32_t basic_order[] = {10, 20, 50, 40, 60, 71, 72};

/* Strings that try every escape. Each field also has a variant filling its array with no NUL. */
#define H_SCRIPT "<script>alert(1)</script>"
#define H_ATTR "\"><img src=x onerror=alert(1)>"
#define H_MD "a|b `c` *d* _e_ [f](g) <h> #i ~j~ &amp; !k \\l"
#define H_NL "line one\n# Injected heading\r\n| x | y |"
#define H_BAD "bad\xff\xfe utf8 \xc0\xaf overlong \xed\xa0\x80 surrogate \xf4\x90\x80\x80 end"
#define H_CTL "ctl\x01\x1b[31m\x7f c1\xc2\x85 nbsp\xc2\xa0 quote' ok"
#define H_URL "issuer https://auth.example.net/realms/x"

static void fill_nonul(char *a, size_t n, char c)
{
    memset(a, c, n);
}

static void build_hostile(struct tmodel *m)
{
    tm_init(m, 8, 8);
    m->r.geo = "geo <b>bold</b> | \"db\" \xff";
    m->r.version = "1.0<script>";
    struct kt_report_key *k;
    struct kt_finding *f;

    k = tm_key(m, 1, KT_VERDICT_ROTATE, 99, KT_FAM_GITHUB, H_ATTR, H_SCRIPT);
    snprintf(k->account, sizeof(k->account), "<i>'&\"");
    set_count(&k->countries[0], H_MD, 5);
    set_count(&k->countries[1], H_BAD, 4);
    k->n_countries = 2;
    set_count(&k->asns[0], H_NL, 3);
    k->n_asns = 1;
    set_count(&k->agents[0], H_CTL, 2);
    set_count(&k->agents[1], H_URL, 1);
    k->n_agents = 2;
    set_days(k, 7, 1);
    /* The other party's block, every name hostile, the lists longer than they may be. */
    k->other.events = 40;
    k->other.errors = 7;
    k->other.first_ms = T0 - DAY_MS;
    k->other.last_ms = T0;
    set_count(&k->other.addrs[0], H_SCRIPT, 30);
    set_count(&k->other.addrs[1], H_NL, 2);
    k->other.n_addrs = 1000;
    k->other.more_addrs = 3;
    set_count(&k->other.asns[0], H_ATTR, 40);
    k->other.n_asns = 1;
    set_count(&k->other.countries[0], H_BAD, 40);
    k->other.n_countries = 1;
    set_count(&k->other.agents[0], H_CTL, 40);
    k->other.n_agents = 1;
    for (size_t i = 0; i < KT_REPORT_OPS; i++) {
        set_count(&k->other.ops[i], i == 0 ? H_MD : "op", i + 1);
    }
    fill_nonul(k->other.ops[KT_REPORT_OPS - 1].name, sizeof(k->other.ops[0].name), '<');
    k->other.n_ops = 1000;
    k->other.more_ops = 5;
    f = tm_finding(m, k, "det<script>", KT_SEV_CRITICAL, 99, H_ATTR, H_NL);
    snprintf(f->ip, sizeof(f->ip), "%s", H_SCRIPT);
    snprintf(f->country, sizeof(f->country), "<>");
    f->asn = 64501;
    f->extra[0] = (struct kt_finding_extra){"score", 1};      /* collides: left out */
    f->extra[1] = (struct kt_finding_extra){NULL, 2};         /* no name: left out */
    f->extra[2] = (struct kt_finding_extra){"n\"x</b>", NAN}; /* escaped name, null value */
    f->extra[3] = (struct kt_finding_extra){"n\"x</b>", 3};   /* repeated: left out */
    f->n_extra = 9;                                           /* more than the array holds */
    f = tm_finding(m, k, "bad_utf8", KT_SEV_HIGH, 50, H_BAD, H_CTL);
    f->extra[0] = (struct kt_finding_extra){"inf", INFINITY};
    f->n_extra = 1;
    f = tm_finding(m, k, "markdown", KT_SEV_LOW, 1, H_MD, H_MD);
    f = tm_finding(m, k, "nonul", KT_SEV_MEDIUM, 3, "", "");
    fill_nonul(f->value, sizeof(f->value), '<');
    fill_nonul(f->reason, sizeof(f->reason), '|');
    fill_nonul(f->ip, sizeof(f->ip), '"');
    fill_nonul(f->country, sizeof(f->country), '&');

    k = tm_key(m, 2, KT_VERDICT_OK, 1, KT_FAM_GENERIC, "k", H_MD);
    set_count(&k->countries[0], H_NL, 1);
    k->n_countries = 1;
    k = tm_key(m, 3, KT_VERDICT_OK, 0, KT_FAM_GENERIC, "", "");
    fill_nonul(k->hint, sizeof(k->hint), '\'');
    fill_nonul(k->kind, sizeof(k->kind), '>');
    fill_nonul(k->account, sizeof(k->account), '`');
    fill_nonul(k->countries[0].name, sizeof(k->countries[0].name), '*');
    k->n_countries = 1000; /* beyond KT_REPORT_TOP: clamped */
    k = tm_key(m, 4, KT_VERDICT_INVESTIGATE, 30, KT_FAM_JWT, "bearer", H_URL);
    for (size_t i = 0; i < KT_REPORT_DAYS; i++) {
        k->days[i] = (uint32_t)i + 1;
    }
    k->n_days = 5000; /* beyond KT_REPORT_DAYS: clamped */
    k->day0 = DAY0 - 89;
    k->n_findings = 3; /* with a NULL array: no findings */
    k->findings = NULL;
    /* An out-of-range verdict renders as "unknown" and never crashes. */
    k = tm_key(m, 5, (enum kt_verdict)7, 20, (enum kt_family)99, "x", "weird verdict");
}

/* n keys: 1% rotate, 4% investigate, the rest ok; non-ok keys have two findings. */
static void build_big(struct tmodel *m, size_t n)
{
    uint64_t rnd = 42;
    tm_init(m, n, n);
    for (size_t i = 0; i < n; i++) {
        enum kt_verdict v = i % 100 == 0  ? KT_VERDICT_ROTATE
                            : i % 25 == 0 ? KT_VERDICT_INVESTIGATE
                                          : KT_VERDICT_OK;
        int risk = v == KT_VERDICT_ROTATE        ? 70 + (int)(kt_test_rand(&rnd) % 31)
                   : v == KT_VERDICT_INVESTIGATE ? 30 + (int)(kt_test_rand(&rnd) % 40)
                                                 : (int)(kt_test_rand(&rnd) % 20);
        char hint[32];
        snprintf(hint, sizeof(hint), "ghp_…%04zx", i);
        struct kt_report_key *k =
            tm_key(m, (uint32_t)i + 1000, v, risk, KT_FAM_GITHUB, "ghp", hint);
        set_count(&k->countries[0], "US", 100 + i);
        set_count(&k->countries[1], "DE", 10);
        k->n_countries = 2;
        set_count(&k->agents[0], "python-requests/2.31.0", 100 + i);
        k->n_agents = 1;
        set_days(k, 90, (uint32_t)(i % 50));
        if (v != KT_VERDICT_OK) {
            struct kt_finding *f = tm_finding(m, k, "new_country", KT_SEV_HIGH, risk, "RU",
                                              "first use from RU after 41 days");
            snprintf(f->country, sizeof(f->country), "RU");
            f = tm_finding(m, k, "new_agent", KT_SEV_MEDIUM, 40, "curl/8", "new agent curl/8");
            (void)f;
        }
    }
}

/* ---- rendering into memory ---------------------------------------------------------------- */

struct rendered {
    char *buf;
    size_t len;
};

static enum kt_rc render_to(const struct kt_reporter *rep, const struct kt_report *r,
                            struct rendered *out)
{
    struct kt_err err;
    kt_err_clear(&err);
    out->buf = NULL;
    out->len = 0;
    FILE *f = open_memstream(&out->buf, &out->len);
    assert_non_null(f);
    enum kt_rc rc = rep->render(r, f, &err);
    assert_int_equal(fclose(f), 0);
    return rc;
}

static struct rendered render_ok(const char *name, const struct kt_report *r)
{
    struct rendered out;
    char path[64];
    snprintf(path, sizeof(path), "report.%s", name);
    const struct kt_reporter *rep = kt_reporter_for_path(path);
    assert_non_null(rep);
    assert_int_equal(render_to(rep, r, &out), KT_OK);
    assert_non_null(out.buf);
    assert_true(out.len > 0);
    assert_int_equal(strlen(out.buf), out.len); /* no NUL bytes in the output */
    return out;
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + nl, needle)) {
        n++;
    }
    return n;
}

/* Independent UTF-8 validity check (strict: no overlongs, surrogates, > U+10FFFF). */
static bool valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n > len) {
            return false;
        }
        for (size_t j = 1; j < n; j++) {
            if ((p[i + j] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i + j] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += n;
    }
    return true;
}

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            return true;
        }
        if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] < 0xa0) {
            return true;
        }
    }
    return false;
}

/* ---- registry, names, numbers ------------------------------------------------------------- */

static void test_registry(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        const char *want; /* renderer name, NULL for none */
    } cases[] = {
        {"report.json", "json"},
        {"REPORT.JSON", "json"},
        {"/var/tmp/run.d/out.Json", "json"},
        {"r.md", "markdown"},
        {"a/b/c.MARKDOWN", "markdown"},
        {"x.markdown", "markdown"},
        {"r.html", "html"},
        {"r.HTM", "html"},
        {"./dir.v2/index.Html", "html"},
        {"r.txt", NULL},
        {"r.json.gz", NULL},
        {"r.jsonx", NULL},
        {"r.htmlx", NULL},
        {"r.ht", NULL},
        {"r.m", NULL},
        {"json", NULL},
        {".json", NULL},
        {"dir/.md", NULL},
        {"dir.json/report", NULL},
        {"report.", NULL},
        {"", NULL},
        {".", NULL},
        {"r. json", NULL},
        {"r.json ", NULL},
        {"r..md", "markdown"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        const struct kt_reporter *rep = kt_reporter_for_path(cases[i].path);
        if (cases[i].want == NULL) {
            if (rep != NULL) {
                fail_msg("%s: got %s, want none", cases[i].path, rep->name);
            }
        } else {
            if (rep == NULL || strcmp(rep->name, cases[i].want) != 0) {
                fail_msg("%s: got %s, want %s", cases[i].path, rep ? rep->name : "none",
                         cases[i].want);
            }
        }
    }
    assert_null(kt_reporter_for_path(NULL));

    size_t n = 0;
    const struct kt_reporter *const *all = kt_reporters(&n);
    assert_int_equal(n, 3);
    assert_non_null(kt_reporters(NULL));
    const char *names[] = {"json", "markdown", "html"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(all[i]->name, names[i]);
        assert_non_null(all[i]->render);
        assert_true(all[i]->extensions[0] == '.');
    }
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(kt_verdict_name(KT_VERDICT_OK), "ok");
    assert_string_equal(kt_verdict_name(KT_VERDICT_INVESTIGATE), "investigate");
    assert_string_equal(kt_verdict_name(KT_VERDICT_ROTATE), "rotate");
    assert_string_equal(kt_verdict_name((enum kt_verdict)3), "unknown");
    assert_string_equal(kt_verdict_name((enum kt_verdict) - 1), "unknown");

    static const struct {
        const char *name;
        bool ok;
        enum kt_severity sev;
    } sev[] = {
        {"low", true, KT_SEV_LOW},      {"medium", true, KT_SEV_MEDIUM},
        {"high", true, KT_SEV_HIGH},    {"critical", true, KT_SEV_CRITICAL},
        {"HIGH", true, KT_SEV_HIGH},    {"Critical", true, KT_SEV_CRITICAL},
        {"", false, KT_SEV_LOW},        {"hi", false, KT_SEV_LOW},
        {"highest", false, KT_SEV_LOW}, {"urgent", false, KT_SEV_LOW},
        {"low ", false, KT_SEV_LOW},    {"unknown", false, KT_SEV_LOW},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(sev); i++) {
        enum kt_severity got = (enum kt_severity)42;
        bool ok = kt_severity_from_name(sev[i].name, &got);
        assert_int_equal(ok, sev[i].ok);
        if (ok) {
            assert_int_equal(got, sev[i].sev);
            char lower[16];
            size_t j = 0;
            for (; sev[i].name[j] != '\0' && j + 1 < sizeof(lower); j++) {
                lower[j] = kt_ascii_lower(sev[i].name[j]);
            }
            lower[j] = '\0';
            assert_string_equal(kt_severity_name(got), lower);
        } else {
            assert_int_equal(got, 42); /* untouched */
        }
    }
    for (int s = KT_SEV_LOW; s <= KT_SEV_CRITICAL; s++) {
        enum kt_severity back;
        assert_true(kt_severity_from_name(kt_severity_name((enum kt_severity)s), &back));
        assert_int_equal(back, s);
    }
    assert_false(kt_severity_from_name(NULL, NULL));
    assert_string_equal(kt_severity_name((enum kt_severity)4), "unknown");
}

static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        double v;
        const char *want;
        bool finite;
    } cases[] = {
        {0, "0", true},
        {-0.0, "0", true},
        {4210, "4210", true},
        {-3, "-3", true},
        {0.25, "0.25", true},
        {0.1, "0.1", true},
        {4210.5, "4210.5", true},
        {-1.5, "-1.5", true},
        {1.0 / 3.0, "0.3333333333333333", true},
        {1e-7, "1e-07", true},
        {123456.5, "123456.5", true},
        {999999999999999.0, "999999999999999", true},
        {1e15, "1e+15", true},
        {1e300, "1e+300", true},
        {NAN, "null", false},
        {INFINITY, "null", false},
        {-INFINITY, "null", false},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char out[KT_REP_NUMLEN];
        bool finite = kt_rep_number(cases[i].v, out);
        assert_int_equal(finite, cases[i].finite);
        assert_string_equal(out, cases[i].want);
        if (finite) {
            assert_true(strtod(out, NULL) == cases[i].v);
        }
    }
}

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        int64_t ms;
        int64_t day;
        const char *date;
    } cases[] = {
        {0, 0, "1970-01-01"},          {86399999, 0, "1970-01-01"},
        {86400000, 1, "1970-01-02"},   {-1, -1, "1969-12-31"},
        {-86400000, -1, "1969-12-31"}, {-86400001, -2, "1969-12-30"},
        {T0, DAY0, "2026-09-21"},      {951782400000LL, 11016, "2000-02-29"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char d[11];
        assert_int_equal(kt_rep_day_of(cases[i].ms), cases[i].day);
        kt_rep_date(cases[i].day, d);
        assert_string_equal(d, cases[i].date);
    }
}

/* ---- alerts ------------------------------------------------------------------------------- */

/* Renders alerts for findings through a kt_jw on a temporary file; returns the bytes. */
static char *alerts_render(const struct kt_finding *const *f, size_t n, const char *hint,
                           size_t *len)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    struct kt_jw w;
    assert_int_equal(kt_jw_init(&w, fileno(tmp)), KT_OK);
    for (size_t i = 0; i < n; i++) {
        kt_alert_write(&w, f[i], KT_FAM_GITHUB, hint);
    }
    kt_alert_write(&w, NULL, KT_FAM_GITHUB, hint); /* writes nothing */
    kt_alert_write(NULL, f[0], KT_FAM_GITHUB, hint);
    assert_int_equal(kt_jw_fini(&w), KT_OK);
    off_t size = lseek(fileno(tmp), 0, SEEK_END);
    assert_true(size >= 0);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(pread(fileno(tmp), buf, (size_t)size, 0), size);
    buf[size] = '\0';
    fclose(tmp);
    *len = (size_t)size;
    return buf;
}

static void test_alerts(void **state)
{
    (void)state;
    struct tmodel m;
    build_basic(&m);
    struct tmodel h;
    build_hostile(&h);

    /* Golden lines: the alert format is a contract. */
    const struct kt_finding *basic[] = {m.keys[1].findings[0], m.keys[1].findings[1],
                                        m.keys[0].findings[0]};
    size_t len;
    char *got = alerts_render(basic, KT_ARRAY_LEN(basic), "ghp_…Ab12", &len);
    const char *golden = kt_test_path("tests/fixtures/reports/alerts.jsonl");
    if (getenv("KT_UPDATE_GOLDEN") != NULL) {
        FILE *g = fopen(golden, "wb");
        assert_non_null(g);
        fwrite(got, 1, len, g);
        fclose(g);
    }
    size_t want_len;
    char *want = kt_test_slurp(golden, &want_len);
    assert_non_null(want);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    free(want);

    /* Every line is one JSON object with the members in order. */
    static const char *const order[] = {"time",  "key", "family",  "hint", "detector", "severity",
                                        "score", "ip",  "country", "asn",  "value",    "reason"};
    const char *line = got;
    size_t lines = 0;
    while (*line != '\0') {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        struct json_tokener *tok = json_tokener_new();
        struct json_object *o = json_tokener_parse_ex(tok, line, (int)(nl - line));
        assert_non_null(o);
        assert_int_equal(json_tokener_get_parse_end(tok), (size_t)(nl - line));
        json_tokener_free(tok);
        size_t oi = 0;
        struct json_object_iterator it = json_object_iter_begin(o);
        struct json_object_iterator end = json_object_iter_end(o);
        for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
            const char *name = json_object_iter_peek_name(&it);
            while (oi < KT_ARRAY_LEN(order) && strcmp(order[oi], name) != 0) {
                /* only asn may be absent */
                assert_string_equal(order[oi], "asn");
                oi++;
            }
            if (oi == KT_ARRAY_LEN(order)) {
                /* extras: numbers only */
                struct json_object *v = json_object_iter_peek_value(&it);
                assert_true(v == NULL || json_object_is_type(v, json_type_int) ||
                            json_object_is_type(v, json_type_double));
            } else {
                oi++;
            }
        }
        assert_int_equal(oi, KT_ARRAY_LEN(order));
        json_object_put(o);
        lines++;
        line = nl + 1;
    }
    assert_int_equal(lines, KT_ARRAY_LEN(basic));

    /* Spot values of the first alert. */
    struct json_object *o = json_tokener_parse(got);
    assert_non_null(o);
    struct json_object *v;
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&m.keys[1].key, id);
    assert_true(json_object_object_get_ex(o, "key", &v));
    assert_string_equal(json_object_get_string(v), id);
    assert_true(json_object_object_get_ex(o, "time", &v));
    assert_string_equal(json_object_get_string(v), "2026-09-19T14:13:20Z");
    assert_true(json_object_object_get_ex(o, "asn", &v));
    assert_int_equal(json_object_get_int64(v), 9009);
    assert_true(json_object_object_get_ex(o, "days_quiet", &v));
    assert_true(json_object_is_type(v, json_type_int));
    assert_int_equal(json_object_get_int64(v), 41);
    assert_true(json_object_object_get_ex(o, "share", &v));
    assert_true(json_object_get_double(v) == 0.25);
    json_object_put(o);
    free(got);

    /* Hostile findings: still one valid line each, escapes round-trip, extras filtered. */
    const struct kt_finding *hf[] = {h.keys[0].findings[0], h.keys[0].findings[1],
                                     h.keys[0].findings[2], h.keys[0].findings[3]};
    struct kt_finding none = *hf[1];
    none.time_ms = KT_TIME_NONE;
    const struct kt_finding *hf2[] = {hf[0], hf[1], hf[2], hf[3], &none};
    got = alerts_render(hf2, KT_ARRAY_LEN(hf2), H_SCRIPT "\n", &len);
    assert_true(valid_utf8(got, len));
    assert_int_equal(count_str(got, "\n"), KT_ARRAY_LEN(hf2));
    line = got;
    for (size_t i = 0; i < KT_ARRAY_LEN(hf2); i++) {
        const char *nl = strchr(line, '\n');
        struct json_tokener *tok = json_tokener_new();
        o = json_tokener_parse_ex(tok, line, (int)(nl - line));
        json_tokener_free(tok);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "hint", &v));
        assert_string_equal(json_object_get_string(v), H_SCRIPT "\n");
        if (i == 0) {
            assert_true(json_object_object_get_ex(o, "reason", &v));
            assert_string_equal(json_object_get_string(v), H_NL);
            assert_true(json_object_object_get_ex(o, "value", &v));
            assert_string_equal(json_object_get_string(v), H_ATTR);
            assert_true(json_object_object_get_ex(o, "detector", &v));
            assert_string_equal(json_object_get_string(v), "det<script>");
            assert_true(json_object_object_get_ex(o, "score", &v));
            assert_int_equal(json_object_get_int64(v), 99); /* not the extra "score" */
            assert_true(json_object_object_get_ex(o, "n\"x</b>", &v));
            assert_null(v); /* NaN */
            assert_int_equal(json_object_object_length(o), 13);
        } else if (i == 1) {
            assert_true(json_object_object_get_ex(o, "value", &v));
            assert_non_null(strstr(json_object_get_string(v), "\xef\xbf\xbd"));
            assert_true(json_object_object_get_ex(o, "inf", &v));
            assert_null(v);
            assert_false(json_object_object_get_ex(o, "asn", &v));
            assert_true(json_object_object_get_ex(o, "ip", &v));
            assert_null(v);
            assert_true(json_object_object_get_ex(o, "country", &v));
            assert_null(v);
        } else if (i == 3) {
            /* Fields without a NUL are read to their size, never beyond. */
            assert_true(json_object_object_get_ex(o, "value", &v));
            assert_int_equal(strlen(json_object_get_string(v)), KT_FINDING_VALUE);
            assert_true(json_object_object_get_ex(o, "reason", &v));
            assert_int_equal(strlen(json_object_get_string(v)), KT_FINDING_REASON);
            assert_true(json_object_object_get_ex(o, "country", &v));
            assert_string_equal(json_object_get_string(v), "&&&");
        } else if (i == 4) {
            assert_true(json_object_object_get_ex(o, "time", &v));
            assert_null(v);
        }
        json_object_put(o);
        line = nl + 1;
    }
    free(got);
    tm_fini(&m);
    tm_fini(&h);
}

/* ---- JSON report -------------------------------------------------------------------------- */

static struct json_object *parse_whole(const struct rendered *out)
{
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, out->buf, (int)out->len);
    assert_non_null(o);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    /* Only the final newline may follow the document (the tokener may consume it). */
    assert_true(end == out->len || (end == out->len - 1 && out->buf[end] == '\n'));
    assert_int_equal(out->buf[out->len - 1], '\n');
    assert_int_not_equal(out->buf[out->len - 2], '\n');
    return o;
}

static struct json_object *get(struct json_object *o, const char *name)
{
    struct json_object *v = NULL;
    if (!json_object_object_get_ex(o, name, &v)) {
        fail_msg("member %s missing", name);
    }
    return v;
}

static void expect_str(struct json_object *o, const char *name, const char *want)
{
    struct json_object *v = get(o, name);
    if (want == NULL) {
        assert_null(v);
        return;
    }
    assert_true(json_object_is_type(v, json_type_string));
    assert_string_equal(json_object_get_string(v), want);
}

static void expect_int(struct json_object *o, const char *name, int64_t want)
{
    struct json_object *v = get(o, name);
    assert_true(json_object_is_type(v, json_type_int));
    assert_int_equal(json_object_get_int64(v), want);
}

static void expect_time(struct json_object *o, const char *name, int64_t ms)
{
    char t[KT_TIME_STRLEN];
    kt_time_format(ms, t);
    expect_str(o, name, ms == KT_TIME_NONE ? NULL : t);
}

static void check_json_key(struct json_object *jk, const struct kt_report_key *k)
{
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&k->key, id);
    expect_str(jk, "key", id);
    expect_str(jk, "family", kt_family_name(k->family));
    expect_str(jk, "kind", k->kind);
    expect_str(jk, "hint", k->hint);
    struct json_object *v;
    if (k->account[0] != '\0') {
        expect_str(jk, "account", k->account);
    } else {
        assert_false(json_object_object_get_ex(jk, "account", &v));
    }
    expect_str(jk, "verdict", kt_verdict_name(k->verdict));
    expect_int(jk, "risk", k->risk);
    expect_time(jk, "first_seen", k->first_ms);
    expect_time(jk, "last_seen", k->last_ms);
    expect_int(jk, "events", (int64_t)k->events);
    expect_int(jk, "errors", (int64_t)k->errors);
    expect_int(jk, "ips", (int64_t)k->ips);

    struct json_object *c = get(jk, "countries");
    assert_int_equal(json_object_array_length(c), k->n_countries);
    for (size_t i = 0; i < k->n_countries; i++) {
        struct json_object *e = json_object_array_get_idx(c, i);
        expect_str(e, "code", k->countries[i].name);
        expect_int(e, "count", (int64_t)k->countries[i].count);
    }
    c = get(jk, "asns");
    assert_int_equal(json_object_array_length(c), k->n_asns);
    for (size_t i = 0; i < k->n_asns; i++) {
        expect_str(json_object_array_get_idx(c, i), "name", k->asns[i].name);
    }
    c = get(jk, "user_agents");
    assert_int_equal(json_object_array_length(c), k->n_agents);
    for (size_t i = 0; i < k->n_agents; i++) {
        expect_str(json_object_array_get_idx(c, i), "name", k->agents[i].name);
        expect_int(json_object_array_get_idx(c, i), "count", (int64_t)k->agents[i].count);
    }

    struct json_object *tl = get(jk, "timeline");
    struct json_object *days = get(tl, "days");
    assert_int_equal(json_object_array_length(days), k->n_days);
    if (k->n_days == 0) {
        assert_null(get(tl, "start"));
    } else {
        char d[11];
        kt_rep_date(k->day0, d);
        expect_str(tl, "start", d);
    }
    for (size_t i = 0; i < k->n_days; i++) {
        assert_int_equal(json_object_get_int64(json_object_array_get_idx(days, i)), k->days[i]);
    }

    struct json_object *fs = get(jk, "findings");
    assert_int_equal(json_object_array_length(fs), k->n_findings);
    for (size_t i = 0; i < k->n_findings; i++) {
        const struct kt_finding *f = k->findings[i];
        struct json_object *jf = json_object_array_get_idx(fs, i);
        expect_str(jf, "detector", f->detector);
        expect_str(jf, "severity", kt_severity_name(f->severity));
        expect_int(jf, "score", f->score);
        expect_time(jf, "time", f->time_ms);
        expect_time(jf, "last", f->last_ms);
        expect_int(jf, "count", (int64_t)f->count);
        expect_str(jf, "value", f->value);
        expect_str(jf, "reason", f->reason);
        expect_str(jf, "ip", f->ip[0] ? f->ip : NULL);
        expect_str(jf, "country", f->country[0] ? f->country : NULL);
        if (f->asn == 0) {
            assert_null(get(jf, "asn"));
        } else {
            expect_int(jf, "asn", f->asn);
        }
        for (unsigned e = 0; e < f->n_extra; e++) {
            struct json_object *x = get(jf, f->extra[e].name);
            assert_true(json_object_get_double(x) == f->extra[e].value);
            /* integral values are JSON integers */
            assert_int_equal(json_object_is_type(x, json_type_int),
                             f->extra[e].value == floor(f->extra[e].value));
        }
        assert_int_equal(json_object_object_length(jf), 11 + f->n_extra);
    }
}

static void test_json_basic(void **state)
{
    (void)state;
    struct tmodel m;
    build_basic(&m);
    struct rendered out = render_ok("json", &m.r);
    struct json_object *o = parse_whole(&out);

    /* Top-level members, in order. */
    static const char *const top[] = {"generated_by", "span", "geo", "keys", "totals"};
    size_t i = 0;
    json_object_object_foreach(o, name, val)
    {
        (void)val;
        assert_true(i < KT_ARRAY_LEN(top));
        assert_string_equal(name, top[i++]);
    }
    assert_int_equal(i, KT_ARRAY_LEN(top));
    expect_str(o, "generated_by", "keytrail test");
    expect_str(o, "geo", m.r.geo);
    expect_str(get(o, "span"), "from", "2026-08-23T14:13:20Z");
    expect_str(get(o, "span"), "to", "2026-09-21T14:13:20Z");

    struct json_object *keys = get(o, "keys");
    assert_int_equal(json_object_array_length(keys), KT_ARRAY_LEN(basic_order));
    for (size_t k = 0; k < KT_ARRAY_LEN(basic_order); k++) {
        const struct kt_report_key *mk = NULL;
        struct kt_keyid want;
        set_id(&want, basic_order[k]);
        for (size_t j = 0; j < m.r.n_keys; j++) {
            if (kt_keyid_eq(&m.keys[j].key, &want)) {
                mk = &m.keys[j];
            }
        }
        assert_non_null(mk);
        check_json_key(json_object_array_get_idx(keys, k), mk);
    }
    /* Flags by name. */
    struct json_object *fl = get(json_object_array_get_idx(keys, 1), "flags");
    assert_int_equal(json_object_array_length(fl), 2);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(fl, 0)), "test");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(fl, 1)), "temporary");
    fl = get(json_object_array_get_idx(keys, 3), "flags");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(fl, 0)), "alg_none");
    assert_string_equal(json_object_get_string(json_object_array_get_idx(fl, 1)), "keyed_by_token");
    assert_int_equal(json_object_array_length(get(json_object_array_get_idx(keys, 6), "flags")), 0);
    /* A pinned time and extra, independent of the helpers above. */
    struct json_object *f0 =
        json_object_array_get_idx(get(json_object_array_get_idx(keys, 0), "findings"), 0);
    expect_str(f0, "time", "2026-09-19T14:13:20Z");
    struct json_object *f1 =
        json_object_array_get_idx(get(json_object_array_get_idx(keys, 0), "findings"), 1);
    assert_true(json_object_get_double(get(f1, "speed_kmh")) == 4210.5);
    expect_int(f1, "km", 1610);
    struct json_object *k2 = json_object_array_get_idx(keys, 2);
    expect_str(json_object_array_get_idx(get(k2, "findings"), 0), "time",
               "2026-09-16T14:13:21.234Z");

    struct json_object *t = get(o, "totals");
    static const char *const tot[] = {"keys",      "rotate",        "investigate", "ok",
                                      "files",     "damaged_files", "records",     "events",
                                      "malformed", "findings",      "alerts",      "max_keys",
                                      "evicted",   "evicted_rotate", "evicted_investigate"};
    const uint64_t want_tot[] = {7, 2, 2, 3, 12, 1, 98765, 90000, 17, 6, 5, 0, 0, 0, 0};
    assert_int_equal(json_object_object_length(t), KT_ARRAY_LEN(tot));
    for (size_t j = 0; j < KT_ARRAY_LEN(tot); j++) {
        expect_int(t, tot[j], (int64_t)want_tot[j]);
    }
    json_object_put(o);

    /* Golden bytes: the schema and its order do not drift by accident. */
    const char *golden = kt_test_path("tests/fixtures/reports/basic.json");
    if (getenv("KT_UPDATE_GOLDEN") != NULL) {
        FILE *g = fopen(golden, "wb");
        assert_non_null(g);
        fwrite(out.buf, 1, out.len, g);
        fclose(g);
    }
    size_t glen;
    char *gbuf = kt_test_slurp(golden, &glen);
    assert_non_null(gbuf);
    assert_int_equal(glen, out.len);
    assert_memory_equal(gbuf, out.buf, glen);
    free(gbuf);
    free(out.buf);
    tm_fini(&m);
}

static void test_json_empty(void **state)
{
    (void)state;
    struct tmodel m;
    tm_init(&m, 0, 0);
    m.r.from_ms = KT_TIME_NONE;
    m.r.to_ms = KT_TIME_NONE;
    m.r.geo = NULL;
    m.r.version = NULL;
    struct rendered out = render_ok("json", &m.r);
    struct json_object *o = parse_whole(&out);
    expect_str(o, "generated_by", "keytrail unknown");
    expect_str(get(o, "span"), "from", NULL);
    expect_str(get(o, "span"), "to", NULL);
    assert_null(get(o, "geo"));
    assert_int_equal(json_object_array_length(get(o, "keys")), 0);
    expect_int(get(o, "totals"), "keys", 0);
    json_object_put(o);
    free(out.buf);

    /* keys == NULL with a count is treated as no keys. */
    m.r.n_keys = 5;
    m.r.keys = NULL;
    out = render_ok("json", &m.r);
    o = parse_whole(&out);
    assert_int_equal(json_object_array_length(get(o, "keys")), 0);
    json_object_put(o);
    free(out.buf);
    tm_fini(&m);
}

static void test_json_hostile(void **state)
{
    (void)state;
    struct tmodel m;
    build_hostile(&m);
    struct rendered out = render_ok("json", &m.r);
    assert_true(valid_utf8(out.buf, out.len));
    struct json_object *o = parse_whole(&out);
    struct json_object *keys = get(o, "keys");
    assert_int_equal(json_object_array_length(keys), 5);
    struct json_object *k0 = json_object_array_get_idx(keys, 0);
    expect_str(k0, "hint", H_SCRIPT);
    expect_str(k0, "kind", m.keys[0].kind); /* H_ATTR cut to the field's size */
    assert_int_equal(strlen(m.keys[0].kind), sizeof(m.keys[0].kind) - 1);
    expect_str(k0, "account", "<i>'&\"");
    struct json_object *c = get(k0, "countries");
    expect_str(json_object_array_get_idx(c, 0), "code", H_MD);
    const char *bad = json_object_get_string(get(json_object_array_get_idx(c, 1), "code"));
    assert_non_null(strstr(bad, "bad\xef\xbf\xbd\xef\xbf\xbd utf8"));
    expect_str(json_object_array_get_idx(get(k0, "asns"), 0), "name", H_NL);
    struct json_object *op = get(k0, "other_party");
    expect_int(op, "events", 40);
    expect_int(op, "errors", 7);
    expect_time(op, "first", T0 - DAY_MS);
    expect_str(json_object_array_get_idx(get(op, "addresses"), 0), "name", H_SCRIPT);
    assert_int_equal(json_object_array_length(get(op, "addresses")), KT_REPORT_TOP);
    expect_int(op, "more_addresses", 3);
    expect_str(json_object_array_get_idx(get(op, "networks"), 0), "name", m.keys[0].other.asns[0].name);
    assert_int_equal(json_object_array_length(get(op, "operations")), KT_REPORT_OPS);
    expect_str(json_object_array_get_idx(get(op, "operations"), 0), "name", H_MD);
    assert_int_equal(strlen(json_object_get_string(get(
                         json_object_array_get_idx(get(op, "operations"), KT_REPORT_OPS - 1),
                         "name"))),
                     sizeof(m.keys[0].other.ops[0].name));
    expect_int(op, "more_operations", 5);
    /* Keys without other-party uses have no block. */
    struct json_object *none;
    assert_false(json_object_object_get_ex(json_object_array_get_idx(keys, 1), "other_party",
                                           &none));
    struct json_object *f = json_object_array_get_idx(get(k0, "findings"), 0);
    expect_str(f, "reason", H_NL);
    expect_str(f, "ip", H_SCRIPT);
    expect_str(f, "country", "<>");
    expect_int(f, "score", 99);
    assert_null(get(f, "n\"x</b>"));
    assert_int_equal(json_object_object_length(f), 12);
    struct json_object *f3 = json_object_array_get_idx(get(k0, "findings"), 3);
    assert_int_equal(strlen(json_object_get_string(get(f3, "reason"))), KT_FINDING_REASON);
    assert_int_equal(strlen(json_object_get_string(get(f3, "ip"))), 48);

    /* The NUL-less key: fields cut at their array size; counts clamped to KT_REPORT_TOP. */
    struct json_object *k3 = NULL;
    for (size_t i = 0; i < 5; i++) {
        struct json_object *k = json_object_array_get_idx(keys, i);
        const char *h = json_object_get_string(get(k, "hint"));
        if (h[0] == '\'') {
            k3 = k;
        }
    }
    assert_non_null(k3);
    assert_int_equal(strlen(json_object_get_string(get(k3, "hint"))), KT_HINT_MAX);
    assert_int_equal(strlen(json_object_get_string(get(k3, "kind"))), 24);
    assert_int_equal(strlen(json_object_get_string(get(k3, "account"))), 16);
    assert_int_equal(json_object_array_length(get(k3, "countries")), KT_REPORT_TOP);

    /* The weird key: unknown verdict and family names, clamped timeline, no findings. */
    struct json_object *kw = NULL, *kj = NULL;
    for (size_t i = 0; i < 5; i++) {
        struct json_object *k = json_object_array_get_idx(keys, i);
        if (strcmp(json_object_get_string(get(k, "hint")), "weird verdict") == 0) {
            kw = k;
        }
        if (strcmp(json_object_get_string(get(k, "hint")), H_URL) == 0) {
            kj = k;
        }
    }
    assert_non_null(kw);
    assert_non_null(kj);
    expect_str(kw, "verdict", "unknown");
    expect_str(kw, "family", "none");
    assert_int_equal(json_object_array_length(get(get(kj, "timeline"), "days")), KT_REPORT_DAYS);
    assert_int_equal(json_object_array_length(get(kj, "findings")), 0);
    expect_str(o, "generated_by", "keytrail 1.0<script>");
    json_object_put(o);
    free(out.buf);
    tm_fini(&m);
}

/* ---- determinism and write errors --------------------------------------------------------- */

static void test_deterministic(void **state)
{
    (void)state;
    static const char *const fmts[] = {"json", "md", "html"};
    struct tmodel m, rev;
    build_basic(&m);
    build_basic(&rev);
    /* The same keys in reverse model order: renderers sort, so the bytes must not change. */
    for (size_t i = 0; i < rev.r.n_keys / 2; i++) {
        struct kt_report_key t = rev.keys[i];
        rev.keys[i] = rev.keys[rev.r.n_keys - 1 - i];
        rev.keys[rev.r.n_keys - 1 - i] = t;
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(fmts); i++) {
        struct rendered a = render_ok(fmts[i], &m.r);
        struct rendered b = render_ok(fmts[i], &m.r);
        struct rendered c = render_ok(fmts[i], &rev.r);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.buf, b.buf, a.len);
        assert_int_equal(a.len, c.len);
        assert_memory_equal(a.buf, c.buf, a.len);
        free(a.buf);
        free(b.buf);
        free(c.buf);
    }
    tm_fini(&m);
    tm_fini(&rev);
}

static void test_write_errors(void **state)
{
    (void)state;
    struct tmodel m;
    build_basic(&m);
    size_t n;
    const struct kt_reporter *const *all = kt_reporters(&n);
    for (size_t i = 0; i < n; i++) {
        struct kt_err err;
        FILE *full = fopen("/dev/full", "w");
        if (full == NULL) {
            skip();
        }
        kt_err_clear(&err);
        assert_int_equal(all[i]->render(&m.r, full, &err), KT_EIO);
        assert_int_equal(err.rc, KT_EIO);
        fclose(full);

        /* A small fixed buffer that fills up. */
        char small[64];
        FILE *mem = fmemopen(small, sizeof(small), "w");
        assert_non_null(mem);
        setvbuf(mem, NULL, _IONBF, 0);
        kt_err_clear(&err);
        assert_int_equal(all[i]->render(&m.r, mem, &err), KT_EIO);
        fclose(mem);

        kt_err_clear(&err);
        assert_int_equal(all[i]->render(NULL, stdout, &err), KT_EINVAL);
        assert_int_equal(all[i]->render(&m.r, NULL, NULL), KT_EINVAL);
    }
    tm_fini(&m);
}

/* ---- Markdown ------------------------------------------------------------------------------ */

/* The line of buf that contains needle (a copy, caller frees), or NULL. */
static char *line_with(const char *buf, const char *needle)
{
    const char *p = strstr(buf, needle);
    if (p == NULL) {
        return NULL;
    }
    const char *s = p;
    while (s > buf && s[-1] != '\n') {
        s--;
    }
    const char *e = strchr(p, '\n');
    e = e != NULL ? e : p + strlen(p);
    return strndup(s, (size_t)(e - s));
}

/* Table cells of a Markdown row: unescaped pipes + 1 minus the two outer ones. */
static size_t md_cells(const char *row)
{
    size_t pipes = 0;
    for (const char *p = row; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            continue;
        }
        pipes += *p == '|';
    }
    return pipes - 1;
}

static void test_markdown_basic(void **state)
{
    (void)state;
    struct tmodel m;
    build_basic(&m);
    struct rendered out = render_ok("md", &m.r);
    const char *s = out.buf;
    assert_true(valid_utf8(out.buf, out.len));
    assert_true(strncmp(s, "# keytrail report\n", 18) == 0);
    assert_non_null(strstr(s, "- **Span:** 2026-08-23T14:13:20Z to 2026-09-21T14:13:20Z\n"));
    assert_non_null(strstr(s, "- **Geolocation:** GeoLite2-City 2026-09-17 (samples)\n"));
    assert_non_null(strstr(s, "\n## Summary\n"));
    assert_non_null(strstr(s, "| rotate | 2 |\n| investigate | 2 |\n| ok | 3 |\n"));
    assert_non_null(strstr(s, "| malformed records | 17 |\n"));
    assert_non_null(strstr(s, "\n## Keys to act on\n"));
    assert_int_equal(count_str(s, "\n### "), 4);
    /* Sections in risk order, with hint, family and verdict in the heading. */
    const char *h1 = strstr(s, "\n### 1. ghp\\_…Ab12 — github — rotate\n");
    const char *h2 = strstr(s, "\n### 2. AKIAIOSFODNN7EXAMPLE — aws — rotate\n");
    const char *h3 = strstr(s, "\n### 3. sk\\_live\\_…9f3Q — stripe — investigate\n");
    const char *h4 = strstr(s, "\n### 4. jwt iss=auth sub=svc-7 — jwt — investigate\n");
    assert_non_null(h1);
    assert_non_null(h2);
    assert_non_null(h3);
    assert_non_null(h4);
    assert_true(h1 < h2 && h2 < h3 && h3 < h4);
    assert_non_null(strstr(h1, "- **Verdict:** rotate, risk 92/100\n"));
    assert_non_null(strstr(h1, "- **Countries:** DE 1200, RU 40\n"));
    assert_non_null(strstr(h1, "- **Top agents:** python-requests/2.31.0 (1200), curl/8.4.0 (40)"));
    assert_non_null(strstr(h1, "- **Events:** 1010 (errors: 3) from 14 addresses\n"));
    assert_non_null(strstr(h2, "- **Events:** 1020 (errors: 6) from 3 addresses\n"));
    assert_non_null(strstr(h4, "- **Events:** 1040 (errors: 5) from 1 address\n"));
    assert_non_null(strstr(h2, "account 123456789012; flags: test, temporary)"));
    /* Findings: severity, detector, reason, count, first/last. */
    char *f1 = line_with(s, "new\\_country");
    assert_non_null(f1);
    assert_string_equal(f1, "   1. **critical** (score 90) · new\\_country · first use from RU "
                            "(AS9009) after 41 days and 12 840 requests from DE — value RU, from "
                            "203.0.113.9 (RU, AS9009); 3 times, first 2026-09-19T14:13:20Z, last "
                            "2026-09-21T14:13:20Z");
    free(f1);
    char *f2 = line_with(s, "Go-http-client/1.1 after");
    assert_non_null(f2);
    assert_non_null(strstr(f2, "; once, 2026-09-16T14:13:21.234Z"));
    free(f2);
    /* ok keys: one table at the end, not sections. */
    const char *ok = strstr(s, "\n## Keys with verdict ok (3)\n");
    assert_non_null(ok);
    assert_true(ok > h4);
    assert_int_equal(count_str(ok, "\n| "), 5); /* header, separator, 3 rows */
    char *row = line_with(ok, "xoxb-");
    assert_non_null(row);
    assert_int_equal(md_cells(row), 10);
    assert_non_null(strstr(row, "| slack |"));
    assert_non_null(strstr(row, "| FR 10, BE 2 | 1 |"));
    free(row);
    const char *r71 = strstr(ok, "e5f6…0a0b");
    const char *r72 = strstr(ok, "a1b2…c3d4");
    assert_true(r71 != NULL && r72 != NULL && r71 < r72);
    row = line_with(ok, "a1b2…c3d4");
    assert_non_null(strstr(row, "| - | - | none | 0 |"));
    free(row);
    free(out.buf);

    /* Empty and all-ok models. */
    struct tmodel e;
    tm_init(&e, 1, 0);
    out = render_ok("markdown", &e.r);
    assert_non_null(strstr(out.buf, "No credentials were found in the logs read.\n"));
    assert_null(strstr(out.buf, "## Keys with verdict ok"));
    free(out.buf);
    tm_key(&e, 1, KT_VERDICT_OK, 0, KT_FAM_NPM, "npm", "npm_…x");
    out = render_ok("md", &e.r);
    assert_non_null(strstr(out.buf, "No key needs action.\n"));
    assert_non_null(strstr(out.buf, "## Keys with verdict ok (1)\n"));
    free(out.buf);
    tm_fini(&e);
    tm_fini(&m);
}

static void test_markdown_hostile(void **state)
{
    (void)state;
    struct tmodel m;
    build_hostile(&m);
    struct rendered out = render_ok("md", &m.r);
    const char *s = out.buf;
    assert_true(valid_utf8(out.buf, out.len));
    assert_false(has_control(out.buf, out.len));
    /* No raw markup from the model survives: every < > ` * _ [ | is escaped. */
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '`' && strncmp(p + 1, "kt1-", 4) == 0 && p[1 + KT_KEYID_STRLEN] == '`') {
            p += 1 + KT_KEYID_STRLEN; /* the renderer's own code span around a key id */
            continue;
        }
        if (strchr("<>`[", *p) != NULL && (p == s || p[-1] != '\\')) {
            fail_msg("unescaped %c at offset %zu", *p, (size_t)(p - s));
        }
    }
    assert_null(strstr(s, " <b>"));
    assert_null(strstr(s, "`c`"));
    assert_null(strstr(s, "[f]"));
    assert_null(strstr(s, "*d*"));
    assert_non_null(strstr(s, "\\<script\\>alert(1)\\</script\\>"));
    assert_non_null(strstr(s, "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\#i \\~j\\~ "
                              "\\&amp; \\!k \\\\l"));
    /* Line breaks inside values never start a new line. */
    for (const char *p = strchr(s, '\n'); p != NULL; p = strchr(p + 1, '\n')) {
        assert_false(strncmp(p + 1, "# Injected", 10) == 0);
        assert_false(strncmp(p + 1, "| x | y |", 9) == 0);
    }
    assert_non_null(strstr(s, "line one \\# Injected heading  \\| x \\| y \\|"));
    assert_non_null(strstr(s, "bad\xef\xbf\xbd\xef\xbf\xbd utf8"));
    assert_non_null(strstr(s, "ctl\xef\xbf\xbd\xef\xbf\xbd\\[31m\xef\xbf\xbd c1\xef\xbf\xbd "
                              "nbsp\xc2\xa0 quote' ok"));
    /* Table rows keep their 10 cells whatever the hint holds. */
    const char *ok = strstr(s, "## Keys with verdict ok (2)");
    assert_non_null(ok);
    char *row = line_with(ok, "a\\|b");
    assert_non_null(row);
    assert_int_equal(md_cells(row), 10);
    free(row);
    row = line_with(ok, "''''''''");
    assert_non_null(row);
    assert_int_equal(md_cells(row), 10);
    assert_non_null(strstr(row, "\\*\\*\\*"));
    free(row);
    assert_non_null(strstr(s, "— none — unknown\n")); /* unknown family and verdict */
    assert_int_equal(count_str(s, "\n- **Other party:** 40 uses kept out of the baseline "
                                  "(errors: 7)"),
                     1);
    assert_non_null(strstr(s, "\n  - **Addresses:** \\<script\\>alert(1)\\</script\\> (30)"));
    assert_non_null(strstr(s, "\n  - **Operations** (in order of first use): a\\|b"));
    assert_non_null(strstr(s, "keytrail 1.0\\<script\\>"));
    assert_non_null(strstr(s, "geo \\<b\\>bold\\</b\\> \\| \"db\" \xef\xbf\xbd"));
    free(out.buf);
    tm_fini(&m);
}

/* ---- HTML ---------------------------------------------------------------------------------- */

struct html_stats {
    size_t tags;
    size_t sections_key, sections, tr, svg, path_fb, time, badge;
};

static bool in_list(const char *name, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strlen(list[i]) == n && strncmp(list[i], name, n) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * Walks the document: every tag must be from a small allowlist with allowlisted attributes
 * (double-quoted values, style only as a width), tags must nest and close properly, text must
 * hold no '>' and only the five entities the renderer writes. Fills st; fails the test on the
 * first violation.
 */
static void html_walk(const char *s, size_t len, struct html_stats *st)
{
    static const char *const tags[] = {
        "html",  "head", "meta",       "title", "style",   "body", "header", "h1",    "h2",
        "p",     "time", "span",       "main",  "section", "div",  "b",      "table", "tbody",
        "thead", "tr",   "th",         "td",    "code",    "dl",   "dt",     "dd",    "figure",
        "svg",   "path", "figcaption", "small", "br",      "i",    "h3",
    };
    static const char *const voids[] = {"meta", "br"};
    static const char *const attrs[] = {"lang",   "charset", "name",       "content", "http-equiv",
                                        "class",  "id",      "style",      "viewBox", "width",
                                        "height", "role",    "aria-label", "d"};
    const char *stack[64];
    size_t sp = 0;
    const char *end = s + len;
    const char *p = s;
    memset(st, 0, sizeof(*st));
    assert_true(strncmp(p, "<!DOCTYPE html>\n", 16) == 0);
    p += 16;
    while (p < end) {
        if (*p == '>') {
            fail_msg("stray '>' in text at offset %zu", (size_t)(p - s));
        }
        if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
            bool ok = false;
            for (size_t i = 0; i < KT_ARRAY_LEN(ents); i++) {
                ok = ok || strncmp(p, ents[i], strlen(ents[i])) == 0;
            }
            if (!ok) {
                fail_msg("unknown entity at offset %zu", (size_t)(p - s));
            }
            p++;
            continue;
        }
        if (*p != '<') {
            p++;
            continue;
        }
        p++;
        bool closing = *p == '/';
        p += closing;
        const char *name = p;
        while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
            p++;
        }
        size_t nl = (size_t)(p - name);
        if (nl == 0 || !in_list(name, nl, tags, KT_ARRAY_LEN(tags))) {
            fail_msg("unexpected tag <%.*s at offset %zu", (int)(nl + 8), name, (size_t)(name - s));
        }
        st->tags++;
        if (closing) {
            assert_true(sp > 0);
            if (strlen(stack[sp - 1]) != nl || strncmp(stack[sp - 1], name, nl) != 0) {
                fail_msg("</%.*s> closes <%s>", (int)nl, name, stack[sp - 1]);
            }
            sp--;
            assert_int_equal(*p, '>');
            p++;
            continue;
        }
        bool self_close = false;
        char classv[64] = "";
        for (;;) {
            while (p < end && *p == ' ') {
                p++;
            }
            assert_true(p < end);
            if (*p == '>') {
                p++;
                break;
            }
            if (*p == '/' && p[1] == '>') {
                self_close = true;
                p += 2;
                break;
            }
            const char *an = p;
            while (p < end && *p != '=' && *p != ' ' && *p != '>') {
                p++;
            }
            size_t al = (size_t)(p - an);
            if (!in_list(an, al, attrs, KT_ARRAY_LEN(attrs))) {
                fail_msg("unexpected attribute %.*s", (int)al, an);
            }
            assert_int_equal(*p, '=');
            assert_int_equal(p[1], '"');
            p += 2;
            const char *v = p;
            while (p < end && *p != '"') {
                assert_true(*p != '<' && *p != '>');
                p++;
            }
            assert_true(p < end);
            if (al == 5 && strncmp(an, "style", 5) == 0) {
                /* "width:N%" only */
                assert_true(strncmp(v, "width:", 6) == 0);
                const char *q = v + 6;
                while (*q >= '0' && *q <= '9') {
                    q++;
                }
                assert_true(q > v + 6 && *q == '%' && q + 1 == p);
            }
            if (al == 5 && strncmp(an, "class", 5) == 0) {
                snprintf(classv, sizeof(classv), "%.*s", (int)(p - v), v);
            }
            p++;
        }
        if (nl == 7 && strncmp(name, "section", 7) == 0) {
            st->sections++;
            st->sections_key += strncmp(classv, "key ", 4) == 0;
        }
        st->tr += nl == 2 && strncmp(name, "tr", 2) == 0;
        st->svg += nl == 3 && strncmp(name, "svg", 3) == 0;
        st->path_fb += nl == 4 && strncmp(name, "path", 4) == 0 && strcmp(classv, "fb") == 0;
        st->time += nl == 4 && strncmp(name, "time", 4) == 0;
        st->badge += strncmp(classv, "badge", 5) == 0;
        if (nl == 5 && strncmp(name, "style", 5) == 0) {
            const char *close = strstr(p, "</style>");
            assert_non_null(close);
            /* CSS: nothing that loads anything. */
            char *css = strndup(p, (size_t)(close - p));
            assert_null(strstr(css, "url("));
            assert_null(strstr(css, "@import"));
            assert_null(strstr(css, "@font-face"));
            free(css);
            p = close + strlen("</style>");
            continue;
        }
        if (!self_close && !in_list(name, nl, voids, KT_ARRAY_LEN(voids))) {
            assert_true(sp < KT_ARRAY_LEN(stack));
            static char names[64][16];
            snprintf(names[sp], sizeof(names[sp]), "%.*s", (int)nl, name);
            stack[sp] = names[sp];
            sp++;
        }
    }
    assert_int_equal(sp, 0);
}

static void check_no_external(const struct rendered *out)
{
    assert_null(strstr(out->buf, "http://"));
    assert_null(strstr(out->buf, "https://"));
    assert_null(strstr(out->buf, "src="));
    assert_null(strstr(out->buf, "href="));
    assert_null(strstr(out->buf, "<script"));
    assert_null(strstr(out->buf, "<link"));
    assert_null(strstr(out->buf, "<img"));
    assert_null(strstr(out->buf, "xmlns"));
    assert_non_null(strstr(out->buf, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

static void test_html_basic(void **state)
{
    (void)state;
    struct tmodel m;
    build_basic(&m);
    struct rendered out = render_ok("html", &m.r);
    const char *s = out.buf;
    assert_true(valid_utf8(out.buf, out.len));
    struct html_stats st;
    html_walk(out.buf, out.len, &st);
    check_no_external(&out);
    assert_int_equal(st.sections_key, 4);
    assert_int_equal(st.sections, 6); /* summary + 4 keys + ok */
    /* 7 totals rows + findings (header + 5) + ok table (header + 3). */
    assert_int_equal(st.tr, 7 + (4 + 5) + (1 + 3));
    assert_int_equal(st.svg, 4);
    assert_int_equal(st.path_fb, 4);
    /* Risk order, verdict badges. */
    const char *a = strstr(s, "<span class=\"hint\">ghp_…Ab12</span>");
    const char *b = strstr(s, "<span class=\"hint\">AKIAIOSFODNN7EXAMPLE</span>");
    const char *c = strstr(s, "<span class=\"hint\">sk_live_…9f3Q</span>");
    const char *d = strstr(s, "<span class=\"hint\">jwt iss=auth sub=svc-7</span>");
    assert_true(a && b && c && d && a < b && b < c && c < d);
    assert_int_equal(count_str(s, "<span class=\"badge v-rotate\">rotate</span>"), 3);
    assert_int_equal(count_str(s, "<span class=\"badge v-investigate\">investigate</span>"), 3);
    char id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&m.keys[1].key, id);
    char want[128];
    snprintf(want, sizeof(want), "<section class=\"key v-rotate\" id=\"k-%s\">", id);
    assert_non_null(strstr(s, want));
    assert_non_null(strstr(a, "<i style=\"width:92%\"></i></span><span>risk <b>92</b>/100"));
    /* Findings row: severity, detector, reason, count, times. */
    assert_non_null(strstr(a, "<tr><td class=\"sev s-critical\">critical <small>90</small></td>"
                              "<td class=\"d\">new_country</td><td class=\"w\">first use from "
                              "RU (AS9009) after 41 days and 12 840 requests from DE<br><small>"
                              "from 203.0.113.9 (RU, AS9009)</small></td><td class=\"w\">RU</td>"
                              "<td class=\"n\">3</td><td class=\"t\"><time>2026-09-19T14:13:20Z"
                              "</time><br><time>2026-09-21T14:13:20Z</time></td></tr>"));
    /* A finding seen once shows one time. */
    assert_non_null(strstr(a, "<td class=\"n\">1</td><td class=\"t\"><time>2026-09-20T14:13:20Z"
                              "</time></td></tr>"));
    /* Timeline of ghp: 30 days ending on DAY0; finding days 27 and 29 (from new_country) and
     * 28 (impossible_travel) are marked; day 3 (i % 5 == 3) has no bar. */
    const char *tl = strstr(a, "<svg class=\"tl\" viewBox=\"0 0 540 50\"");
    assert_non_null(tl);
    assert_non_null(strstr(tl, "<path class=\"fb\" d=\"M162 0h5v40h-5zM168 0h5v40h-5z"
                               "M174 0h5v40h-5z\"/>"));
    assert_non_null(strstr(tl, "aria-label=\"Daily uses from 2026-08-23 to 2026-09-21\""));
    const struct kt_report_key *kg = &m.keys[1];
    uint32_t peak = 0;
    size_t peak_day = 0;
    for (size_t i = 0; i < kg->n_days; i++) {
        if (kg->days[i] > peak) {
            peak = kg->days[i];
            peak_day = i;
        }
    }
    snprintf(want, sizeof(want), "busiest day %u<", (unsigned)peak);
    assert_non_null(strstr(tl, want));
    const char *u = strstr(tl, "<path class=\"u\" d=\"");
    assert_non_null(u);
    char *ud = strndup(u, (size_t)(strstr(u, "\"/>") - u));
    assert_null(strstr(ud, "M18 ")); /* day 3 is empty */
    /* Day 0 (40 of 61 uses or so): height rounded up from days[0] * 40 / peak. */
    unsigned h0 = (unsigned)((kg->days[0] * 40 + peak - 1) / peak);
    snprintf(want, sizeof(want), "M0 %uh5v%uh-5z", 40 - h0, h0);
    assert_non_null(strstr(ud, want));
    snprintf(want, sizeof(want), "M%zu 0h5v40h-5z", peak_day * 6); /* the busiest: full */
    assert_non_null(strstr(ud, want));
    assert_int_equal(count_str(ud, "M"), 24); /* 30 days, 6 of them empty */
    free(ud);
    /* The AWS key's finding day is 2 days before its window end at index 87. */
    assert_non_null(strstr(b, "<path class=\"fb\" d=\"M522 0h5v40h-5zM534 0h5v40h-5z\"/>"));
    /* The ok table: one row per ok key, compact. */
    const char *ok = strstr(s, "<section id=\"ok\">");
    assert_non_null(ok);
    assert_non_null(strstr(ok, "(3)</h2>"));
    assert_int_equal(count_str(ok, "<tr>"), 4);
    assert_non_null(strstr(ok, "<tr><td>xoxb-…77Qa</td><td>slack</td>"));
    assert_non_null(strstr(ok, "<td>2026-08-23</td><td>2026-09-21</td><td>FR (10), BE (2)</td>"
                               "<td class=\"n\">1</td></tr>"));
    free(out.buf);

    struct tmodel e;
    tm_init(&e, 1, 0);
    e.r.from_ms = KT_TIME_NONE;
    out = render_ok("htm", &e.r);
    html_walk(out.buf, out.len, &st);
    check_no_external(&out);
    assert_int_equal(st.sections_key, 0);
    assert_non_null(strstr(out.buf, "No credentials were found in the logs read."));
    assert_non_null(strstr(out.buf, "Span <span class=\"none\">unknown</span> to"));
    free(out.buf);
    tm_fini(&e);
    tm_fini(&m);
}

static void test_html_hostile(void **state)
{
    (void)state;
    struct tmodel m;
    build_hostile(&m);
    struct rendered out = render_ok("html", &m.r);
    const char *s = out.buf;
    assert_true(valid_utf8(out.buf, out.len));
    assert_false(has_control(out.buf, out.len));
    struct html_stats st;
    html_walk(out.buf, out.len, &st);
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "<img"));
    assert_null(strstr(s, "<b>bold"));
    assert_null(strstr(s, "href="));
    /* "src=" occurs, but only as escaped text: html_walk allows no src attribute. */
    assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(s, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(s, "&lt;i&gt;&#39;&amp;&quot;"));
    assert_non_null(strstr(s, "a|b `c` *d* _e_ [f](g) &lt;h&gt; #i ~j~ &amp;amp; !k \\l"));
    assert_non_null(strstr(s, "line one # Injected heading  | x | y |"));
    assert_non_null(strstr(s, "bad\xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd "
                              "overlong"));
    assert_non_null(strstr(s, "ctl\xef\xbf\xbd\xef\xbf\xbd[31m\xef\xbf\xbd c1\xef\xbf\xbd "
                              "nbsp\xc2\xa0 quote&#39; ok"));
    assert_non_null(strstr(s, "det&lt;script&gt;"));
    assert_non_null(strstr(s, "geo &lt;b&gt;bold&lt;/b&gt; | &quot;db&quot; \xef\xbf\xbd"));
    /* One other-party block, for the one key that has one, its names escaped. */
    assert_int_equal(count_str(s, "<div class=\"other\"><h3>Other party</h3>"), 1);
    assert_non_null(strstr(s, "<dt>Uses</dt><dd>40 kept out of the baseline (7 errors)"));
    assert_non_null(strstr(s, "<dt>Addresses</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt; (30)"));
    assert_non_null(strstr(s, "; 3 more uses from other addresses"));
    assert_non_null(strstr(s, "; 5 more uses of other operations"));
    /* A URL from the logs is text, never a link or a resource. */
    assert_non_null(strstr(s, "<span class=\"hint\">" H_URL "</span>"));
    assert_int_equal(count_str(s, "https://"), 2); /* the JWT hint and the agent name */
    /* Fields without a NUL: cut at their size. */
    char run[KT_FINDING_VALUE * 4 + 1] = "";
    for (size_t i = 0; i < KT_FINDING_VALUE; i++) {
        memcpy(run + i * 4, "&lt;", 4);
    }
    run[KT_FINDING_VALUE * 4] = '\0';
    const char *v = strstr(s, run);
    assert_non_null(v);
    assert_false(strncmp(v + KT_FINDING_VALUE * 4, "&lt;", 4) == 0);
    /* Sections: the rotate key, the investigate key, the unknown-verdict key. */
    assert_int_equal(st.sections_key, 3);
    assert_non_null(strstr(s, "<section class=\"key v-unknown\""));
    assert_non_null(strstr(s, "<span class=\"badge v-unknown\">unknown</span>"));
    /* The clamped timeline: 90 days, the last one at x = 534. */
    const char *kj = strstr(s, "<span class=\"hint\">" H_URL);
    assert_non_null(kj);
    const char *uj = strstr(kj, "<path class=\"u\" d=\"");
    assert_non_null(uj);
    char *ujd = strndup(uj, (size_t)(strstr(uj, "\"/>") - uj));
    assert_non_null(strstr(ujd, "M0 "));
    assert_non_null(strstr(ujd, "M534 "));
    assert_null(strstr(ujd, "M540 "));
    free(ujd);
    free(out.buf);
    tm_fini(&m);
}

/* ---- 10 000 keys -------------------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Hindsight's note on a key ("looks like a move ..."): in every format, escaped, and absent
 * when empty. */
static void test_note(void **state)
{
    (void)state;
    struct tmodel m;
    tm_init(&m, 2, 2);
    struct kt_report_key *k = tm_key(&m, 1, KT_VERDICT_INVESTIGATE, 69, KT_FAM_GITHUB, "ghp",
                                     "ghp_…note");
    snprintf(k->note, sizeof(k->note), "looks like a move from DE to IE: <b>\"same\"</b> | *x*");
    tm_finding(&m, k, "new_country", KT_SEV_HIGH, 70, "IE", "first use from IE");
    tm_key(&m, 2, KT_VERDICT_INVESTIGATE, 40, KT_FAM_GITHUB, "ghp", "ghp_…none");
    tm_finding(&m, &m.keys[1], "new_asn", KT_SEV_MEDIUM, 40, "AS15169", "first use from AS15169");

    struct rendered out = render_ok("json", &m.r);
    struct json_object *o = parse_whole(&out);
    struct json_object *keys = get(o, "keys");
    expect_str(json_object_array_get_idx(keys, 0), "note", k->note);
    struct json_object *none;
    assert_false(json_object_object_get_ex(json_object_array_get_idx(keys, 1), "note", &none));
    json_object_put(o);
    free(out.buf);

    out = render_ok("md", &m.r);
    assert_non_null(strstr(out.buf, "- **Note:** looks like a move from DE to IE"));
    assert_null(strstr(out.buf, "<b>"));
    assert_int_equal(count_str(out.buf, "**Note:**"), 1);
    free(out.buf);

    out = render_ok("html", &m.r);
    assert_non_null(strstr(out.buf, "<dt>Note</dt><dd>looks like a move from DE to IE: &lt;b&gt;"));
    assert_int_equal(count_str(out.buf, "<dt>Note</dt>"), 1);
    free(out.buf);
    tm_fini(&m);
}

static void test_big(void **state)
{
    (void)state;
    enum { N = 10000 };
    struct tmodel m;
    build_big(&m, N);
    size_t non_ok = m.r.totals.rotate + m.r.totals.investigate;

    double t = now_ms();
    struct rendered js = render_ok("json", &m.r);
    double t_json = now_ms() - t;
    t = now_ms();
    struct rendered md = render_ok("md", &m.r);
    double t_md = now_ms() - t;
    t = now_ms();
    struct rendered html = render_ok("html", &m.r);
    double t_html = now_ms() - t;
    print_message("10000 keys (%zu to act on): json %zu bytes %.0f ms, markdown %zu bytes %.0f "
                  "ms, html %zu bytes %.0f ms\n",
                  non_ok, js.len, t_json, md.len, t_md, html.len, t_html);

    struct json_object *o = parse_whole(&js);
    assert_int_equal(json_object_array_length(get(o, "keys")), N);
    /* Risk never increases along the array. */
    int64_t prev = 101;
    for (size_t i = 0; i < N; i++) {
        int64_t r =
            json_object_get_int64(get(json_object_array_get_idx(get(o, "keys"), i), "risk"));
        assert_true(r <= prev);
        prev = r;
    }
    json_object_put(o);

    assert_int_equal(count_str(md.buf, "\n### "), non_ok);
    char ok_head[64];
    snprintf(ok_head, sizeof(ok_head), "## Keys with verdict ok (%zu)", N - non_ok);
    assert_non_null(strstr(md.buf, ok_head));

    struct html_stats st;
    html_walk(html.buf, html.len, &st);
    assert_int_equal(st.sections_key, non_ok);
    assert_int_equal(st.svg, non_ok);
    check_no_external(&html);
    /* Compact: well under 600 bytes per key on average, whole page under 6 MB. */
    assert_true(html.len < 6u * 1024 * 1024);
    assert_true(md.len < 4u * 1024 * 1024);
    free(js.buf);
    free(md.buf);
    free(html.buf);
    tm_fini(&m);
}

/* ---- demonstration report for the browser test ------------------------------------------- */

static int render_demo(const char *path)
{
    const struct kt_reporter *rep = kt_reporter_for_path(path);
    if (rep == NULL) {
        fprintf(stderr, "test_reports: no renderer for %s\n", path);
        return 2;
    }
    struct tmodel m, h;
    build_basic(&m);
    build_hostile(&h);
    /* The basic keys plus the hostile rotate key and the hostile ok key. */
    struct tmodel d;
    tm_init(&d, 16, 32);
    d.r = m.r;
    d.r.keys = d.keys;
    d.r.n_keys = 0;
    for (size_t i = 0; i < m.r.n_keys; i++) {
        d.keys[d.r.n_keys++] = m.keys[i];
    }
    d.keys[d.r.n_keys++] = h.keys[0];
    d.keys[d.r.n_keys++] = h.keys[1];
    d.r.totals.keys = d.r.n_keys;
    d.r.totals.rotate++;
    d.r.totals.ok++;
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = rep->render(&d.r, f, &err);
    if (fclose(f) != 0 || rc != KT_OK) {
        fprintf(stderr, "test_reports: rendering failed: %s\n", err.msg);
        return 1;
    }
    tm_fini(&d);
    tm_fini(&m);
    tm_fini(&h);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "--render") == 0 || strcmp(argv[1], "--render-html") == 0)) {
        return render_demo(argv[2]);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_json_basic),
        cmocka_unit_test(test_json_empty),
        cmocka_unit_test(test_json_hostile),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_markdown_basic),
        cmocka_unit_test(test_markdown_hostile),
        cmocka_unit_test(test_html_basic),
        cmocka_unit_test(test_html_hostile),
        cmocka_unit_test(test_note),
        cmocka_unit_test(test_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
