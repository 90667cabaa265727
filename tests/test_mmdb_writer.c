/*
 * MaxMind DB writer and networks CSV reader: databases are written with kt_mmdb_write and read
 * back with libmaxminddb itself (MMDB_open / MMDB_lookup_string / MMDB_get_value), so every
 * field, type and tree edge is checked against the reference reader, not against our own
 * lookup code.
 */
#include "testutil.h"

#include <maxminddb.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmdb_writer_ex.h"

static char tmpdir[64];

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/keytrail-mmdbw-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
    static char buf[2][256];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

/* An entry from a CIDR string; the rest is filled by the caller. */
static struct kt_mmdb_entry net(const char *cidr)
{
    struct kt_mmdb_entry e;
    memset(&e, 0, sizeof(e));
    char addr[64];
    const char *slash = strchr(cidr, '/');
    assert_non_null(slash);
    size_t n = (size_t)(slash - cidr);
    assert_true(n < sizeof(addr));
    memcpy(addr, cidr, n);
    addr[n] = '\0';
    assert_true(kt_ip_parse(kt_str_cstr(addr), &e.network));
    e.prefix = (unsigned)strtoul(slash + 1, NULL, 10) + (e.network.v4 ? 96 : 0);
    return e;
}

static struct kt_mmdb_entry city_entry(const char *cidr, const char *cc, const char *cname,
                                       const char *city, double lat, double lon)
{
    struct kt_mmdb_entry e = net(cidr);
    snprintf(e.country, sizeof(e.country), "%s", cc);
    snprintf(e.country_name, sizeof(e.country_name), "%s", cname);
    snprintf(e.city, sizeof(e.city), "%s", city);
    e.has_location = !isnan(lat);
    e.lat = e.has_location ? lat : 0;
    e.lon = e.has_location ? lon : 0;
    return e;
}

static void open_db(const char *path, MMDB_s *m)
{
    int st = MMDB_open(path, MMDB_MODE_MMAP, m);
    if (st != MMDB_SUCCESS) {
        fail_msg("MMDB_open(%s): %s", path, MMDB_strerror(st));
    }
}

/* Looks addr up; returns whether an entry was found. */
static bool lookup(MMDB_s *m, const char *addr, MMDB_entry_s *entry)
{
    int gai = 0, st = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(m, addr, &gai, &st);
    assert_int_equal(gai, 0);
    assert_int_equal(st, MMDB_SUCCESS);
    if (r.found_entry) {
        *entry = r.entry;
    }
    return r.found_entry;
}

/* The value at a path, asserting its type; NULL-terminated path. */
static MMDB_entry_data_s value(MMDB_entry_s *e, uint32_t type, const char *const *path)
{
    MMDB_entry_data_s d;
    int st = MMDB_aget_value(e, &d, path);
    if (st != MMDB_SUCCESS || !d.has_data) {
        fail_msg("path %s.%s missing (%s)", path[0], path[1] ? path[1] : "",
                 MMDB_strerror(st));
    }
    assert_int_equal(d.type, type);
    return d;
}

static void expect_str(MMDB_entry_s *e, const char *want, const char *const *path)
{
    MMDB_entry_data_s d = value(e, MMDB_DATA_TYPE_UTF8_STRING, path);
    assert_int_equal(d.data_size, strlen(want));
    assert_memory_equal(d.utf8_string, want, d.data_size);
}

static bool has_path(MMDB_entry_s *e, const char *const *path)
{
    MMDB_entry_data_s d;
    return MMDB_aget_value(e, &d, path) == MMDB_SUCCESS && d.has_data;
}

#define PATH(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- schemas ---- */

static void test_maxmind_city_fields(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[4];
    e[0] = city_entry("192.0.2.0/26", "DE", "Germany", "Berlin", 52.52, 13.405);
    e[1] = city_entry("2001:db8:300::/48", "SG", "Singapore", "Singapore", 1.3521, 103.8198);
    e[1].accuracy_km = 7;
    e[2] = city_entry("198.51.100.0/24", "US", "United States", "", 37.751, -97.822);
    e[3] = city_entry("203.0.113.0/24", "BR", "", "São Paulo", NAN, NAN);
    const char *path = tmp("maxmind.mmdb");
    struct kt_err err;
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "keytrail-City", e, 4, &err),
                     KT_OK);

    MMDB_s m;
    MMDB_entry_s en;
    open_db(path, &m);
    assert_string_equal(m.metadata.database_type, "keytrail-City");
    assert_int_equal(m.metadata.ip_version, 6);
    assert_int_equal(m.metadata.record_size, 24);
    assert_int_equal(m.metadata.binary_format_major_version, 2);
    assert_int_equal(m.metadata.binary_format_minor_version, 0);
    assert_int_equal(m.metadata.build_epoch, 1);
    assert_int_equal(m.metadata.languages.count, 1);
    assert_string_equal(m.metadata.languages.names[0], "en");
    assert_int_equal(m.metadata.description.count, 1);
    assert_string_equal(m.metadata.description.descriptions[0]->language, "en");

    assert_true(lookup(&m, "192.0.2.63", &en));
    expect_str(&en, "DE", PATH("country", "iso_code"));
    expect_str(&en, "Germany", PATH("country", "names", "en"));
    expect_str(&en, "Berlin", PATH("city", "names", "en"));
    assert_true(value(&en, MMDB_DATA_TYPE_DOUBLE, PATH("location", "latitude")).double_value ==
                52.52);
    assert_true(value(&en, MMDB_DATA_TYPE_DOUBLE, PATH("location", "longitude")).double_value ==
                13.405);
    /* A city's default radius. */
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT16, PATH("location", "accuracy_radius")).uint16,
                     20);

    assert_true(lookup(&m, "2001:db8:300:ffff::1", &en));
    expect_str(&en, "SG", PATH("country", "iso_code"));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT16, PATH("location", "accuracy_radius")).uint16,
                     7);
    assert_true(value(&en, MMDB_DATA_TYPE_DOUBLE, PATH("location", "longitude")).double_value ==
                103.8198);

    /* Country only: no city key, the country-level radius. */
    assert_true(lookup(&m, "198.51.100.200", &en));
    assert_false(has_path(&en, PATH("city")));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT16, PATH("location", "accuracy_radius")).uint16,
                     500);

    /* No location: no location key; no country name: iso_code alone; UTF-8 kept. */
    assert_true(lookup(&m, "203.0.113.9", &en));
    assert_false(has_path(&en, PATH("location")));
    assert_false(has_path(&en, PATH("country", "names")));
    expect_str(&en, "BR", PATH("country", "iso_code"));
    expect_str(&en, "São Paulo", PATH("city", "names", "en"));

    /* IPv4-mapped IPv6 finds the IPv4 data. */
    assert_true(lookup(&m, "::ffff:192.0.2.1", &en));
    expect_str(&en, "Berlin", PATH("city", "names", "en"));
    assert_false(lookup(&m, "192.0.2.64", &en));
    MMDB_close(&m);
}

