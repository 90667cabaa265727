/*
 * The other party's footprint (src/footprint.c): uses, errors and times counted; each set keeps
 * its first values up to its cap and counts the rest in `more`, whatever the input; a token in
 * an agent or a path never reaches a name; merging adds; a written footprint reads back
 * equal, and every truncation or hostile record is refused.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "footprint.h"

#define T0 1793750400000LL /* 2026-11-04T00:00Z */
#define GHP "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"

/* One use from ip with ua, calling method path, answered with status. */
static void use(struct kt_footprint *fp, int64_t t, const char *ip, const char *ua,
                const char *method, const char *path, int status, uint32_t asn, const char *country)
{
    struct kt_event ev;
    memset(&ev, 0, sizeof(ev));
    kt_event_reset(&ev);
    ev.time_ms = t;
    ev.ip = kt_str_cstr(ip);
    ev.user_agent = kt_str_cstr(ua);
    ev.method = kt_str_cstr(method);
    ev.resource = kt_str_cstr(path);
    ev.status = status;
    struct kt_geo geo = {.kind = KT_ADDR_PUBLIC, .asn = asn};
    snprintf(geo.country, sizeof(geo.country), "%s", country);
    snprintf(geo.as_org, sizeof(geo.as_org), "Example VPS Hosting SRL");
    struct kt_obs o;
    kt_obs_from_event(&o, &ev, &geo);
    kt_footprint_learn(fp, &o);
}

static const struct kt_fp_name *find(const struct kt_footprint *fp, enum kt_fp_set s,
                                     const char *name)
{
    size_t n;
    const struct kt_fp_name *set = kt_footprint_set(fp, s, &n);
    for (size_t i = 0; i < n; i++) {
        if (set[i].count > 0 && strcmp(set[i].name, name) == 0) {
            return &set[i];
        }
    }
    return NULL;
}

static size_t used(const struct kt_footprint *fp, enum kt_fp_set s)
{
    size_t n, k = 0;
    const struct kt_fp_name *set = kt_footprint_set(fp, s, &n);
    for (size_t i = 0; i < n; i++) {
        k += set[i].count > 0;
    }
    return k;
}

static void test_counts_and_times(void **state)
{
    (void)state;
    struct kt_footprint fp;
    kt_footprint_init(&fp);
    assert_int_equal(fp.first_ms, KT_TIME_NONE);
    use(&fp, T0 + 5000, "203.0.113.213", "python-requests/2.32.3", "GET", "/user", 200, 64511,
        "RO");
    use(&fp, T0 + 1000, "203.0.113.213", "python-requests/2.32.3", "GET", "/orgs/acme/members", 403,
        64511, "RO");
    use(&fp, T0 + 9000, "203.0.113.214", "curl/8.5.0", "GET", "/user", 401, 64511, "RO");
    assert_int_equal(fp.events, 3);
    assert_int_equal(fp.errors, 2);
    assert_int_equal(fp.first_ms, T0 + 1000);
    assert_int_equal(fp.last_ms, T0 + 9000);
    assert_int_equal(find(&fp, KT_FP_ADDR, "203.0.113.213")->count, 2);
    assert_int_equal(find(&fp, KT_FP_ADDR, "203.0.113.214")->count, 1);
    assert_int_equal(find(&fp, KT_FP_ASN, "AS64511 Example VPS Hosting SRL")->count, 3);
    assert_int_equal(find(&fp, KT_FP_COUNTRY, "RO")->count, 3);
    assert_int_equal(find(&fp, KT_FP_AGENT, "python-requests/2.32.3")->count, 2);
    assert_int_equal(find(&fp, KT_FP_AGENT, "curl/8.5.0")->count, 1);
    assert_int_equal(find(&fp, KT_FP_OP, "GET /user")->count, 2);
    /* Operations keep the order of their first use. */
    size_t n;
    const struct kt_fp_name *ops = kt_footprint_set(&fp, KT_FP_OP, &n);
    assert_string_equal(ops[0].name, "GET /user");
    assert_string_equal(ops[1].name, "GET /orgs/acme/members");
}

