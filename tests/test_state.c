/*
 * State files (state.c, keystate_io.c, engine persistence): a saved engine loads back to the
 * same state (saving it again gives the same bytes), findings already alerted are not alerted
 * again after a reload, verdicts survive, every corruption (each byte flipped, every
 * truncation, a newer version, another program's file, an empty file) is refused without
 * loading anything, saving is atomic and private, the lock keeps a second run out, key-disjoint
 * halves merge into the whole, and retention drops old keys and entries.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "keystate_io.h"
#include "state.h"

#define DAY 86400000LL
#define HOUR 3600000LL
#define T0 1789948800000LL /* 2026-09-21T00:00Z, a Monday */

struct fixture {
    struct kt_config cfg;
    int n_alerts;
};

static void on_alert(void *ctx, const struct kt_finding *f, const struct kt_keystate *ks)
{
    (void)f;
    (void)ks;
    ((struct fixture *)ctx)->n_alerts++;
}

static struct kt_engine *engine_new(struct fixture *fx, size_t max_keys)
{
    struct kt_engine_opts eo = { .cfg = &fx->cfg, .on_alert = on_alert, .alert_ctx = fx,
                                 .max_keys = max_keys };
    struct kt_engine *e;
    struct kt_err err;
    assert_int_equal(kt_engine_new(&e, &eo, &err), KT_OK);
    return e;
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    assert_int_equal(kt_config_init(&fx->cfg), KT_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kt_config_fini(&fx->cfg);
    free(fx);
    return 0;
}

static struct kt_cred key_n(unsigned n)
{
    struct kt_cred c;
    memset(&c, 0, sizeof(c));
    c.family = KT_FAM_GITHUB;
    memset(c.key.b, 0x5a, KT_KEYID_BYTES);
    c.key.b[0] = (uint8_t)n;
    c.key.b[1] = (uint8_t)(n >> 8);
    c.key.b[2] = (uint8_t)(n >> 16);
    c.token = c.key;
    snprintf(c.kind, sizeof(c.kind), "ghp");
    snprintf(c.hint, sizeof(c.hint), "ghp_…%04u", n % 10000);
    return c;
}

static void feed(struct kt_engine *e, unsigned key, int64_t t, const char *ip, const char *ua)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = t;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr(ua);
    ev.method = kt_str_cstr("GET");
    ev.resource = kt_str_cstr("/api/v3/repos/acme/api/issues");
    ev.status = 200;
    ev.creds[0] = key_n(key);
    ev.n_creds = 1;
    assert_int_equal(kt_engine_event(e, &ev), KT_OK);
}

/* Three weeks of ordinary use of key k, then (thief) a night of a new client from elsewhere. */
static void history(struct kt_engine *e, unsigned k, bool thief)
{
    for (int d = 0; d < 21; d++) {
        for (int h = 9; h < 17; h += 2) {
            feed(e, k, T0 + d * DAY + h * HOUR + k * 1000, "192.0.2.14", "git/2.47.1");
        }
    }
    if (thief) {
        for (int i = 0; i < 5; i++) {
            feed(e, k, T0 + 22 * DAY + 2 * HOUR + i * 60000, "203.0.113.213",
                 "python-requests/2.32.3");
        }
    }
}

static uint8_t *save_mem(const struct kt_engine *e, const struct kt_ledger *lg, size_t *len)
{
    uint8_t *buf;
    struct kt_err err;
    assert_int_equal(kt_state_save_mem(e, lg, &buf, len, &err), KT_OK);
    return buf;
}

static enum kt_rc load_mem(struct fixture *fx, const uint8_t *buf, size_t len,
                           struct kt_engine **out, struct kt_err *err)
{
    struct kt_engine *e = engine_new(fx, 0);
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    enum kt_rc rc = kt_state_load_mem(buf, len, "test.state", e, lg, NULL, err);
    kt_ledger_free(lg);
    if (out != NULL && rc == KT_OK) {
        *out = e;
    } else {
        kt_engine_free(e);
    }
    return rc;
}