static void test_flat_city_fields(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[2];
    e[0] = city_entry("192.0.2.0/26", "DE", "Germany", "Berlin", 52.52, 13.405);
    e[1] = city_entry("2001:db8:100::/48", "JP", "Japan", "", NAN, NAN);
    const char *path = tmp("flat.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_FLAT_CITY, "keytrail-City-Flat", e, 2, NULL),
                     KT_OK);
    MMDB_s m;
    MMDB_entry_s en;
    open_db(path, &m);
    assert_true(lookup(&m, "192.0.2.1", &en));
    expect_str(&en, "DE", PATH("country_code"));
    expect_str(&en, "Berlin", PATH("city"));
    /* ip-location-db stores coordinates as 32-bit floats. */
    assert_true(value(&en, MMDB_DATA_TYPE_FLOAT, PATH("latitude")).float_value == 52.52f);
    assert_true(value(&en, MMDB_DATA_TYPE_FLOAT, PATH("longitude")).float_value == 13.405f);
    assert_false(has_path(&en, PATH("country")));
    assert_false(has_path(&en, PATH("location")));
    assert_false(has_path(&en, PATH("country_name")));
    assert_true(lookup(&m, "2001:db8:100:1::", &en));
    expect_str(&en, "JP", PATH("country_code"));
    assert_false(has_path(&en, PATH("latitude")));
    assert_false(has_path(&en, PATH("city")));
    MMDB_close(&m);
}

static void test_asn_fields(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[4];
    e[0] = net("192.0.2.0/24");
    e[0].asn = 64501;
    snprintf(e[0].as_org, sizeof(e[0].as_org), "Example Business Fiber GmbH");
    e[1] = net("2001:db8:400::/48");
    e[1].asn = 4200000000u; /* needs all four bytes */
    e[2] = net("198.51.100.0/24");
    snprintf(e[2].as_org, sizeof(e[2].as_org), "Org without a number");
    /* Nothing for the ASN database: not inserted, so the covering /24 still answers. */
    e[3] = city_entry("192.0.2.128/25", "GB", "United Kingdom", "London", 51.5, -0.12);
    const char *path = tmp("asn.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_ASN, "keytrail-ASN", e, 4, NULL), KT_OK);
    MMDB_s m;
    MMDB_entry_s en;
    open_db(path, &m);
    assert_true(lookup(&m, "192.0.2.1", &en));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT32, PATH("autonomous_system_number")).uint32,
                     64501);
    expect_str(&en, "Example Business Fiber GmbH", PATH("autonomous_system_organization"));
    assert_true(lookup(&m, "192.0.2.200", &en));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT32, PATH("autonomous_system_number")).uint32,
                     64501);
    assert_true(lookup(&m, "2001:db8:400::9", &en));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT32, PATH("autonomous_system_number")).uint32,
                     4200000000u);
    assert_false(has_path(&en, PATH("autonomous_system_organization")));
    assert_true(lookup(&m, "198.51.100.1", &en));
    assert_false(has_path(&en, PATH("autonomous_system_number")));
    expect_str(&en, "Org without a number", PATH("autonomous_system_organization"));
    assert_false(has_path(&en, PATH("city")));
    MMDB_close(&m);
}

/* ---- the tree ---- */

struct probe {
    const char *addr;
    const char *want; /* city name used as a tag, or NULL for no match */
};

/* Nested and overlapping networks, /0, /32 and /128 edges; tags in the city field. */
static const struct {
    const char *cidr, *tag;
} nested[] = {
    { "10.0.0.0/8", "ten" },
    { "10.1.0.0/16", "ten-one" },
    { "10.1.2.0/24", "ten-one-two" },
    { "10.1.2.3/32", "host" },
    { "10.1.2.128/25", "upper-half" },
    { "0.0.0.0/1", "low-half" },
    { "2001:db8::/32", "doc6" },
    { "2001:db8:1::/48", "doc6-1" },
    { "2001:db8:1::1/128", "host6" },
    { "2001:db8:1:ffff:ffff:ffff:ffff:ffff/128", "last6" },
    { "255.255.255.255/32", "broadcast" },
};

static const struct probe nested_probes[] = {
    { "10.1.2.3", "host" },
    { "10.1.2.2", "ten-one-two" },
    { "10.1.2.4", "ten-one-two" },
    { "10.1.2.127", "ten-one-two" },
    { "10.1.2.128", "upper-half" },
    { "10.1.2.255", "upper-half" },
    { "10.1.3.0", "ten-one" },
    { "10.1.1.255", "ten-one" },
    { "10.2.0.0", "ten" },
    { "10.255.255.255", "ten" },
    { "9.255.255.255", "low-half" },
    { "11.0.0.0", "low-half" },
    { "0.0.0.0", "low-half" },
    { "127.255.255.255", "low-half" },
    { "128.0.0.0", NULL },
    { "255.255.255.254", NULL },
    { "255.255.255.255", "broadcast" },
    { "::ffff:10.1.2.3", "host" },
    { "::ffff:128.0.0.1", NULL },
    { "2001:db8:1::1", "host6" },
    { "2001:db8:1::", "doc6-1" },
    { "2001:db8:1::2", "doc6-1" },
    { "2001:db8:1:ffff:ffff:ffff:ffff:ffff", "last6" },
    { "2001:db8:1:ffff:ffff:ffff:ffff:fffe", "doc6-1" },
    { "2001:db8:2::", "doc6" },
    { "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "doc6" },
    { "2001:db9::", NULL },
    { "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", NULL },
    { "::2:0:0:1", NULL },
    /* ::/96 is the IPv4 space, so ::1 is 0.0.0.1 here, as in MaxMind's own databases. */
    { "::1", "low-half" },
};

static void check_probes(const char *path, const struct probe *p, size_t n)
{
    MMDB_s m;
    open_db(path, &m);
    for (size_t i = 0; i < n; i++) {
        MMDB_entry_s en;
        bool found = lookup(&m, p[i].addr, &en);
        if (p[i].want == NULL) {
            if (found) {
                fail_msg("%s: expected no match", p[i].addr);
            }
            continue;
        }
        if (!found) {
            fail_msg("%s: expected %s, found nothing", p[i].addr, p[i].want);
        }
        MMDB_entry_data_s d;
        assert_int_equal(MMDB_aget_value(&en, &d, PATH("city", "names", "en")), MMDB_SUCCESS);
        if (d.data_size != strlen(p[i].want) ||
            memcmp(d.utf8_string, p[i].want, d.data_size) != 0) {
            fail_msg("%s: expected %s, got %.*s", p[i].addr, p[i].want, (int)d.data_size,
                     d.utf8_string);
        }
    }
    MMDB_close(&m);
}

static void write_nested(const char *path, const size_t *order, size_t n)
{
    struct kt_mmdb_entry e[KT_ARRAY_LEN(nested)];
    for (size_t i = 0; i < n; i++) {
        e[i] = city_entry(nested[order[i]].cidr, "ZZ", "", nested[order[i]].tag, NAN, NAN);
    }
    struct kt_err err;
    enum kt_rc rc = kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "keytrail-City", e, n, &err);
    if (rc != KT_OK) {
        fail_msg("write: %s", err.msg);
    }
}