static void test_bounded(void **state)
{
    (void)state;
    struct kt_footprint fp;
    kt_footprint_init(&fp);
    /* 1000 uses, each from its own address, agent, network, country and path. */
    for (int i = 0; i < 1000; i++) {
        char ip[32], ua[32], path[32], cc[3] = {(char)('A' + i % 26), (char)('A' + i / 26 % 26), 0};
        snprintf(ip, sizeof(ip), "198.51.%d.%d", i / 256, i % 256);
        snprintf(ua, sizeof(ua), "tool%d/1.0", i);
        snprintf(path, sizeof(path), "/p%d", i);
        use(&fp, T0 + i, ip, ua, "GET", path, 200, (uint32_t)(65000 + i), cc);
    }
    assert_int_equal(fp.events, 1000);
    assert_int_equal(used(&fp, KT_FP_ADDR), KT_FP_ADDRS);
    assert_int_equal(used(&fp, KT_FP_ASN), KT_FP_ASNS);
    assert_int_equal(used(&fp, KT_FP_COUNTRY), KT_FP_COUNTRIES);
    assert_int_equal(used(&fp, KT_FP_AGENT), KT_FP_AGENTS);
    assert_int_equal(used(&fp, KT_FP_OP), KT_FP_OPS);
    assert_int_equal(fp.more[KT_FP_ADDR], 1000 - KT_FP_ADDRS);
    assert_int_equal(fp.more[KT_FP_AGENT], 1000 - KT_FP_AGENTS);
    /* Every use is either in a kept value's count or in more. */
    for (int s = 0; s < KT_FP__SETS; s++) {
        size_t n;
        uint64_t sum = fp.more[s];
        const struct kt_fp_name *set = kt_footprint_set(&fp, (enum kt_fp_set)s, &n);
        for (size_t i = 0; i < n; i++) {
            sum += set[i].count;
        }
        assert_int_equal(sum, 1000);
    }
    /* The first values are the ones kept. */
    assert_non_null(find(&fp, KT_FP_ADDR, "198.51.0.0"));
    assert_null(find(&fp, KT_FP_ADDR, "198.51.3.231"));
    /* Its memory is its size: nothing grew. */
    assert_true(sizeof(fp) < 4096);
}

static void test_token_never_kept(void **state)
{
    (void)state;
    struct kt_footprint fp;
    kt_footprint_init(&fp);
    use(&fp, T0, "203.0.113.7", "curl/8 " GHP, "GET", "/x?access_token=" GHP, 200, 0, "");
    size_t n;
    const struct kt_fp_name *slots = kt_footprint_set(&fp, KT_FP_ADDR, &n);
    for (size_t i = 0; i < KT_FP_SLOTS; i++) {
        assert_null(strstr(slots[i].name, "zQWBuTSO"));
    }
    assert_int_equal(used(&fp, KT_FP_ASN), 0);
    assert_int_equal(used(&fp, KT_FP_COUNTRY), 0);
}

static void test_merge_adds(void **state)
{
    (void)state;
    struct kt_footprint a, b;
    kt_footprint_init(&a);
    kt_footprint_init(&b);
    use(&a, T0 + 10, "203.0.113.213", "curl/8.5.0", "GET", "/user", 403, 64511, "RO");
    use(&b, T0 + 1, "203.0.113.213", "curl/8.5.0", "GET", "/user", 200, 64511, "RO");
    use(&b, T0 + 99, "203.0.113.9", "curl/8.5.0", "POST", "/user/keys", 200, 64511, "RO");
    kt_footprint_merge(&a, &b);
    assert_int_equal(a.events, 3);
    assert_int_equal(a.errors, 1);
    assert_int_equal(a.first_ms, T0 + 1);
    assert_int_equal(a.last_ms, T0 + 99);
    assert_int_equal(find(&a, KT_FP_ADDR, "203.0.113.213")->count, 2);
    assert_int_equal(find(&a, KT_FP_OP, "POST /user/keys")->count, 1);
    /* An empty one changes nothing. */
    struct kt_footprint empty, copy = a;
    kt_footprint_init(&empty);
    kt_footprint_merge(&a, &empty);
    assert_memory_equal(&a, &copy, sizeof(a));
}