static void test_roundtrip_same_bytes(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *a = engine_new(fx, 0);
    for (unsigned k = 0; k < 20; k++) {
        history(a, k, k % 5 == 0);
    }
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    struct kt_ledger_entry le = { .head_len = 100, .tail_len = 100, .consumed = 100, .dev = 1,
                                  .ino = 2, .size = 100, .kind = KT_LEDGER_LINES };
    snprintf(le.path, sizeof(le.path), "/var/log/api/access.log");
    assert_int_equal(kt_ledger_add(lg, &le), KT_OK);
    size_t n1, n2;
    uint8_t *s1 = save_mem(a, lg, &n1);
    struct kt_engine *b = engine_new(fx, 0);
    struct kt_ledger *lg2;
    assert_int_equal(kt_ledger_new(&lg2), KT_OK);
    struct kt_err err;
    struct kt_state_info info;
    assert_int_equal(kt_state_load_mem(s1, n1, "x", b, lg2, &info, &err), KT_OK);
    assert_int_equal(info.keys, 20);
    assert_int_equal(info.inputs, 1);
    assert_int_equal(kt_ledger_count(lg2), 1);
    assert_string_equal(kt_ledger_at(lg2, 0)->path, "/var/log/api/access.log");
    assert_int_equal(kt_engine_findings(b), kt_engine_findings(a));
    assert_true(kt_engine_findings(a) > 0);
    uint8_t *s2 = save_mem(b, lg2, &n2);
    /* Only the save time (and so the header checksum) may differ. */
    assert_int_equal(n1, n2);
    assert_memory_equal(s1 + 32, s2 + 32, n1 - 32);
    /* Verdicts and risks survive. */
    for (unsigned k = 0; k < 20; k++) {
        struct kt_cred c = key_n(k);
        enum kt_verdict va, vb;
        int ra = kt_engine_risk(a, kt_engine_keystate(a, &c.key), &va);
        int rb = kt_engine_risk(b, kt_engine_keystate(b, &c.key), &vb);
        assert_int_equal(ra, rb);
        assert_int_equal(va, vb);
    }
    free(s1);
    free(s2);
    kt_ledger_free(lg);
    kt_ledger_free(lg2);
    kt_engine_free(a);
    kt_engine_free(b);
}

static void test_alerts_not_repeated(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *a = engine_new(fx, 0);
    history(a, 7, true);
    int first = fx->n_alerts;
    assert_true(first > 0);
    size_t n;
    uint8_t *s = save_mem(a, NULL, &n);
    struct kt_engine *b = NULL;
    struct kt_err err;
    assert_int_equal(load_mem(fx, s, n, &b, &err), KT_OK);
    fx->n_alerts = 0;
    /* The thief comes back with the same client from the same place: nothing new. */
    for (int i = 0; i < 5; i++) {
        feed(b, 7, T0 + 23 * DAY + 3 * HOUR + i * 60000, "203.0.113.213",
             "python-requests/2.32.3");
    }
    assert_int_equal(fx->n_alerts, 0);
    /* Something new still alerts. */
    feed(b, 7, T0 + 23 * DAY + 4 * HOUR, "203.0.113.213", "curl/8.5.0");
    assert_true(fx->n_alerts > 0);
    free(s);
    kt_engine_free(a);
    kt_engine_free(b);
}

/* A small state with a finding and a ledger entry, for the corruption tests. */
static uint8_t *small_state(struct fixture *fx, size_t *len)
{
    struct kt_engine *e = engine_new(fx, 0);
    history(e, 1, true);
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    struct kt_ledger_entry le = { .head_len = 10, .tail_len = 10, .consumed = 10, .size = 10 };
    snprintf(le.path, sizeof(le.path), "a.log");
    assert_int_equal(kt_ledger_add(lg, &le), KT_OK);
    uint8_t *s = save_mem(e, lg, len);
    kt_ledger_free(lg);
    kt_engine_free(e);
    return s;
}

static void test_every_flipped_byte_refused(void **state)
{
    struct fixture *fx = *state;
    size_t n;
    uint8_t *s = small_state(fx, &n);
    struct kt_err err;
    assert_int_equal(load_mem(fx, s, n, NULL, &err), KT_OK);
    for (size_t i = 0; i < n; i++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            s[i] ^= (uint8_t)(1u << bit);
            kt_err_clear(&err);
            enum kt_rc rc = load_mem(fx, s, n, NULL, &err);
            if (rc != KT_EPARSE) {
                fail_msg("byte %zu bit %u: rc %d", i, bit, rc);
            }
            assert_non_null(strstr(err.where, "test.state"));
            s[i] ^= (uint8_t)(1u << bit);
        }
    }
    free(s);
}