static void test_nested_any_order(void **state)
{
    (void)state;
    size_t n = KT_ARRAY_LEN(nested), order[KT_ARRAY_LEN(nested)];
    uint64_t rng = 42;
    for (int round = 0; round < 12; round++) {
        for (size_t i = 0; i < n; i++) {
            order[i] = round == 1 ? n - 1 - i : i; /* forward, reverse, then shuffled */
        }
        for (size_t i = n - 1; round >= 2 && i > 0; i--) {
            size_t j = (size_t)(kt_test_rand(&rng) % (i + 1));
            size_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        write_nested(tmp("nested.mmdb"), order, n);
        check_probes(tmp("nested.mmdb"), nested_probes, KT_ARRAY_LEN(nested_probes));
    }
}

static void test_default_routes(void **state)
{
    (void)state;
    /* ::/0 covers everything, IPv4 /0 (prefix 96) covers all of IPv4 and wins over ::/0 there;
     * more specific networks still carve out their ranges. */
    struct kt_mmdb_entry e[4];
    e[0] = city_entry("10.0.0.0/8", "ZZ", "", "ten", NAN, NAN);
    e[1] = city_entry("0.0.0.0/0", "ZZ", "", "any4", NAN, NAN);
    e[2] = city_entry("::/0", "ZZ", "", "any6", NAN, NAN);
    e[3] = city_entry("2001:db8::/32", "ZZ", "", "doc6", NAN, NAN);
    assert_int_equal(e[1].prefix, 96);
    const char *path = tmp("default.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", e, 4, NULL), KT_OK);
    static const struct probe probes[] = {
        { "10.9.9.9", "ten" },          { "8.8.8.8", "any4" },
        { "255.255.255.255", "any4" },  { "0.0.0.0", "any4" },
        { "::ffff:8.8.8.8", "any4" },   { "::ffff:10.0.0.1", "ten" },
        { "2001:db8::1", "doc6" },      { "2a00::1", "any6" },
        { "::1:0:0:1", "any6" },        { "ffff::", "any6" },
        { "::1", "any4" }, /* ::/96 is the IPv4 space */
    };
    check_probes(path, probes, KT_ARRAY_LEN(probes));

    /* Only the IPv6 default: IPv4 falls under it too (IPv4 lives at ::/96). */
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", &e[2], 1, NULL), KT_OK);
    static const struct probe only6[] = { { "8.8.8.8", "any6" }, { "2a00::1", "any6" } };
    check_probes(path, only6, KT_ARRAY_LEN(only6));
}

static void test_duplicate_network_later_wins(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[3];
    e[0] = city_entry("192.0.2.0/24", "ZZ", "", "first", NAN, NAN);
    e[1] = city_entry("192.0.2.0/25", "ZZ", "", "inner", NAN, NAN);
    e[2] = city_entry("192.0.2.0/24", "ZZ", "", "second", NAN, NAN);
    const char *path = tmp("dup.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", e, 3, NULL), KT_OK);
    static const struct probe probes[] = { { "192.0.2.200", "second" },
                                           { "192.0.2.1", "inner" } };
    check_probes(path, probes, KT_ARRAY_LEN(probes));
}

static void test_empty_database(void **state)
{
    (void)state;
    const char *path = tmp("empty.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_ASN, "keytrail-ASN", NULL, 0, NULL), KT_OK);
    MMDB_s m;
    MMDB_entry_s en;
    open_db(path, &m);
    assert_int_equal(m.metadata.node_count, 1);
    assert_false(lookup(&m, "1.2.3.4", &en));
    assert_false(lookup(&m, "2001:db8::1", &en));
    MMDB_close(&m);
}

/* ---- record sizes, sizes on disk, determinism ---- */

static long file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (long)st.st_size;
}

static void test_record_sizes_forced(void **state)
{
    (void)state;
    size_t n = KT_ARRAY_LEN(nested);
    struct kt_mmdb_entry e[KT_ARRAY_LEN(nested)];
    for (size_t i = 0; i < n; i++) {
        e[i] = city_entry(nested[i].cidr, "ZZ", "", nested[i].tag, NAN, NAN);
    }
    static const unsigned sizes[] = { 24, 28, 32 };
    long size24 = 0;
    uint32_t nodes = 0;
    for (size_t k = 0; k < KT_ARRAY_LEN(sizes); k++) {
        struct kt_mmdb_write_opts o = { .min_record_size = sizes[k] };
        const char *path = tmp("forced.mmdb");
        assert_int_equal(kt_mmdb_write_ex(path, KT_MMDB_MAXMIND_CITY, "t", e, n, &o, NULL),
                         KT_OK);
        MMDB_s m;
        open_db(path, &m);
        assert_int_equal(m.metadata.record_size, sizes[k]);
        if (k == 0) {
            nodes = m.metadata.node_count;
            size24 = file_size(path);
        } else {
            /* Same tree, wider nodes: the file grows by exactly the tree's extra bytes. */
            assert_int_equal(m.metadata.node_count, nodes);
            long extra = (long)nodes * (long)(sizes[k] - 24) / 4;
            assert_int_equal(file_size(path), size24 + extra);
        }
        MMDB_close(&m);
        check_probes(path, nested_probes, KT_ARRAY_LEN(nested_probes));
    }
    struct kt_mmdb_write_opts bad = { .min_record_size = 30 };
    assert_int_equal(kt_mmdb_write_ex(tmp("x.mmdb"), KT_MMDB_ASN, "t", e, n, &bad, NULL),
                     KT_EINVAL);
}