static struct kt_footprint sample(void)
{
    struct kt_footprint fp;
    kt_footprint_init(&fp);
    for (int i = 0; i < 30; i++) {
        char ip[32];
        snprintf(ip, sizeof(ip), "203.0.113.%d", i % 11);
        use(&fp, T0 + i * 1000, ip, i % 2 ? "curl/8.5.0" : "aws-cli/2.15.30", "GET",
            i % 3 ? "/a" : "/b", i % 4 ? 200 : 403, 64511, "RO");
    }
    return fp;
}

static void test_roundtrip_and_truncation(void **state)
{
    (void)state;
    struct kt_footprint fp = sample(), back;
    struct kt_wbytes w = {0};
    kt_footprint_write(&w, &fp);
    assert_false(w.failed);
    struct kt_rbytes r;
    kt_rb_init(&r, w.p, w.len);
    assert_true(kt_footprint_read(&r, &back));
    assert_int_equal(r.pos, w.len);
    assert_memory_equal(&fp, &back, sizeof(fp));
    for (size_t cut = 0; cut < w.len; cut++) {
        kt_rb_init(&r, w.p, cut);
        assert_false(kt_footprint_read(&r, &back));
    }
    free(w.p);
}

static void test_hostile_records_refused(void **state)
{
    (void)state;
    struct kt_footprint fp = sample(), back;
    struct kt_wbytes w = {0};
    kt_footprint_write(&w, &fp);
    struct kt_rbytes r;
    /* Every byte changed to every value either reads back as something the writer could have
     * written (and then within the caps) or is refused; never past the buffer. */
    uint8_t *copy = malloc(w.len);
    for (size_t i = 0; i < w.len; i++) {
        for (int v = 0; v < 256; v += 5) {
            memcpy(copy, w.p, w.len);
            copy[i] = (uint8_t)v;
            kt_rb_init(&r, copy, w.len);
            if (kt_footprint_read(&r, &back)) {
                assert_true(back.errors <= back.events);
                for (int s = 0; s < KT_FP__SETS; s++) {
                    size_t n;
                    const struct kt_fp_name *set = kt_footprint_set(&back, (enum kt_fp_set)s, &n);
                    for (size_t k = 0; k < n; k++) {
                        assert_true(set[k].count <= back.events);
                        for (const char *c = set[k].name; *c; c++) {
                            assert_true((unsigned char)*c >= 0x20);
                        }
                    }
                }
            }
        }
    }
    free(copy);
    /* A set that claims more names than its cap. */
    struct kt_wbytes h = {0};
    kt_wb_zz(&h, T0);
    kt_wb_zz(&h, T0);
    kt_wb_var(&h, 100);
    kt_wb_var(&h, 0);
    for (int s = 0; s < KT_FP__SETS; s++) {
        kt_wb_var(&h, 0);
    }
    kt_wb_u8(&h, KT_FP_ADDRS + 1);
    for (int i = 0; i <= KT_FP_ADDRS; i++) {
        char ip[16];
        snprintf(ip, sizeof(ip), "10.0.0.%d", i);
        kt_wb_str(&h, ip, sizeof(ip));
        kt_wb_var(&h, 1);
    }
    for (int s = 1; s < KT_FP__SETS; s++) {
        kt_wb_u8(&h, 0);
    }
    kt_rb_init(&r, h.p, h.len);
    assert_false(kt_footprint_read(&r, &back));
    /* More errors than uses. */
    h.len = 0;
    kt_wb_zz(&h, T0);
    kt_wb_zz(&h, T0);
    kt_wb_var(&h, 1);
    kt_wb_var(&h, 2);
    for (int s = 0; s < 2 * KT_FP__SETS; s++) {
        kt_wb_u8(&h, 0);
    }
    kt_rb_init(&r, h.p, h.len);
    assert_false(kt_footprint_read(&r, &back));
    free(h.p);
    free(w.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_and_times),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_token_never_kept),
        cmocka_unit_test(test_merge_adds),
        cmocka_unit_test(test_roundtrip_and_truncation),
        cmocka_unit_test(test_hostile_records_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