static void test_every_truncation_refused(void **state)
{
    struct fixture *fx = *state;
    size_t n;
    uint8_t *s = small_state(fx, &n);
    struct kt_err err;
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, s, cut);
        kt_err_clear(&err);
        assert_int_equal(load_mem(fx, copy, cut, NULL, &err), KT_EPARSE);
        free(copy);
    }
    /* And a byte too many. */
    uint8_t *longer = malloc(n + 1);
    memcpy(longer, s, n);
    longer[n] = 0;
    assert_int_equal(load_mem(fx, longer, n + 1, NULL, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "after its end"));
    free(longer);
    free(s);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

#include <zlib.h>

static void test_foreign_empty_and_future_refused(void **state)
{
    struct fixture *fx = *state;
    struct kt_err err;
    assert_int_equal(load_mem(fx, (const uint8_t *)"", 0, NULL, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "empty"));
    const char *gz = "\x1f\x8b\x08\x00 not a state at all, a gzip or a log";
    assert_int_equal(load_mem(fx, (const uint8_t *)gz, strlen(gz), NULL, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "another program"));
    size_t n;
    uint8_t *s = small_state(fx, &n);
    put_le32(s + 8, KT_STATE_VERSION + 1);
    put_le32(s + 28, (uint32_t)crc32(0, s, 28));
    assert_int_equal(load_mem(fx, s, n, NULL, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "newer"));
    free(s);
}

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/kt-state-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        n += de->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void test_save_atomic_and_private(void **state)
{
    struct fixture *fx = *state;
    char *dir = tmpdir();
    char path[256];
    snprintf(path, sizeof(path), "%s/state", dir);
    struct kt_engine *e = engine_new(fx, 0);
    history(e, 3, true);
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    struct kt_err err;
    struct kt_state_info info = { 0 };
    assert_int_equal(kt_state_check_path(path, &err), KT_OK);
    assert_int_equal(kt_state_save(path, e, lg, &info, &err), KT_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal((uint64_t)st.st_size, info.file_bytes);
    assert_int_equal(dir_entries(dir), 1); /* no temporary file left behind */
    /* Loading the file gives the keys back. */
    struct kt_engine *b = engine_new(fx, 0);
    struct kt_ledger *lg2;
    assert_int_equal(kt_ledger_new(&lg2), KT_OK);
    bool found;
    assert_int_equal(kt_state_load(path, b, lg2, &found, NULL, &err), KT_OK);
    assert_true(found);
    assert_int_equal(kt_engine_keys(b), 1);
    /* A missing file is a first run. */
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/none", dir);
    struct kt_engine *c = engine_new(fx, 0);
    assert_int_equal(kt_state_load(missing, c, lg2, &found, NULL, &err), KT_OK);
    assert_false(found);
    /* A path whose directory does not exist is refused before anything is read. */
    snprintf(missing, sizeof(missing), "%s/no/such/dir/state", dir);
    assert_int_equal(kt_state_check_path(missing, &err), KT_EOPEN);
    assert_int_equal(kt_state_save(missing, e, lg, NULL, &err), KT_EOPEN);
    /* A failed save leaves the old state as it was. */
    if (getuid() != 0) {
        uint8_t *before;
        size_t before_len;
        before = (uint8_t *)kt_test_slurp(path, &before_len);
        chmod(dir, 0500);
        history(e, 4, false);
        assert_int_not_equal(kt_state_save(path, e, lg, NULL, &err), KT_OK);
        chmod(dir, 0700);
        size_t after_len;
        uint8_t *after = (uint8_t *)kt_test_slurp(path, &after_len);
        assert_int_equal(before_len, after_len);
        assert_memory_equal(before, after, before_len);
        free(before);
        free(after);
    }
    unlink(path);
    rmdir(dir);
    free(dir);
    kt_ledger_free(lg);
    kt_ledger_free(lg2);
    kt_engine_free(e);
    kt_engine_free(b);
    kt_engine_free(c);
}

static void test_lock_keeps_second_run_out(void **state)
{
    (void)state;
    char *dir = tmpdir();
    char path[256], lock_path[300];
    snprintf(path, sizeof(path), "%s/state", dir);
    snprintf(lock_path, sizeof(lock_path), "%s.lock", path);
    struct kt_state_lock *a, *b;
    struct kt_err err;
    assert_int_equal(kt_state_lock(path, false, &a, &err), KT_OK);
    assert_int_equal(kt_state_lock(path, false, &b, &err), KT_EIO);
    assert_null(b);
    assert_non_null(strstr(err.msg, "another keytrail run"));
    assert_non_null(strstr(err.msg, "--wait"));
    assert_string_equal(err.where, path);
    kt_state_unlock(a);
    assert_int_equal(kt_state_lock(path, false, &b, &err), KT_OK);
    kt_state_unlock(b);
    kt_state_unlock(NULL);
    unlink(lock_path);
    rmdir(dir);
    free(dir);
}

/* Each key's serialised form, to compare two engines key by key. */
static void assert_same_keys(const struct kt_engine *a, const struct kt_engine *b, unsigned n)
{
    assert_int_equal(kt_engine_keys(a), kt_engine_keys(b));
    assert_int_equal(kt_engine_findings(a), kt_engine_findings(b));
    for (unsigned k = 0; k < n; k++) {
        struct kt_cred c = key_n(k);
        const struct kt_keystate *ka = kt_engine_keystate(a, &c.key);
        const struct kt_keystate *kb = kt_engine_keystate(b, &c.key);
        assert_non_null(ka);
        assert_non_null(kb);
        struct kt_wbytes wa = { 0 }, wb = { 0 };
        kt_keystate_write(&wa, a, ka, kt_engine_det_state_size(a));
        kt_keystate_write(&wb, b, kb, kt_engine_det_state_size(b));
        assert_int_equal(wa.len, wb.len);
        assert_memory_equal(wa.p, wb.p, wa.len);
        free(wa.p);
        free(wb.p);
    }
}

static enum kt_rc copy_key(void *ctx, const struct kt_keystate *ks)
{
    void **pair = ctx;
    struct kt_engine *dst = pair[0];
    const struct kt_engine *src = pair[1];
    struct kt_finding f[KT_KEY_FINDINGS];
    for (size_t i = 0; i < ks->n_findings; i++) {
        f[i] = *kt_engine_key_finding(src, ks, i);
    }
    return kt_engine_restore_key(dst, ks, f, ks->n_findings, ks->det_state);
}

static void test_merge_of_key_disjoint_halves(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *whole = engine_new(fx, 0), *h1 = engine_new(fx, 0), *h2 = engine_new(fx, 0);
    for (unsigned k = 0; k < 12; k++) {
        history(whole, k, k % 4 == 1);
        history(k % 2 ? h1 : h2, k, k % 4 == 1);
    }
    struct kt_engine *merged = engine_new(fx, 0);
    void *p1[2] = { merged, h1 }, *p2[2] = { merged, h2 };
    assert_int_equal(kt_engine_each_key(h1, copy_key, p1), KT_OK);
    assert_int_equal(kt_engine_each_key(h2, copy_key, p2), KT_OK);
    assert_same_keys(whole, merged, 12);
    /* A key present in both halves (a time split) adds up its counts. */
    struct kt_engine *t1 = engine_new(fx, 0), *t2 = engine_new(fx, 0);
    feed(t1, 99, T0, "192.0.2.14", "git/2.47.1");
    feed(t2, 99, T0 + DAY, "192.0.2.14", "git/2.47.1");
    void *p3[2] = { t1, t2 };
    assert_int_equal(kt_engine_each_key(t2, copy_key, p3), KT_OK);
    struct kt_cred c = key_n(99);
    const struct kt_keystate *ks = kt_engine_keystate(t1, &c.key);
    assert_int_equal(ks->events, 2);
    assert_int_equal(ks->base.events, 2);
    assert_int_equal(ks->first_ms, T0);
    assert_int_equal(ks->last_ms, T0 + DAY);
    kt_engine_free(t1);
    kt_engine_free(t2);
    kt_engine_free(whole);
    kt_engine_free(h1);
    kt_engine_free(h2);
    kt_engine_free(merged);
}

static void test_retention_and_forget(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *e = engine_new(fx, 0);
    feed(e, 1, T0, "192.0.2.14", "git/2.47.1");                  /* old, quiet */
    history(e, 2, false);                                          /* recent */
    feed(e, 3, T0 + 400 * DAY, "192.0.2.15", "git/2.47.1");      /* newest */
    feed(e, 2, T0 + 399 * DAY, "198.51.100.7", "git/2.47.1");
    assert_int_equal(kt_engine_keys(e), 3);
    struct kt_retention r = { .key_days = 365, .entry_days = 180 };
    assert_int_equal(kt_engine_age(e, T0 + 400 * DAY, &r), 1);
    struct kt_cred c1 = key_n(1), c2 = key_n(2), c3 = key_n(3);
    assert_null(kt_engine_keystate(e, &c1.key));
    assert_non_null(kt_engine_keystate(e, &c3.key));
    /* Key 2's address of a year ago faded out of its baseline; key 3's recent one stays. */
    const struct kt_keystate *k2 = kt_engine_keystate(e, &c2.key);
    assert_false(kt_baseline_has_ip(&k2->base, kt_str_cstr("192.0.2.14")));
    assert_true(kt_baseline_has_ip(&kt_engine_keystate(e, &c3.key)->base,
                                   kt_str_cstr("192.0.2.15")));
    /* The state still saves and loads after keys moved slots. */
    size_t n;
    uint8_t *s = save_mem(e, NULL, &n);
    struct kt_engine *b = NULL;
    struct kt_err err;
    assert_int_equal(load_mem(fx, s, n, &b, &err), KT_OK);
    assert_int_equal(kt_engine_keys(b), 2);
    assert_true(kt_engine_forget(b, &c2.key));
    assert_false(kt_engine_forget(b, &c2.key));
    assert_int_equal(kt_engine_keys(b), 1);
    assert_non_null(kt_engine_keystate(b, &c3.key));
    free(s);
    kt_engine_free(e);
    kt_engine_free(b);
}

static void test_load_over_max_keys_evicts_oldest(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *e = engine_new(fx, 0);
    for (unsigned k = 0; k < 10; k++) {
        feed(e, k, T0 + k * HOUR, "192.0.2.14", "git/2.47.1");
    }
    size_t n;
    uint8_t *s = save_mem(e, NULL, &n);
    struct kt_engine *b = engine_new(fx, 4);
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    struct kt_err err;
    assert_int_equal(kt_state_load_mem(s, n, "x", b, lg, NULL, &err), KT_OK);
    assert_int_equal(kt_engine_keys(b), 4);
    struct kt_cred newest = key_n(9), oldest = key_n(0);
    assert_non_null(kt_engine_keystate(b, &newest.key));
    assert_null(kt_engine_keystate(b, &oldest.key));
    kt_ledger_free(lg);
    free(s);
    kt_engine_free(e);
    kt_engine_free(b);
}

/* The other party's footprint: kept only for keys with quarantined uses, saved, loaded back
 * equal, and in the report with its errors counted. */
static void test_footprint_saved_and_reported(void **state)
{
    struct fixture *fx = *state;
    struct kt_cred thief = key_n(3), owner = key_n(4);
    /* Key 3 was declared leaked at the thief's night: those uses are critical, so quarantined. */
    char line[64], id[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&thief.key, id);
    snprintf(line, sizeof(line), "%s 2026-10-13\n", id);
    struct kt_leaked *leaked;
    struct kt_err err;
    assert_int_equal(kt_leaked_load_buffer(&leaked, "leaked", line, strlen(line), &err), KT_OK);
    struct kt_engine_opts eo = { .cfg = &fx->cfg, .leaked = leaked };
    struct kt_engine *a;
    assert_int_equal(kt_engine_new(&a, &eo, &err), KT_OK);
    history(a, 3, true);
    history(a, 4, false);
    const struct kt_keystate *ka = kt_engine_keystate(a, &thief.key);
    assert_true(ka->quarantined > 0);
    assert_non_null(ka->other);
    assert_int_equal(ka->other->events, ka->quarantined);
    assert_null(kt_engine_keystate(a, &owner.key)->other); /* allocated only when needed */
    size_t n;
    uint8_t *s = save_mem(a, NULL, &n);
    struct kt_engine *b = NULL;
    assert_int_equal(load_mem(fx, s, n, &b, &err), KT_OK);
    const struct kt_keystate *kb = kt_engine_keystate(b, &thief.key);
    assert_non_null(kb->other);
    assert_memory_equal(ka->other, kb->other, sizeof(*kb->other));
    assert_null(kt_engine_keystate(b, &owner.key)->other);

    struct kt_report r;
    assert_int_equal(kt_engine_report(b, true, &r), KT_OK);
    bool seen = false;
    for (size_t i = 0; i < r.n_keys; i++) {
        struct kt_report_key buf;
        const struct kt_report_key *rk = kt_report_key_get(&r, i, &buf);
        if (!kt_keyid_eq(&rk->key, &thief.key)) {
            continue;
        }
        seen = true;
        assert_int_equal(rk->other.events, kb->other->events);
        assert_int_equal(rk->errors, kb->base.errors + kb->other->errors);
        assert_int_equal(rk->other.n_addrs, 1);
        assert_string_equal(rk->other.addrs[0].name, "203.0.113.213");
        assert_string_equal(rk->other.agents[0].name, "python-requests/2.32.3");
        /* The baseline's agents stay the owner's. */
        assert_string_equal(rk->agents[0].name, "git/2.47.1");
    }
    assert_true(seen);
    /* Loading a second copy into the same engine (state merge) adds the footprints. */
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    assert_int_equal(kt_state_load_mem(s, n, "again", b, lg, NULL, &err), KT_OK);
    assert_int_equal(kt_engine_keystate(b, &thief.key)->other->events, 2 * ka->other->events);
    kt_ledger_free(lg);
    free(s);
    kt_engine_free(a);
    kt_engine_free(b);
    kt_leaked_free(leaked);
}

/* A state of format 1 (saved before footprints existed, by scan over one CloudTrail file of
 * samples/) still loads: its keys, findings and ledger, no footprint; saved again it is of the
 * current format and loads back. */
static void test_format_1_loads(void **state)
{
    struct fixture *fx = *state;
    struct kt_engine *e = engine_new(fx, 0);
    struct kt_ledger *lg;
    assert_int_equal(kt_ledger_new(&lg), KT_OK);
    bool found;
    struct kt_state_info info;
    struct kt_err err;
    enum kt_rc rc = kt_state_load(kt_test_path("tests/fixtures/state/v1-cloudtrail.state"), e, lg,
                                  &found, &info, &err);
    if (rc != KT_OK) {
        fail_msg("%s: %s", err.where, err.msg);
    }
    assert_true(found);
    assert_int_equal(info.version, 1);
    assert_int_equal(info.keys, 4);
    assert_int_equal(info.findings, 6);
    assert_int_equal(info.inputs, 1);
    struct kt_keyid thief;
    assert_true(kt_keyid_parse(kt_str_cstr("kt1-e67af113cf3af606a429d356"), &thief));
    const struct kt_keystate *ks = kt_engine_keystate(e, &thief);
    assert_non_null(ks);
    assert_true(ks->quarantined > 0);
    assert_null(ks->other);
    enum kt_verdict v;
    kt_engine_risk(e, ks, &v);
    assert_int_equal(v, KT_VERDICT_ROTATE);
    size_t n;
    uint8_t *s = save_mem(e, lg, &n);
    struct kt_rbytes r;
    kt_rb_init(&r, s + 8, 4);
    assert_int_equal(kt_rb_le(&r, 4), KT_STATE_VERSION);
    assert_true(KT_STATE_VERSION >= 2);
    struct kt_engine *b = NULL;
    assert_int_equal(load_mem(fx, s, n, &b, &err), KT_OK);
    assert_int_equal(kt_engine_keys(b), 4);
    free(s);
    kt_ledger_free(lg);
    kt_engine_free(e);
    kt_engine_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alerts_not_repeated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_flipped_byte_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_truncation_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_empty_and_future_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_atomic_and_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_keeps_second_run_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_of_key_disjoint_halves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retention_and_forget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_over_max_keys_evicts_oldest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_footprint_saved_and_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_1_loads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