static void test_record_size_choice(void **state)
{
    (void)state;
    assert_int_equal(kt_mmdb_record_size_for(1, 0), 24);
    assert_int_equal(kt_mmdb_record_size_for((1u << 24) - 16, 0), 24);
    assert_int_equal(kt_mmdb_record_size_for((1u << 24) - 16, 1), 28);
    assert_int_equal(kt_mmdb_record_size_for(1000, (1u << 24) - 1016), 24);
    assert_int_equal(kt_mmdb_record_size_for(1000, (1u << 24) - 1015), 28);
    assert_int_equal(kt_mmdb_record_size_for((1u << 28) - 16, 0), 28);
    assert_int_equal(kt_mmdb_record_size_for((1u << 28), 0), 32);
    assert_int_equal(kt_mmdb_record_size_for(1, (1ull << 32) - 17), 32);
    assert_int_equal(kt_mmdb_record_size_for(1, (1ull << 32) - 16), 0);
}

/* A data section over 16 MiB needs 28-bit records without any knob. */
static void test_record_size_grows(void **state)
{
    (void)state;
    size_t n = 80001;
    struct kt_mmdb_entry *e = calloc(n, sizeof(*e));
    assert_non_null(e);
    for (size_t i = 0; i < n - 1; i++) {
        char cidr[32];
        snprintf(cidr, sizeof(cidr), "100.%zu.%zu.%zu/32", i >> 16, (i >> 8) & 255, i & 255);
        e[i] = net(cidr);
        snprintf(e[i].country, sizeof(e[i].country), "DE");
        snprintf(e[i].city, sizeof(e[i].city), "City number %08zu with a deliberately long name",
                 i);
        snprintf(e[i].country_name, sizeof(e[i].country_name),
                 "Country %08zu with a long name, to grow the data", i);
        e[i].has_location = true;
        e[i].lat = (double)(i % 180) - 89.5;
        e[i].lon = (double)(i % 360) - 179.5;
    }
    /* Last, so its data lies above 2^24, beside an empty sibling (a small record value): the
     * two records of its node differ in their top four bits, which share a byte at 28 bits. */
    e[n - 1] = city_entry("100.200.0.1/32", "FR", "", "Lonely", NAN, NAN);
    const char *path = tmp("big.mmdb");
    struct kt_err err;
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", e, n, &err), KT_OK);
    MMDB_s m;
    open_db(path, &m);
    assert_int_equal(m.metadata.record_size, 28);
    assert_true(m.data_section_size > (1u << 24));
    static const size_t samples[] = { 0, 1, 255, 256, 65535, 65536, 79999 };
    for (size_t k = 0; k < KT_ARRAY_LEN(samples); k++) {
        size_t i = samples[k];
        char addr[32], want[64];
        snprintf(addr, sizeof(addr), "100.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255);
        snprintf(want, sizeof(want), "City number %08zu with a deliberately long name", i);
        MMDB_entry_s en;
        assert_true(lookup(&m, addr, &en));
        expect_str(&en, want, PATH("city", "names", "en"));
        assert_true(value(&en, MMDB_DATA_TYPE_DOUBLE, PATH("location", "longitude"))
                        .double_value == e[i].lon);
    }
    MMDB_entry_s en;
    assert_false(lookup(&m, "100.1.56.128", &en)); /* entry 80000 does not exist */
    assert_true(lookup(&m, "100.200.0.1", &en));
    expect_str(&en, "Lonely", PATH("city", "names", "en"));
    assert_false(lookup(&m, "100.200.0.0", &en));
    assert_false(lookup(&m, "100.200.0.2", &en));
    MMDB_close(&m);
    free(e);
}

static void test_reproducible_bytes(void **state)
{
    (void)state;
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    assert_int_equal(kt_mmdb_read_csv(kt_test_path("samples/geo/networks.csv"), &e, &n, &err),
                     KT_OK);
    assert_int_equal(n, 26);
    static const enum kt_mmdb_schema schemas[] = { KT_MMDB_MAXMIND_CITY, KT_MMDB_FLAT_CITY,
                                                   KT_MMDB_ASN };
    for (size_t k = 0; k < KT_ARRAY_LEN(schemas); k++) {
        char a[256], b[256];
        snprintf(a, sizeof(a), "%s", tmp("rep-a.mmdb"));
        snprintf(b, sizeof(b), "%s", tmp("rep-b.mmdb"));
        assert_int_equal(kt_mmdb_write(a, schemas[k], "t", e, n, NULL), KT_OK);
        assert_int_equal(kt_mmdb_write(b, schemas[k], "t", e, n, NULL), KT_OK);
        size_t la, lb;
        char *da = kt_test_slurp(a, &la), *db = kt_test_slurp(b, &lb);
        assert_non_null(da);
        assert_non_null(db);
        assert_int_equal(la, lb);
        assert_memory_equal(da, db, la);
        free(da);
        free(db);
    }
    free(e);
}

static void test_identical_records_shared(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[64];
    for (int i = 0; i < 64; i++) {
        char cidr[32];
        snprintf(cidr, sizeof(cidr), "10.%d.0.0/16", i * 2);
        e[i] = city_entry(cidr, "DE", "Germany", "Frankfurt am Main", 50.1109, 8.6821);
    }
    /* One different record in the middle. */
    e[31] = city_entry("10.62.0.0/16", "FR", "France", "Paris", 48.8566, 2.3522);
    const char *path = tmp("shared.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", e, 64, NULL), KT_OK);
    MMDB_s m;
    open_db(path, &m);
    MMDB_entry_s a, b, c;
    assert_true(lookup(&m, "10.0.0.1", &a));
    assert_true(lookup(&m, "10.126.255.255", &b));
    assert_true(lookup(&m, "10.62.1.1", &c));
    assert_int_equal(a.offset, b.offset);
    assert_int_not_equal(a.offset, c.offset);
    expect_str(&c, "Paris", PATH("city", "names", "en"));
    /* Two records in the data section, not 64: well under one record's size times 3. */
    size_t meta_and_data = (size_t)m.data_section_size;
    assert_true(meta_and_data < 3 * 120 + 400);
    MMDB_close(&m);
}

/* ---- bad entries and arguments ---- */

static void test_writer_rejects(void **state)
{
    (void)state;
    struct kt_mmdb_entry good = city_entry("192.0.2.0/24", "DE", "Germany", "Berlin", 1, 2);
    struct {
        const char *what;
        struct kt_mmdb_entry e;
    } cases[10];
    size_t nc = 0;
    cases[nc].what = "prefix over 128";
    cases[nc].e = good;
    cases[nc++].e.prefix = 129;
    cases[nc].what = "IPv4 with prefix below 96";
    cases[nc].e = good;
    cases[nc++].e.prefix = 95;
    cases[nc].what = "lowercase country";
    cases[nc].e = good;
    memcpy(cases[nc++].e.country, "de", 3);
    cases[nc].what = "country with a digit";
    cases[nc].e = good;
    memcpy(cases[nc++].e.country, "D1", 3);
    cases[nc].what = "unterminated city";
    cases[nc].e = good;
    memset(cases[nc++].e.city, 'x', sizeof(good.city));
    cases[nc].what = "invalid UTF-8 org";
    cases[nc].e = good;
    memcpy(cases[nc++].e.as_org, "Bad \xC3\x28 org", sizeof("Bad \xC3\x28 org"));
    cases[nc].what = "latitude 91";
    cases[nc].e = good;
    cases[nc++].e.lat = 91;
    cases[nc].what = "longitude NaN";
    cases[nc].e = good;
    cases[nc++].e.lon = NAN;
    cases[nc].what = "overlong UTF-8 in country name";
    cases[nc].e = good;
    memcpy(cases[nc++].e.country_name, "\xC0\xAF", 3);
    for (size_t i = 0; i < nc; i++) {
        const char *path = tmp("rejected.mmdb");
        unlink(path);
        struct kt_err err;
        kt_err_clear(&err);
        struct kt_mmdb_entry two[2] = { good, cases[i].e };
        enum kt_rc rc = kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", two, 2, &err);
        if (rc != KT_EINVAL) {
            fail_msg("%s: rc %d", cases[i].what, rc);
        }
        assert_non_null(strstr(err.msg, "entry 1"));
        assert_int_equal(access(path, F_OK), -1); /* nothing written */
    }
    assert_int_equal(kt_mmdb_write(tmp("t.mmdb"), KT_MMDB_ASN, "", &good, 1, NULL), KT_EINVAL);
    assert_int_equal(kt_mmdb_write(tmp("t.mmdb"), KT_MMDB_ASN, "bad\xff", &good, 1, NULL),
                     KT_EINVAL);
    assert_int_equal(kt_mmdb_write(tmp("t.mmdb"), (enum kt_mmdb_schema)7, "t", &good, 1, NULL),
                     KT_EINVAL);
    struct kt_err err;
    assert_int_equal(kt_mmdb_write("/nonexistent-dir/x.mmdb", KT_MMDB_ASN, "t", &good, 1, &err),
                     KT_EIO);
    assert_string_equal(err.where, "/nonexistent-dir/x.mmdb");
}

/* A failed write leaves the previous database in place (it is replaced by rename). */
static void test_replace_is_atomic(void **state)
{
    (void)state;
    struct kt_mmdb_entry e = city_entry("192.0.2.0/24", "DE", "Germany", "Berlin", 1, 2);
    const char *path = tmp("atomic.mmdb");
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", &e, 1, NULL), KT_OK);
    long before = file_size(path);
    e.lat = 500;
    assert_int_equal(kt_mmdb_write(path, KT_MMDB_MAXMIND_CITY, "t", &e, 1, NULL), KT_EINVAL);
    assert_int_equal(file_size(path), before);
    /* No temporary files left behind. */
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q 'atomic.mmdb.'", tmpdir);
    assert_int_not_equal(system(cmd), 0);
}

/* ---- CSV ---- */

static char *write_tmp(const char *name, const char *content, size_t len)
{
    const char *path = tmp(name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    fclose(f);
    return strdup(path);
}

static void test_csv_good(void **state)
{
    (void)state;
    static const char csv[] =
        "\xEF\xBB\xBFnetwork,country_iso_code,country_name,city,latitude,longitude,asn,as_org,"
        "accuracy_radius\r\n"
        "# a comment\r\n"
        "\r\n"
        "192.0.2.0/26,DE,Germany,Berlin,52.5200,13.4050,64501,Example Business Fiber GmbH,\r\n"
        "\"198.51.100.0/24\",us,\"United States\",\"New York, NY\",40.7128,-74.0060,AS64508,"
        "\"Example \"\"Residential\"\" Broadband\",25\r\n"
        "2001:db8:100::/48,,,,,,,,\r\n"
        "203.0.113.7,FR,France,Paris,+48.8566,2.3522,0,,\r\n"
        "  10.0.0.0/8 , GB ,  , London , 51.5 , -0.12 , , \"  spaced  \" ,\r\n"
        "::/0,,,,-90,180,4294967295,,65535";
    char *path = write_tmp("good.csv", csv, sizeof(csv) - 1);
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_mmdb_read_csv(path, &e, &n, &err);
    if (rc != KT_OK) {
        fail_msg("%s: %s", err.where, err.msg);
    }
    assert_int_equal(n, 6);
    assert_true(e[0].network.v4);
    assert_int_equal(e[0].prefix, 96 + 26);
    assert_string_equal(e[0].country, "DE");
    assert_string_equal(e[0].city, "Berlin");
    assert_true(e[0].has_location);
    assert_true(e[0].lat == 52.52 && e[0].lon == 13.405);
    assert_int_equal(e[0].asn, 64501);
    assert_int_equal(e[0].accuracy_km, 0);
    assert_string_equal(e[1].country, "US");
    assert_string_equal(e[1].city, "New York, NY");
    assert_string_equal(e[1].as_org, "Example \"Residential\" Broadband");
    assert_int_equal(e[1].asn, 64508);
    assert_int_equal(e[1].accuracy_km, 25);
    assert_false(e[2].network.v4);
    assert_int_equal(e[2].prefix, 48);
    assert_false(e[2].has_location);
    assert_string_equal(e[2].country, "");
    assert_int_equal(e[3].prefix, 128); /* a bare address is one host */
    assert_true(e[3].lat == 48.8566);
    assert_int_equal(e[3].asn, 0);
    assert_string_equal(e[4].city, "London");
    assert_string_equal(e[4].country, "GB");
    assert_string_equal(e[4].as_org, "  spaced  "); /* quoted: kept as is */
    assert_int_equal(e[5].prefix, 0);
    assert_int_equal(e[5].asn, 4294967295u);
    assert_int_equal(e[5].accuracy_km, 65535);
    assert_true(e[5].lat == -90 && e[5].lon == 180);

    /* What was read writes and reads back. */
    const char *db = tmp("from-csv.mmdb");
    assert_int_equal(kt_mmdb_write(db, KT_MMDB_MAXMIND_CITY, "t", e, n, NULL), KT_OK);
    MMDB_s m;
    MMDB_entry_s en;
    open_db(db, &m);
    assert_true(lookup(&m, "198.51.100.99", &en));
    expect_str(&en, "New York, NY", PATH("city", "names", "en"));
    assert_int_equal(value(&en, MMDB_DATA_TYPE_UINT16, PATH("location", "accuracy_radius")).uint16,
                     25);
    assert_true(lookup(&m, "203.0.113.7", &en));
    expect_str(&en, "Paris", PATH("city", "names", "en"));
    assert_true(lookup(&m, "203.0.113.8", &en)); /* ::/0 */
    assert_false(has_path(&en, PATH("city")));
    MMDB_close(&m);
    free(e);
    free(path);
}

static void test_csv_fixture_and_sample(void **state)
{
    (void)state;
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    assert_int_equal(
        kt_mmdb_read_csv(kt_test_path("tests/fixtures/geo/networks-quoted.csv"), &e, &n, &err),
        KT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(e[0].as_org, "Example \"Quoted\" Org, Ltd.");
    assert_string_equal(e[0].country, "DE");
    assert_string_equal(e[0].country_name, "Germany");
    assert_int_equal(e[0].asn, 64501);
    assert_string_equal(e[1].city, "Ashburn");
    assert_string_equal(e[2].country, "JP");
    assert_false(e[2].has_location);
    free(e);

    assert_int_equal(kt_mmdb_read_csv(kt_test_path("samples/geo/networks.csv"), &e, &n, &err),
                     KT_OK);
    assert_int_equal(n, 26);
    bool saw_sao_paulo = false;
    for (size_t i = 0; i < n; i++) {
        assert_true(e[i].has_location);
        assert_true(e[i].asn != 0);
        saw_sao_paulo |= strcmp(e[i].city, "São Paulo") == 0;
    }
    assert_true(saw_sao_paulo);
    free(e);
}

static const char header[] = "network,country_iso_code,country_name,city,latitude,longitude,"
                             "asn,as_org\n";

static void test_csv_bad(void **state)
{
    (void)state;
    static const struct {
        const char *row;   /* the line after the header (line 2) */
        const char *where; /* expected text in err.msg */
        enum kt_rc rc;
    } cases[] = {
        { "300.1.1.0/24,DE,,,,,,", "column network: not an IP network", KT_EPARSE },
        { "10.0.0.0/33,DE,,,,,,", "column network: prefix length must be 0..32", KT_EPARSE },
        { "2001:db8::/129,DE,,,,,,", "prefix length must be 0..128", KT_EPARSE },
        { "10.0.0.1/24,DE,,,,,,", "column network: address has bits set", KT_EPARSE },
        { "10.0.0.0/,DE,,,,,,", "column network: prefix length", KT_EPARSE },
        { "10.0.0.0/8x,DE,,,,,,", "column network: prefix length", KT_EPARSE },
        { "10.0.0.0/-8,DE,,,,,,", "column network: prefix length", KT_EPARSE },
        { "fe80::1%eth0/128,DE,,,,,,", "column network: not an IP network", KT_EPARSE },
        { "ghp_notanaddress/24,DE,,,,,,", "column network: not an IP network", KT_EPARSE },
        { ",DE,,,,,,", "column network: empty", KT_EPARSE },
        { "10.0.0.0/8,DEU,,,,,,", "column country_iso_code: expected a two-letter", KT_EPARSE },
        { "10.0.0.0/8,D1,,,,,,", "column country_iso_code", KT_EPARSE },
        { "10.0.0.0/8,DE,,,52.5,,,", "column longitude: latitude and longitude", KT_EPARSE },
        { "10.0.0.0/8,DE,,,,13.4,,", "column latitude: latitude and longitude", KT_EPARSE },
        { "10.0.0.0/8,DE,,,abc,13.4,,", "column latitude: not a decimal number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,1e5,13.4,,", "column latitude: not a decimal number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,nan,13.4,,", "column latitude: not a decimal number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,0x10,13.4,,", "column latitude: not a decimal number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,1.2.3,13.4,,", "column latitude: not a decimal number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,90.0001,13.4,,", "column latitude: latitude outside", KT_EPARSE },
        { "10.0.0.0/8,DE,,,45,-180.5,,", "column longitude: longitude outside", KT_EPARSE },
        { "10.0.0.0/8,DE,,,45,10,-1,", "column asn: expected an AS number", KT_EPARSE },
        { "10.0.0.0/8,DE,,,45,10,4294967296,", "column asn", KT_EPARSE },
        { "10.0.0.0/8,DE,,,45,10,12a,", "column asn", KT_EPARSE },
        { "10.0.0.0/8,DE,,,45,10,AS,", "column asn", KT_EPARSE },
        { "10.0.0.0/8,DE,Germany,Berlin", "column latitude: missing (4 of 8 fields)", KT_EPARSE },
        { "10.0.0.0/8", "column country_iso_code: missing (1 of 8", KT_EPARSE },
        { "10.0.0.0/8,DE,,,,,,,extra", "9 fields, but the header names 8", KT_EPARSE },
        { "10.0.0.0/8,DE,\"Germany,,,,,,", "field 3: quoted field not closed", KT_EPARSE },
        { "10.0.0.0/8,DE,Ger\"many,,,,,", "field 3: quote inside an unquoted field", KT_EPARSE },
        { "10.0.0.0/8,DE,\"Germany\"x,,,,,", "field 3: text after a closing quote", KT_EPARSE },
        { "10.0.0.0/8,DE,,Ber\tlin,,,,", "column city: control character", KT_EPARSE },
        { "10.0.0.0/8,DE,,Ber\xff" "lin,,,,", "column city: not valid UTF-8", KT_EPARSE },
        { "10.0.0.0/8,DE,,\xED\xA0\x80,,,,", "column city: not valid UTF-8", KT_EPARSE },
        { "10.0.0.0/8,DE,,"
          "0123456789012345678901234567890123456789012345678901234567890123,,,,",
          "column city: longer than 63 bytes", KT_EPARSE },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char content[512];
        int len = snprintf(content, sizeof(content), "%s%s\n192.0.2.0/24,DE,,,,,,\n", header,
                           cases[i].row);
        char *path = write_tmp("bad.csv", content, (size_t)len);
        struct kt_mmdb_entry *e = (struct kt_mmdb_entry *)path; /* must be reset to NULL */
        size_t n = 99;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_mmdb_read_csv(path, &e, &n, &err);
        if (rc != cases[i].rc || strstr(err.msg, cases[i].where) == NULL) {
            fail_msg("case %zu: rc %d, msg '%s', expected '%s'", i, rc, err.msg, cases[i].where);
        }
        char where[300];
        snprintf(where, sizeof(where), "%s:2", path);
        assert_string_equal(err.where, where);
        assert_null(e);
        assert_int_equal(n, 0);
        /* The row's content is never quoted back. */
        assert_null(strstr(err.msg, "ghp_"));
        assert_null(strstr(err.msg, "Ber"));
        free(path);
    }
}

static void test_csv_bad_files(void **state)
{
    (void)state;
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;

    assert_int_equal(kt_mmdb_read_csv(tmp("does-not-exist.csv"), &e, &n, &err), KT_EOPEN);
    assert_null(e);

    char *path = write_tmp("empty.csv", "", 0);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "empty file"));
    free(path);

    path = write_tmp("comments.csv", "# nothing\n\n", 11);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
    free(path);

    /* A header only: no networks, not an error. */
    path = write_tmp("header.csv", header, sizeof(header) - 1);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_OK);
    assert_int_equal(n, 0);
    free(e);
    e = NULL;
    free(path);

    static const char *const bad_headers[] = {
        "country,city\n10.0.0.0/8,DE\n",
        "network,city,network\n",
        "network,country_code,country_iso_code\n",
        "\"network,city\n",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(bad_headers); i++) {
        path = write_tmp("hdr.csv", bad_headers[i], strlen(bad_headers[i]));
        kt_err_clear(&err);
        assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
        assert_non_null(strstr(err.msg, "header"));
        assert_non_null(strstr(err.where, ":1"));
        free(path);
    }

    /* A huge line: an error naming the line, not a huge allocation. */
    size_t big = 200000;
    char *content = malloc(big + sizeof(header));
    assert_non_null(content);
    memcpy(content, header, sizeof(header) - 1);
    memset(content + sizeof(header) - 1, 'a', big);
    path = write_tmp("huge.csv", content, sizeof(header) - 1 + big);
    kt_err_clear(&err);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "line longer than"));
    assert_non_null(strstr(err.where, ":2"));
    free(path);

    /* A line of exactly the maximum (65536 bytes) is fine; one byte more is not. */
    size_t room = 65536, pad = room - strlen("10.0.0.0/8,");
    char *line = malloc(room + 64);
    assert_non_null(line);
    size_t hl = (size_t)snprintf(line, room + 64, "network,pad\n10.0.0.0/8,");
    memset(line + hl, 'p', pad + 1);
    line[hl + pad] = '\n';
    path = write_tmp("max.csv", line, hl + pad + 1);
    kt_err_clear(&err);
    enum kt_rc rc = kt_mmdb_read_csv(path, &e, &n, &err);
    if (rc != KT_OK) {
        fail_msg("%s %s", err.where, err.msg);
    }
    assert_int_equal(n, 1);
    free(e);
    e = NULL;
    free(path);
    line[hl + pad] = 'p';
    line[hl + pad + 1] = '\n';
    path = write_tmp("over.csv", line, hl + pad + 2);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "line longer than"));
    free(path);
    free(line);

    /* Binary: NUL bytes and random bytes. */
    static const char bin[] = "network,city\n10.0.0.0/8,Ber\0lin\n";
    path = write_tmp("nul.csv", bin, sizeof(bin) - 1);
    kt_err_clear(&err);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
    assert_non_null(strstr(err.msg, "column city: control character or NUL"));
    free(path);
    free(content);
}

/* Random and mutated input: never a crash, and whatever is accepted can be written. */
static void test_csv_hostile(void **state)
{
    (void)state;
    size_t len;
    char *base = kt_test_slurp(kt_test_path("samples/geo/networks.csv"), &len);
    assert_non_null(base);
    uint64_t rng = 7;
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    int accepted = 0;
    for (int round = 0; round < 400; round++) {
        size_t n = len;
        memcpy(buf, base, len);
        if (round % 4 == 0) {
            for (size_t i = 0; i < len; i++) {
                buf[i] = (char)kt_test_rand(&rng);
            }
        } else {
            for (int k = 0; k < 1 + round % 7; k++) {
                buf[kt_test_rand(&rng) % len] = (char)kt_test_rand(&rng);
            }
            n = (size_t)(kt_test_rand(&rng) % (len + 1));
        }
        char *path = write_tmp("hostile.csv", buf, n);
        struct kt_mmdb_entry *e = NULL;
        size_t ne = 0;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_mmdb_read_csv(path, &e, &ne, &err);
        if (rc == KT_OK) {
            accepted++;
            assert_int_equal(kt_mmdb_write(tmp("hostile.mmdb"), KT_MMDB_MAXMIND_CITY, "t", e,
                                           ne, &err),
                             KT_OK);
        } else {
            assert_int_equal(rc, KT_EPARSE);
            assert_true(err.where[0] != '\0');
        }
        free(e);
        free(path);
    }
    assert_true(accepted > 0); /* some truncations still parse */
    free(buf);
    free(base);
}

/* ---- ip-location-db CSV layouts ---- */

static void expect_net(const struct kt_mmdb_entry *e, const char *cidr)
{
    struct kt_mmdb_entry want = net(cidr);
    if (memcmp(e->network.b, want.network.b, 16) != 0 || e->prefix != want.prefix) {
        fail_msg("expected %s (prefix %u), got prefix %u", cidr, want.prefix, e->prefix);
    }
}

static void test_csv_ip_location_db_asn(void **state)
{
    (void)state;
    /* Headerless asn-ipv4.csv / asn-ipv6.csv rows, ranges not aligned to CIDR boundaries. */
    char org[400];
    memset(org, 0, sizeof(org));
    snprintf(org, sizeof(org), "%s", "Hetzner Online GmbH");
    size_t o = strlen(org);
    for (; o < 300; o++) {
        org[o] = (char)('a' + o % 26);
    }
    memcpy(org + 252, "\xC3\xA9\xC3\xA9", 4); /* a 2-byte character across the 255 limit */
    char csv[1024];
    int len = snprintf(csv, sizeof(csv),
                       "1.0.0.0,1.0.0.255,13335,CLOUDFLARENET\n"
                       "1.0.4.1,1.0.4.200,24940,\"%s\"\n"
                       "2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64500,\"Example, v6\"\n"
                       "2001:db8:1::1,2001:db8:1::1,64501,One host\n"
                       "0.0.0.0,255.255.255.255,64502,Everything\n",
                       org);
    assert_true(len > 0 && (size_t)len < sizeof(csv));
    char *path = write_tmp("asn-ipv4.csv", csv, (size_t)len);
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_mmdb_read_csv(path, &e, &n, &err) != KT_OK) {
        fail_msg("%s: %s", err.where, err.msg);
    }
    assert_int_equal(n, 1 + 10 + 1 + 1 + 1);
    expect_net(&e[0], "1.0.0.0/24");
    assert_int_equal(e[0].asn, 13335);
    assert_string_equal(e[0].as_org, "CLOUDFLARENET");
    static const char *const split[] = {
        "1.0.4.1/32",  "1.0.4.2/31",   "1.0.4.4/30",   "1.0.4.8/29",   "1.0.4.16/28",
        "1.0.4.32/27", "1.0.4.64/26",  "1.0.4.128/26", "1.0.4.192/29", "1.0.4.200/32",
    };
    for (size_t k = 0; k < KT_ARRAY_LEN(split); k++) {
        expect_net(&e[1 + k], split[k]);
        assert_int_equal(e[1 + k].asn, 24940);
    }
    /* The long name is kept up to the character that does not fit. */
    assert_int_equal(strlen(e[1].as_org), 254);
    assert_memory_equal(e[1].as_org, org, 254);
    expect_net(&e[11], "2001:db8::/48");
    assert_string_equal(e[11].as_org, "Example, v6");
    expect_net(&e[12], "2001:db8:1::1/128");
    expect_net(&e[13], "0.0.0.0/0");
    /* And the writer takes the long name. */
    assert_int_equal(kt_mmdb_write(tmp("ipldb-asn.mmdb"), KT_MMDB_ASN, "t-ASN", e, n, &err),
                     KT_OK);
    MMDB_s m;
    assert_int_equal(MMDB_open(tmp("ipldb-asn.mmdb"), MMDB_MODE_MMAP, &m), MMDB_SUCCESS);
    int gai = 0, merr = 0;
    MMDB_lookup_result_s r = MMDB_lookup_string(&m, "1.0.4.150", &gai, &merr);
    assert_true(r.found_entry);
    MMDB_entry_data_s d;
    assert_int_equal(MMDB_get_value(&r.entry, &d, "autonomous_system_organization", NULL),
                     MMDB_SUCCESS);
    assert_int_equal(d.data_size, 254);
    MMDB_close(&m);
    free(e);
    free(path);
}

static void test_csv_ip_location_db_city(void **state)
{
    (void)state;
    static const char csv[] =
        "1.0.0.0,1.0.0.255,AU,Queensland,,South Brisbane,4101,-27.4767,153.017,"
        "Australia/Brisbane\n"
        "1.0.1.0,1.0.2.127,CN,Fujian,,,,26.0614,119.306,\n"
        "2001:db8::,2001:db8::ffff,CN,,,,,35.0,105.0,\n";
    char *path = write_tmp("city-ipv4.csv", csv, sizeof(csv) - 1);
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_mmdb_read_csv(path, &e, &n, &err) != KT_OK) {
        fail_msg("%s: %s", err.where, err.msg);
    }
    assert_int_equal(n, 1 + 2 + 1);
    expect_net(&e[0], "1.0.0.0/24");
    assert_string_equal(e[0].country, "AU");
    assert_string_equal(e[0].region, "Queensland");
    assert_string_equal(e[0].city, "South Brisbane");
    assert_true(e[0].has_location);
    assert_true(fabs(e[0].lat + 27.4767) < 1e-9);
    expect_net(&e[1], "1.0.1.0/24");
    expect_net(&e[2], "1.0.2.0/25");
    assert_string_equal(e[2].region, "Fujian");
    assert_string_equal(e[2].city, "");
    expect_net(&e[3], "2001:db8::/112");
    assert_string_equal(e[3].region, "");
    free(e);
    free(path);

    /* Country layout, and what is refused. */
    static const char country[] = "1.0.0.0,1.0.0.3,JP\n::1,::2,US\n";
    path = write_tmp("country.csv", country, sizeof(country) - 1);
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_OK);
    assert_int_equal(n, 3); /* 1.0.0.0/30, ::1/128, ::2/128 */
    expect_net(&e[0], "1.0.0.0/30");
    expect_net(&e[2], "::2/128");
    free(e);
    free(path);
    static const struct {
        const char *csv, *msg;
    } bad[] = {
        { "1.0.0.9,1.0.0.3,JP\n", "before its start" },
        { "1.0.0.0,::5,JP\n", "different address families" },
        { "1.0.0.0,1.0.0.5,JP,x,y\n", "neither 3" },
        { "1.0.0.0,1.0.0.5,JP\n1.0.0.0,nope,JP\n", "ip_range_end" },
        { "1.0.0.0,1.0.0.5,JPN\n", "country_code" },
        { "1.0.0.0,1.0.0.5,AS1x,org\n", "autonomous_system_number" },
    };
    for (size_t k = 0; k < KT_ARRAY_LEN(bad); k++) {
        path = write_tmp("bad-ranges.csv", bad[k].csv, strlen(bad[k].csv));
        e = NULL;
        kt_err_clear(&err);
        assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_EPARSE);
        if (strstr(err.msg, bad[k].msg) == NULL) {
            fail_msg("case %zu: '%s' does not say '%s'", k, err.msg, bad[k].msg);
        }
        assert_null(e);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxmind_city_fields),
        cmocka_unit_test(test_flat_city_fields),
        cmocka_unit_test(test_asn_fields),
        cmocka_unit_test(test_nested_any_order),
        cmocka_unit_test(test_default_routes),
        cmocka_unit_test(test_duplicate_network_later_wins),
        cmocka_unit_test(test_empty_database),
        cmocka_unit_test(test_record_sizes_forced),
        cmocka_unit_test(test_record_size_choice),
        cmocka_unit_test(test_record_size_grows),
        cmocka_unit_test(test_reproducible_bytes),
        cmocka_unit_test(test_identical_records_shared),
        cmocka_unit_test(test_writer_rejects),
        cmocka_unit_test(test_replace_is_atomic),
        cmocka_unit_test(test_csv_good),
        cmocka_unit_test(test_csv_fixture_and_sample),
        cmocka_unit_test(test_csv_bad),
        cmocka_unit_test(test_csv_bad_files),
        cmocka_unit_test(test_csv_hostile),
        cmocka_unit_test(test_csv_ip_location_db_asn),
        cmocka_unit_test(test_csv_ip_location_db_city),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
