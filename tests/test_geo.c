/*
 * Geolocation lookups (geodb.h) over databases the test builds from samples/geo/networks.csv
 * with keytrail's writer, in both City layouts plus ASN; the search path through
 * $KEYTRAIL_GEOIP; missing, bad and corrupt databases (tests/fixtures/geo); address
 * classification; the cache; and the distance function.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "geodb.h"
#include "mmdb_writer_ex.h"

static char tmpdir[64];
static char city_db[128], flat_db[128], asn_db[128], no_dbs[128];

/* Searches go to an empty directory unless a test says otherwise, so databases installed on
 * the machine (/usr/share/GeoIP) never leak into the results. */
static void reset_env(void)
{
    setenv("KEYTRAIL_GEOIP", no_dbs, 1);
}

static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_db(const char *path, enum kt_mmdb_schema schema, const char *type,
                     const struct kt_mmdb_write_opts *o)
{
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    assert_int_equal(kt_mmdb_read_csv(kt_test_path("samples/geo/networks.csv"), &e, &n, &err),
                     KT_OK);
    assert_int_equal(kt_mmdb_write_ex(path, schema, type, e, n, o, &err), KT_OK);
    free(e);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/keytrail-geo-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        return -1;
    }
    snprintf(no_dbs, sizeof(no_dbs), "%s/no-databases", tmpdir);
    if (mkdir(no_dbs, 0700) != 0) {
        return -1;
    }
    reset_env();
    snprintf(city_db, sizeof(city_db), "%s/city.mmdb", tmpdir);
    snprintf(flat_db, sizeof(flat_db), "%s/flat.mmdb", tmpdir);
    snprintf(asn_db, sizeof(asn_db), "%s/asn.mmdb", tmpdir);
    write_db(city_db, KT_MMDB_MAXMIND_CITY, "keytrail-City", NULL);
    write_db(flat_db, KT_MMDB_FLAT_CITY, "keytrail-City-Flat", NULL);
    write_db(asn_db, KT_MMDB_ASN, "keytrail-ASN", NULL);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct kt_geodb *open_ok(const char *city, const char *asn)
{
    struct kt_geodb *db = NULL;
    struct kt_err err;
    kt_err_clear(&err);
    enum kt_rc rc = kt_geodb_open(&db, city, asn, &err);
    if (rc != KT_OK) {
        fail_msg("open: %s: %s", err.where, err.msg);
    }
    assert_non_null(db);
    return db;
}

/* ---- lookups ---- */

struct want {
    const char *addr;
    enum kt_addr_kind kind;
    const char *cc, *city;
    double lat, lon; /* NAN: no location */
    uint16_t acc;    /* MaxMind layout only */
    uint32_t asn;
    const char *org;
};

static const struct want table[] = {
    { "192.0.2.14", KT_ADDR_PUBLIC, "DE", "Berlin", 52.52, 13.405, 20, 64501,
      "Example Business Fiber GmbH" },
    { "192.0.2.100", KT_ADDR_PUBLIC, "DE", "Frankfurt am Main", 50.1109, 8.6821, 20, 64503,
      "Example Hosting Frankfurt" },
    { "2001:db8:100::14", KT_ADDR_PUBLIC, "DE", "Berlin", 52.52, 13.405, 20, 64501,
      "Example Business Fiber GmbH" },
    { "2001:db8:400:1:2:3:4:5", KT_ADDR_PUBLIC, "BR", "São Paulo", -23.5505, -46.6333, 20,
      65537, "Example Movel Brasil" },
    { "203.0.113.230", KT_ADDR_PUBLIC, "ZA", "Johannesburg", -26.2041, 28.0473, 20, 65536,
      "Example Connect Africa" },
    { "::ffff:198.51.100.70", KT_ADDR_PUBLIC, "US", "San Francisco", 37.7749, -122.4194, 20,
      64507, "Example Metro Fiber" },
    { " 198.51.100.5 ", KT_ADDR_PUBLIC, "US", "Ashburn", 39.0438, -77.4874, 20, 64506,
      "Example Cloud Inc." },
    { "10.40.7.7", KT_ADDR_PRIVATE, "US", "Ashburn", 39.0438, -77.4874, 20, 64512,
      "Acme internal (iad1)" },
    { "10.30.0.1", KT_ADDR_PRIVATE, "", "", NAN, NAN, 0, 0, "" },
    { "8.8.8.8", KT_ADDR_PUBLIC, "", "", NAN, NAN, 0, 0, "" },
    { "2001:db8:600::1", KT_ADDR_PUBLIC, "", "", NAN, NAN, 0, 0, "" },
    { "AWS Internal", KT_ADDR_SERVICE, "", "", NAN, NAN, 0, 0, "" },
    { "ec2.amazonaws.com", KT_ADDR_SERVICE, "", "", NAN, NAN, 0, 0, "" },
    { "", KT_ADDR_NONE, "", "", NAN, NAN, 0, 0, "" },
    { "-", KT_ADDR_NONE, "", "", NAN, NAN, 0, 0, "" },
};

static void check_geo(const struct want *w, const struct kt_geo *g, bool flat, bool with_asn,
                      bool with_city)
{
    if (g->kind != w->kind) {
        fail_msg("%s: kind %d, want %d", w->addr, g->kind, w->kind);
    }
    const char *cc = with_city ? w->cc : "", *city = with_city ? w->city : "";
    if (strcmp(g->country, cc) != 0 || strcmp(g->city, city) != 0) {
        fail_msg("%s: got %s/%s, want %s/%s", w->addr, g->country, g->city, cc, city);
    }
    bool loc = with_city && !isnan(w->lat);
    assert_int_equal(g->has_location, loc);
    if (loc) {
        /* The flat layout stores 32-bit floats. */
        double tol = flat ? 1e-4 : 0;
        assert_true(fabs(g->lat - w->lat) <= tol);
        assert_true(fabs(g->lon - w->lon) <= tol);
        assert_int_equal(g->accuracy_km, flat ? KT_GEO_DEFAULT_CITY_KM : w->acc);
        assert_int_equal(g->precision, KT_GEO_PREC_CITY);
    }
    assert_int_equal(g->asn, with_asn ? w->asn : 0);
    assert_string_equal(g->as_org, with_asn ? w->org : "");
}

static void run_table(struct kt_geodb *db, bool flat, bool with_asn, bool with_city)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(table); i++) {
        struct kt_geo g;
        memset(&g, 0x5a, sizeof(g)); /* every field must be written */
        kt_geodb_lookup(db, kt_str_cstr(table[i].addr), &g);
        check_geo(&table[i], &g, flat, with_asn, with_city);
    }
}

static void test_lookup_maxmind_and_asn(void **state)
{
    (void)state;
    struct kt_geodb *db = open_ok(city_db, asn_db);
    assert_true(kt_geodb_has_location(db));
    assert_true(kt_geodb_has_asn(db));
    assert_string_equal(kt_geodb_describe(db), "keytrail-City, keytrail-ASN");
    run_table(db, false, true, true);
    run_table(db, false, true, true); /* again, from the cache */
    kt_geodb_free(db);
}

static void test_lookup_flat(void **state)
{
    (void)state;
    struct kt_geodb *db = open_ok(flat_db, NULL);
    assert_true(kt_geodb_has_location(db));
    assert_false(kt_geodb_has_asn(db));
    run_table(db, true, false, true);
    kt_geodb_free(db);
}

static void test_lookup_asn_only(void **state)
{
    (void)state;
    struct kt_geodb *db = open_ok(NULL, asn_db);
    assert_false(kt_geodb_has_location(db));
    assert_string_equal(kt_geodb_describe(db), "keytrail-ASN");
    run_table(db, false, true, false);
    kt_geodb_free(db);
}

/* The layout is confirmed per record: a misleading database_type does not matter. */
static void test_schema_per_record(void **state)
{
    (void)state;
    const char *flat_named_maxmind = tmp("GeoLite2-City-but-flat.mmdb");
    const char *maxmind_named_flat = tmp("flat-but-maxmind.mmdb");
    write_db(flat_named_maxmind, KT_MMDB_FLAT_CITY, "GeoLite2-City", NULL);
    write_db(maxmind_named_flat, KT_MMDB_MAXMIND_CITY, "ip-location-db flat", NULL);
    struct kt_geodb *db = open_ok(flat_named_maxmind, NULL);
    run_table(db, true, false, true);
    kt_geodb_free(db);
    db = open_ok(maxmind_named_flat, asn_db);
    run_table(db, false, true, true);
    kt_geodb_free(db);
}

static void test_describe_with_dates(void **state)
{
    (void)state;
    struct kt_mmdb_write_opts o = { .build_epoch = 1793491200 }; /* 2026-11-01 */
    const char *c = tmp("dated-city.mmdb"), *a = tmp("dated-asn.mmdb");
    write_db(c, KT_MMDB_MAXMIND_CITY, "GeoLite2-City", &o);
    o.build_epoch = 1793577600; /* 2026-11-02 */
    write_db(a, KT_MMDB_ASN, "GeoLite2-ASN", &o);
    struct kt_geodb *db = open_ok(c, a);
    assert_string_equal(kt_geodb_describe(db), "GeoLite2-City (2026-11-01), GeoLite2-ASN "
                                               "(2026-11-02)");
    kt_geodb_free(db);
    /* A hostile database_type is cleaned and cut. */
    write_db(c, KT_MMDB_MAXMIND_CITY,
             "Evil\x1b[31m\nname that goes on and on and on and on and on and on and on and on",
             NULL);
    db = open_ok(c, NULL);
    const char *d = kt_geodb_describe(db);
    assert_null(strchr(d, '\x1b'));
    assert_null(strchr(d, '\n'));
    assert_true(strncmp(d, "Evil?[31m?name", 14) == 0);
    assert_true(strlen(d) <= 63);
    kt_geodb_free(db);
}

static void test_null_db(void **state)
{
    (void)state;
    struct kt_geo g;
    kt_geodb_lookup(NULL, kt_str_cstr("192.0.2.14"), &g);
    assert_int_equal(g.kind, KT_ADDR_PUBLIC);
    assert_string_equal(g.country, "");
    assert_false(g.has_location);
    kt_geodb_lookup(NULL, kt_str_cstr("AWS Internal"), &g);
    assert_int_equal(g.kind, KT_ADDR_SERVICE);
    assert_string_equal(kt_geodb_describe(NULL), "no geolocation database");
    assert_false(kt_geodb_has_location(NULL));
    assert_false(kt_geodb_has_asn(NULL));
    assert_int_equal(kt_geodb_cache_hits(NULL), 0);
    kt_geodb_free(NULL);
}

/* ---- finding databases ---- */

static void make_dir(const char *path)
{
    assert_int_equal(mkdir(path, 0700), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = kt_test_slurp(from, &len);
    assert_non_null(data);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
}

static void test_search_env_dir(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s", tmp("geoip"));
    make_dir(dir);
    char path[512];
    snprintf(path, sizeof(path), "%s/GeoLite2-City.mmdb", dir);
    copy_file(city_db, path);
    snprintf(path, sizeof(path), "%s/GeoLite2-ASN.mmdb", dir);
    copy_file(asn_db, path);
    setenv("KEYTRAIL_GEOIP", dir, 1);
    struct kt_geodb *db = open_ok(NULL, NULL);
    assert_true(kt_geodb_has_location(db));
    assert_true(kt_geodb_has_asn(db));
    run_table(db, false, true, true);
    kt_geodb_free(db);

    /* An explicit path wins over the search for its role. */
    db = open_ok(flat_db, NULL);
    assert_string_equal(kt_geodb_describe(db), "keytrail-City-Flat, keytrail-ASN");
    kt_geodb_free(db);
    reset_env();
}

static void test_search_newest_monthly_file(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s", tmp("dbip"));
    make_dir(dir);
    char path[512];
    /* Two monthly DB-IP files: the newer (greater) name is chosen. */
    snprintf(path, sizeof(path), "%s/dbip-city-lite-2026-10.mmdb", dir);
    write_db(path, KT_MMDB_MAXMIND_CITY, "old-month", NULL);
    snprintf(path, sizeof(path), "%s/dbip-city-lite-2026-11.mmdb", dir);
    write_db(path, KT_MMDB_MAXMIND_CITY, "new-month", NULL);
    snprintf(path, sizeof(path), "%s/dbip-asn-lite-2026-11.mmdb", dir);
    write_db(path, KT_MMDB_ASN, "asn-month", NULL);
    snprintf(path, sizeof(path), "%s/unrelated.mmdb", dir);
    write_db(path, KT_MMDB_MAXMIND_CITY, "unrelated", NULL);
    setenv("KEYTRAIL_GEOIP", dir, 1);
    struct kt_geodb *db = open_ok(NULL, NULL);
    assert_string_equal(kt_geodb_describe(db), "new-month, asn-month");
    kt_geodb_free(db);
    reset_env();
}

static void test_search_env_file(void **state)
{
    (void)state;
    /* A file in KEYTRAIL_GEOIP takes the role its database_type says. */
    setenv("KEYTRAIL_GEOIP", asn_db, 1);
    struct kt_geodb *db = open_ok(NULL, NULL);
    assert_false(kt_geodb_has_location(db));
    assert_true(kt_geodb_has_asn(db));
    kt_geodb_free(db);
    setenv("KEYTRAIL_GEOIP", city_db, 1);
    db = open_ok(NULL, NULL);
    assert_true(kt_geodb_has_location(db));
    assert_false(kt_geodb_has_asn(db));
    kt_geodb_free(db);
    /* Both named explicitly: the variable is not needed. */
    db = open_ok(flat_db, asn_db);
    assert_string_equal(kt_geodb_describe(db), "keytrail-City-Flat, keytrail-ASN");
    kt_geodb_free(db);
    reset_env();
}

static void test_missing_db_is_not_an_error(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof(dir), "%s", tmp("empty-geoip"));
    make_dir(dir);
    setenv("KEYTRAIL_GEOIP", dir, 1);
    struct kt_geodb *db = open_ok(NULL, NULL);
    assert_false(kt_geodb_has_location(db));
    assert_false(kt_geodb_has_asn(db));
    assert_string_equal(kt_geodb_describe(db), "no geolocation database");
    struct kt_geo g;
    kt_geodb_lookup(db, kt_str_cstr("10.1.2.3"), &g);
    assert_int_equal(g.kind, KT_ADDR_PRIVATE);
    assert_string_equal(g.country, "");
    assert_int_equal(kt_geodb_cache_misses(db), 0); /* nothing to look up in */
    kt_geodb_free(db);
    reset_env();
}

static void test_bad_paths(void **state)
{
    (void)state;
    char text[256];
    snprintf(text, sizeof(text), "%s", tmp("not-a-db.mmdb"));
    FILE *f = fopen(text, "wb");
    assert_non_null(f);
    fputs("network,city\n10.0.0.0/8,Berlin\n", f);
    fclose(f);
    char empty[256];
    snprintf(empty, sizeof(empty), "%s", tmp("zero.mmdb"));
    f = fopen(empty, "wb");
    assert_non_null(f);
    fclose(f);
    static const struct {
        int which; /* 0 city, 1 asn, 2 env */
        const char *path;
        enum kt_rc rc;
    } cases[] = {
        { 0, "/nonexistent/GeoLite2-City.mmdb", KT_EOPEN },
        { 1, "/nonexistent/GeoLite2-ASN.mmdb", KT_EOPEN },
        { 0, "/tmp", KT_EOPEN },
        { 0, NULL, KT_EPARSE }, /* the text file */
        { 1, NULL, KT_EPARSE },
        { 0, "", KT_EPARSE }, /* the empty file */
        { 2, "/nonexistent/geoip", KT_EOPEN },
        { 2, NULL, KT_EPARSE },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        const char *p = cases[i].path == NULL ? text : (cases[i].path[0] ? cases[i].path : empty);
        struct kt_geodb *db = (struct kt_geodb *)&db;
        struct kt_err err;
        kt_err_clear(&err);
        if (cases[i].which == 2) {
            setenv("KEYTRAIL_GEOIP", p, 1);
        }
        enum kt_rc rc = kt_geodb_open(&db, cases[i].which == 0 ? p : NULL,
                                      cases[i].which == 1 ? p : NULL, &err);
        reset_env();
        if (rc != cases[i].rc) {
            fail_msg("case %zu: rc %d (%s), want %d", i, rc, err.msg, cases[i].rc);
        }
        assert_null(db);
        assert_string_equal(err.where, p);
        assert_true(err.msg[0] != '\0');
    }
}

/* Corrupt files: refused at open with libmaxminddb's reason, or empty answers; no crash. */
static void test_corrupt_fixtures(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        bool refused;
    } cases[] = {
        { "good-city.mmdb", false },       { "truncated.mmdb", true },
        { "bad-marker.mmdb", true },       { "bad-node-count.mmdb", true },
        { "bad-records.mmdb", false },     { "bad-data-length.mmdb", false },
        { "bad-data-pointer.mmdb", false }, { "networks-quoted.csv", true },
        { "README.md", true },
    };
    static const char *const probes[] = { "192.0.2.1", "198.51.100.1", "2001:db8:100::1",
                                          "8.8.8.8", "::1" };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        char path[512];
        snprintf(path, sizeof(path), "tests/fixtures/geo/%s", cases[i].file);
        const char *full = kt_test_path(path);
        struct kt_geodb *db = NULL;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_geodb_open(&db, full, NULL, &err);
        if (cases[i].refused) {
            if (rc != KT_EPARSE) {
                fail_msg("%s: rc %d, want refusal", cases[i].file, rc);
            }
            assert_non_null(strstr(err.msg, "not a valid MaxMind DB"));
            assert_null(db);
            continue;
        }
        assert_int_equal(rc, KT_OK);
        bool good = strncmp(cases[i].file, "good", 4) == 0;
        for (size_t k = 0; k < KT_ARRAY_LEN(probes); k++) {
            struct kt_geo g;
            kt_geodb_lookup(db, kt_str_cstr(probes[k]), &g);
            bool found = g.country[0] != '\0' || g.city[0] != '\0' || g.has_location;
            assert_int_equal(found, good && k < 3);
        }
        kt_geodb_free(db);
    }
}

/* Strings a database hands us are cleaned and cut at a character boundary; coordinates out of
 * range are dropped; lowercase country codes are fixed. Made by patching a written file. */
static void patch(char *data, size_t len, const char *from, const char *to, size_t n)
{
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(data + i, from, n) == 0) {
            memcpy(data + i, to, n);
            return;
        }
    }
    fail_msg("pattern not found");
}

/* A database of the wrong kind for its flag is refused, by database_type or, when the type
 * says nothing, by the fields of its records; one that gives no clue is accepted. */
static void test_wrong_kind_refused(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[1];
    memset(e, 0, sizeof(e));
    assert_true(kt_ip_parse(kt_str_cstr("8.8.8.0"), &e[0].network));
    e[0].prefix = 120;
    memcpy(e[0].country, "US", 3);
    e[0].asn = 15169;
    snprintf(e[0].as_org, sizeof(e[0].as_org), "GOOGLE");
    const char *anon = tmp("anonymous.mmdb"), *asn_untyped = tmp("untyped-asn.mmdb");
    const char *city_untyped = tmp("untyped-city.mmdb"), *blank = tmp("blank.mmdb");
    assert_int_equal(kt_mmdb_write(anon, KT_MMDB_ASN, "GeoIP2-Anonymous-IP", e, 1, NULL), KT_OK);
    assert_int_equal(kt_mmdb_write(asn_untyped, KT_MMDB_ASN, "t", e, 1, NULL), KT_OK);
    assert_int_equal(kt_mmdb_write(city_untyped, KT_MMDB_MAXMIND_CITY, "t", e, 1, NULL), KT_OK);
    assert_true(kt_ip_parse(kt_str_cstr("192.0.2.0"), &e[0].network)); /* no probe hits it */
    assert_int_equal(kt_mmdb_write(blank, KT_MMDB_ASN, "t", e, 1, NULL), KT_OK);
    static const struct {
        bool as_city;
        int db; /* 0 asn_db 1 city_db 2 flat_db 3 anon 4 asn_untyped 5 city_untyped 6 blank */
        bool refused;
    } cases[] = {
        { true, 0, true },  { false, 1, true },  { false, 2, true },  { true, 3, true },
        { false, 3, true }, { true, 4, true },   { false, 4, false }, { false, 5, true },
        { true, 5, false }, { true, 6, false },  { false, 6, false }, { true, 1, false },
        { false, 0, false },
    };
    const char *paths[] = { asn_db, city_db, flat_db, anon, asn_untyped, city_untyped, blank };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        const char *p = paths[cases[i].db];
        struct kt_geodb *db = NULL;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_geodb_open(&db, cases[i].as_city ? p : NULL,
                                      cases[i].as_city ? NULL : p, &err);
        if ((rc != KT_OK) != cases[i].refused) {
            fail_msg("case %zu (%s as %s): rc %d %s", i, p, cases[i].as_city ? "city" : "asn", rc,
                     err.msg);
        }
        if (cases[i].refused) {
            assert_int_equal(rc, KT_EUSAGE);
            assert_null(db);
            assert_string_equal(err.where, p);
            assert_non_null(strstr(err.msg, cases[i].as_city ? "--geoip" : "--asn"));
        }
        kt_geodb_free(db);
    }
}

static void test_hostile_values(void **state)
{
    (void)state;
    struct kt_mmdb_entry e[2];
    memset(e, 0, sizeof(e));
    assert_true(kt_ip_parse(kt_str_cstr("192.0.2.0"), &e[0].network));
    e[0].prefix = 120;
    memcpy(e[0].country, "QQ", 3);
    /* 31 times "À" (C3 80): 62 bytes of 2-byte characters, so byte 47 falls inside one. */
    for (int i = 0; i < 31; i++) {
        memcpy(e[0].city + 2 * i, "\xC3\x80", 2);
    }
    snprintf(e[0].as_org, sizeof(e[0].as_org), "ORGXXXXXXXXXXXXXXXXX");
    e[0].asn = 64500;
    e[0].has_location = true;
    e[0].lat = 12.125;
    e[0].lon = 45.5;
    e[1] = e[0];
    assert_true(kt_ip_parse(kt_str_cstr("198.51.100.0"), &e[1].network));
    memcpy(e[1].country, "PP", 3);
    e[1].lat = -33.0625;
    const char *c = tmp("hostile-city.mmdb"), *a = tmp("hostile-asn.mmdb");
    assert_int_equal(kt_mmdb_write(c, KT_MMDB_MAXMIND_CITY, "t", e, 2, NULL), KT_OK);
    assert_int_equal(kt_mmdb_write(a, KT_MMDB_ASN, "t", e, 1, NULL), KT_OK);

    size_t len;
    char *data = kt_test_slurp(c, &len);
    assert_non_null(data);
    patch(data, len, "QQ", "de", 2);
    patch(data, len, "PP", "P\x01", 2);
    /* Latitude 12.125 (0x4028400000000000) becomes 1000.0 (0x408F400000000000). */
    patch(data, len, "\x40\x28\x40\x00\x00\x00\x00\x00", "\x40\x8F\x40\x00\x00\x00\x00\x00", 8);
    FILE *f = fopen(c, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    data = kt_test_slurp(a, &len);
    assert_non_null(data);
    patch(data, len, "ORGXXXXXXXXXXXXXXXXX", "OR\n\x1b[2J\xff\xc3(\x7f\xc2\x85Z\xe2\x82WXYZ", 20);
    f = fopen(a, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);

    struct kt_geodb *db = open_ok(c, a);
    struct kt_geo g;
    kt_geodb_lookup(db, kt_str_cstr("192.0.2.1"), &g);
    assert_string_equal(g.country, "DE");
    assert_false(g.has_location); /* latitude 1000 */
    assert_int_equal(strlen(g.city), 46); /* 23 whole characters; the 24th does not fit */
    assert_true(strncmp(g.city, "\xC3\x80\xC3\x80", 4) == 0);
    assert_true((unsigned char)g.city[45] == 0x80);
    /* Controls (C0, DEL, C1) and malformed bytes each become one '?'. */
    assert_string_equal(g.as_org, "OR?\?[2J?\?(?\?Z?WXYZ");
    assert_int_equal(g.asn, 64500);
    kt_geodb_lookup(db, kt_str_cstr("198.51.100.1"), &g);
    assert_string_equal(g.country, ""); /* "P\x01" is not a country code */
    assert_true(g.has_location);
    assert_true(g.lat == -33.0625);
    kt_geodb_free(db);
}

/* ---- classification ---- */

/* ---- precision of real-shaped records ---- */

static struct kt_mmdb_entry entry(const char *addr, unsigned prefix, const char *cc,
                                  const char *region, const char *city, double lat, double lon,
                                  uint16_t acc)
{
    struct kt_mmdb_entry e;
    memset(&e, 0, sizeof(e));
    assert_true(kt_ip_parse(kt_str_cstr(addr), &e.network));
    e.prefix = prefix;
    snprintf(e.country, sizeof(e.country), "%s", cc);
    snprintf(e.region, sizeof(e.region), "%s", region);
    snprintf(e.city, sizeof(e.city), "%s", city);
    e.has_location = true;
    e.lat = lat;
    e.lon = lon;
    e.accuracy_km = acc;
    return e;
}

static void test_precision(void **state)
{
    (void)state;
    /* As GeoLite2-City has them: a city with its radius, a region without a city, a country
     * centroid with a 1000 km radius. */
    struct kt_mmdb_entry e[] = {
        entry("192.0.2.0", 120, "DE", "Berlin", "Berlin", 52.52, 13.405, 7),
        entry("192.0.2.128", 121, "US", "Virginia", "", 37.751, -78.0, 0),
        entry("198.51.100.0", 120, "US", "", "", 37.751, -97.822, 1000),
        entry("2001:db8::", 32, "JP", "", "", 35.69, 139.69, 0),
    };
    e[3].has_location = false; /* a Country database: no coordinates */
    static const struct {
        const char *addr;
        enum kt_geo_precision prec;
        bool loc;
        uint16_t acc, flat_acc;
    } want[] = {
        { "192.0.2.1", KT_GEO_PREC_CITY, true, 7, KT_GEO_DEFAULT_CITY_KM },
        { "192.0.2.200", KT_GEO_PREC_REGION, true, 500, KT_GEO_DEFAULT_REGION_KM },
        { "198.51.100.9", KT_GEO_PREC_COUNTRY, false, 0, 0 },
        { "2001:db8::1", KT_GEO_PREC_COUNTRY, false, 0, 0 },
        { "203.0.113.1", KT_GEO_PREC_NONE, false, 0, 0 },
    };
    for (int flat = 0; flat < 2; flat++) {
        const char *path = tmp(flat ? "prec-flat.mmdb" : "prec.mmdb");
        assert_int_equal(kt_mmdb_write(path, flat ? KT_MMDB_FLAT_CITY : KT_MMDB_MAXMIND_CITY,
                                       flat ? "t-City-Flat" : "t-City", e, KT_ARRAY_LEN(e), NULL),
                         KT_OK);
        struct kt_geodb *db = open_ok(path, NULL);
        for (size_t k = 0; k < KT_ARRAY_LEN(want); k++) {
            struct kt_geo g;
            memset(&g, 0x5a, sizeof(g));
            kt_geodb_lookup(db, kt_str_cstr(want[k].addr), &g);
            if (g.precision != want[k].prec || g.has_location != want[k].loc) {
                fail_msg("%s (%s): precision %d location %d", want[k].addr,
                         flat ? "flat" : "maxmind", g.precision, g.has_location);
            }
            if (g.has_location) {
                assert_int_equal(g.accuracy_km, flat ? want[k].flat_acc : want[k].acc);
            }
        }
        /* The country stays known when the location is not a point. */
        struct kt_geo g;
        kt_geodb_lookup(db, kt_str_cstr("198.51.100.9"), &g);
        assert_string_equal(g.country, "US");
        kt_geodb_free(db);
    }
}

/* GeoLite2-ASN layout, and ip-location-db's asn CSV through mkgeo's reader: hosting from the
 * AS number even when the organisation name says nothing. */
static void test_asn_hosting(void **state)
{
    (void)state;
    static const char csv[] = "1.2.3.0,1.2.3.255,16509,\"Amazon.com, Inc.\"\n"
                              "1.2.4.0,1.2.4.9,24940,Bland Networks Ltd\n"
                              "1.2.5.0,1.2.5.255,3320,Deutsche Telekom AG\n"
                              "1.2.6.0,1.2.6.255,64500,Example VPS Hosting SRL\n"
                              "2001:db8::,2001:db8::ff,396982,GOOGLE-CLOUD-PLATFORM\n";
    const char *path = tmp("asn-ipv4.csv");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(csv, 1, sizeof(csv) - 1, f), sizeof(csv) - 1);
    fclose(f);
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    assert_int_equal(kt_mmdb_read_csv(path, &e, &n, &err), KT_OK);
    const char *asn = tmp("ipldb-asn.mmdb");
    assert_int_equal(kt_mmdb_write(asn, KT_MMDB_ASN, "ip-location-db ASN", e, n, &err), KT_OK);
    free(e);
    struct kt_geodb *db = open_ok(NULL, asn);
    static const struct {
        const char *addr;
        uint32_t asn;
        bool hosting;
    } want[] = {
        { "1.2.3.4", 16509, true },       { "1.2.4.9", 24940, true },
        { "1.2.4.10", 0, false },         { "1.2.5.1", 3320, false },
        { "1.2.6.1", 64500, true },       { "2001:db8::42", 396982, true },
    };
    for (size_t k = 0; k < KT_ARRAY_LEN(want); k++) {
        struct kt_geo g;
        kt_geodb_lookup(db, kt_str_cstr(want[k].addr), &g);
        if (g.asn != want[k].asn || g.hosting != want[k].hosting) {
            fail_msg("%s: AS%u hosting %d", want[k].addr, (unsigned)g.asn, g.hosting);
        }
    }
    struct kt_geo g;
    kt_geodb_lookup(db, kt_str_cstr("1.2.4.3"), &g);
    assert_string_equal(g.as_org, "Bland Networks Ltd");
    kt_geodb_free(db);
}

/* MaxMind's own test databases (tests/fixtures/geo/README.md): real GeoLite2 records. */
static void test_real_geolite2(void **state)
{
    (void)state;
    char *city = strdup(kt_test_path("tests/fixtures/geo/GeoLite2-City-Test.mmdb"));
    char *asn = strdup(kt_test_path("tests/fixtures/geo/GeoLite2-ASN-Test.mmdb"));
    struct kt_geodb *db = open_ok(city, asn);
    free(city);
    free(asn);
    assert_string_equal(kt_geodb_describe(db),
                        "GeoLite2-City (2026-02-04), GeoLite2-ASN (2026-02-04)");
    struct kt_geo g;
    kt_geodb_lookup(db, kt_str_cstr("81.2.69.142"), &g);
    assert_string_equal(g.country, "GB");
    assert_string_equal(g.city, "London");
    assert_int_equal(g.precision, KT_GEO_PREC_CITY);
    assert_true(g.has_location);
    assert_int_equal(g.accuracy_km, 10);
    kt_geodb_lookup(db, kt_str_cstr("216.160.83.57"), &g);
    assert_int_equal(g.precision, KT_GEO_PREC_CITY);
    assert_int_equal(g.accuracy_km, 22);
    /* Country-only records carry a centroid and a radius of hundreds of km: not a point. */
    kt_geodb_lookup(db, kt_str_cstr("67.43.156.1"), &g);
    assert_string_equal(g.country, "BT");
    assert_int_equal(g.precision, KT_GEO_PREC_COUNTRY);
    assert_false(g.has_location);
    assert_int_equal(g.asn, 35908);
    kt_geodb_lookup(db, kt_str_cstr("2001:218::1"), &g);
    assert_string_equal(g.country, "JP");
    assert_false(g.has_location);
    kt_geodb_lookup(db, kt_str_cstr("89.160.20.113"), &g);
    assert_int_equal(g.asn, 29518);
    assert_string_equal(g.as_org, "Bredband2 AB");
    assert_false(g.hosting);
    kt_geodb_lookup(db, kt_str_cstr("1.0.0.1"), &g);
    assert_int_equal(g.asn, 15169);
    assert_true(g.hosting);
    kt_geodb_lookup(db, kt_str_cstr("12.81.100.1"), &g); /* a number without an organisation */
    assert_int_equal(g.asn, 7018);
    assert_string_equal(g.as_org, "");
    kt_geodb_free(db);
}

static void test_classify(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum kt_addr_kind kind;
    } cases[] = {
        { "203.0.113.7", KT_ADDR_PUBLIC }, /* documentation ranges count as public */
        { "198.51.100.1", KT_ADDR_PUBLIC },
        { "192.0.2.255", KT_ADDR_PUBLIC },
        { "2001:db8::1", KT_ADDR_PUBLIC },
        { "8.8.8.8", KT_ADDR_PUBLIC },
        { "2a00:1450:4001::1", KT_ADDR_PUBLIC },
        { "11.0.0.1", KT_ADDR_PUBLIC },
        { "9.255.255.255", KT_ADDR_PUBLIC },
        { "172.15.255.255", KT_ADDR_PUBLIC },
        { "172.32.0.0", KT_ADDR_PUBLIC },
        { "192.167.255.255", KT_ADDR_PUBLIC },
        { "100.63.255.255", KT_ADDR_PUBLIC },
        { "100.128.0.0", KT_ADDR_PUBLIC },
        { "169.253.255.255", KT_ADDR_PUBLIC },
        { "223.255.255.255", KT_ADDR_PUBLIC },
        { "fbff::1", KT_ADDR_PUBLIC },
        { "fec0::1", KT_ADDR_PUBLIC },
        { "::2", KT_ADDR_PUBLIC },
        { "10.0.0.1", KT_ADDR_PRIVATE },
        { "10.255.255.255", KT_ADDR_PRIVATE },
        { "172.16.0.1", KT_ADDR_PRIVATE },
        { "172.31.255.255", KT_ADDR_PRIVATE },
        { "192.168.1.1", KT_ADDR_PRIVATE },
        { "127.0.0.1", KT_ADDR_PRIVATE },
        { "127.255.0.9", KT_ADDR_PRIVATE },
        { "169.254.169.254", KT_ADDR_PRIVATE },
        { "100.64.0.1", KT_ADDR_PRIVATE },
        { "100.127.255.255", KT_ADDR_PRIVATE },
        { "0.0.0.0", KT_ADDR_PRIVATE },
        { "224.0.0.1", KT_ADDR_PRIVATE },
        { "255.255.255.255", KT_ADDR_PRIVATE },
        { "::1", KT_ADDR_PRIVATE },
        { "::", KT_ADDR_PRIVATE },
        { "fc00::1", KT_ADDR_PRIVATE },
        { "fdff:ffff::1", KT_ADDR_PRIVATE },
        { "fe80::1", KT_ADDR_PRIVATE },
        { "fe80::1%eth0", KT_ADDR_PRIVATE },
        { "febf::1", KT_ADDR_PRIVATE },
        { "ff02::1", KT_ADDR_PRIVATE },
        { "::ffff:10.1.2.3", KT_ADDR_PRIVATE },
        { "::ffff:8.8.8.8", KT_ADDR_PUBLIC },
        { "  10.0.0.1\t", KT_ADDR_PRIVATE },
        { "AWS Internal", KT_ADDR_SERVICE },
        { "ec2.amazonaws.com", KT_ADDR_SERVICE },
        { "cloudformation.amazonaws.com", KT_ADDR_SERVICE },
        { "build-7.ci.internal", KT_ADDR_SERVICE },
        { "example.com:443", KT_ADDR_SERVICE },
        { "localhost", KT_ADDR_SERVICE },
        { "", KT_ADDR_NONE },
        { "   ", KT_ADDR_NONE },
        { "-", KT_ADDR_NONE },
        { "unknown", KT_ADDR_NONE },
        { "UNKNOWN", KT_ADDR_NONE },
        { "null", KT_ADDR_NONE },
        { "1.2.3", KT_ADDR_NONE },
        { "256.1.1.1", KT_ADDR_NONE },
        { "1.2.3.4.5", KT_ADDR_NONE },
        { "2001:db8::zz", KT_ADDR_NONE },
        { "10.0.0.1/8", KT_ADDR_NONE },
        { "a\x01" "b", KT_ADDR_NONE },
        { "\xff\xfe", KT_ADDR_NONE },
        { "host:", KT_ADDR_NONE },
        { "host:123456", KT_ADDR_NONE },
        { ".hidden", KT_ADDR_NONE },
        { "a/b", KT_ADDR_NONE },
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        enum kt_addr_kind k = kt_addr_classify(kt_str_cstr(cases[i].s));
        if (k != cases[i].kind) {
            fail_msg("'%s': %d, want %d", cases[i].s, k, cases[i].kind);
        }
        struct kt_geo g;
        kt_geodb_lookup(NULL, kt_str_cstr(cases[i].s), &g);
        assert_int_equal(g.kind, cases[i].kind);
    }
    /* A view, not a C string: bytes past len are not read. */
    assert_int_equal(kt_addr_classify(kt_str_make("10.0.0.1999", 8)), KT_ADDR_PRIVATE);
    assert_int_equal(kt_addr_classify(kt_str_make(NULL, 0)), KT_ADDR_NONE);
    /* A 300-character name is not a host name. */
    char longname[301];
    memset(longname, 'a', 300);
    longname[300] = '\0';
    assert_int_equal(kt_addr_classify(kt_str_cstr(longname)), KT_ADDR_NONE);
}

/* ---- the cache ---- */

static bool same_geo(const struct kt_geo *a, const struct kt_geo *b)
{
    return a->kind == b->kind && strcmp(a->country, b->country) == 0 &&
           strcmp(a->city, b->city) == 0 && a->has_location == b->has_location &&
           a->lat == b->lat && a->lon == b->lon && a->accuracy_km == b->accuracy_km &&
           a->asn == b->asn && strcmp(a->as_org, b->as_org) == 0;
}

static void test_cache(void **state)
{
    (void)state;
    struct kt_geodb *db = open_ok(city_db, asn_db);
    assert_int_equal(kt_geodb_cache_hits(db), 0);
    assert_int_equal(kt_geodb_cache_misses(db), 0);
    struct kt_geo first, again;
    kt_geodb_lookup(db, kt_str_cstr("192.0.2.14"), &first);
    assert_int_equal(kt_geodb_cache_misses(db), 1);
    kt_geodb_lookup(db, kt_str_cstr("192.0.2.14"), &again);
    assert_int_equal(kt_geodb_cache_hits(db), 1);
    assert_true(same_geo(&first, &again));
    /* The IPv4-mapped form is the same key. */
    kt_geodb_lookup(db, kt_str_cstr("::ffff:192.0.2.14"), &again);
    assert_int_equal(kt_geodb_cache_hits(db), 2);
    assert_true(same_geo(&first, &again));
    /* Negative results are cached too. */
    kt_geodb_lookup(db, kt_str_cstr("8.8.8.8"), &again);
    kt_geodb_lookup(db, kt_str_cstr("8.8.8.8"), &again);
    assert_int_equal(kt_geodb_cache_misses(db), 2);
    assert_int_equal(kt_geodb_cache_hits(db), 3);
    assert_string_equal(again.country, "");
    /* Names are never looked up, so never counted. */
    kt_geodb_lookup(db, kt_str_cstr("AWS Internal"), &again);
    kt_geodb_lookup(db, kt_str_cstr(""), &again);
    assert_int_equal(kt_geodb_cache_misses(db) + kt_geodb_cache_hits(db), 5);
    /* A private address is looked up (users map their own ranges) and keeps its kind on a hit. */
    kt_geodb_lookup(db, kt_str_cstr("10.20.0.9"), &again);
    kt_geodb_lookup(db, kt_str_cstr("10.20.0.9"), &again);
    assert_int_equal(again.kind, KT_ADDR_PRIVATE);
    assert_string_equal(again.city, "Frankfurt am Main");

    /* Many distinct addresses evict each other; answers stay right. */
    struct kt_geodb *fresh = open_ok(city_db, asn_db);
    uint64_t misses0 = kt_geodb_cache_misses(db);
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < 20000; i++) {
            char addr[32];
            snprintf(addr, sizeof(addr), "%u.%u.%u.%u", 192 + (i % 3) * 3, (i >> 8) & 255,
                     (i * 7) & 255, i & 255);
            kt_geodb_lookup(db, kt_str_cstr(addr), &again);
            if (i % 97 == 0) {
                struct kt_geo direct;
                struct kt_geodb *other = round ? fresh : db;
                kt_geodb_lookup(other, kt_str_cstr(addr), &direct);
                assert_true(same_geo(&again, &direct));
            }
        }
    }
    assert_true(kt_geodb_cache_misses(db) - misses0 > 20000);
    kt_geodb_lookup(db, kt_str_cstr("192.0.2.14"), &again);
    assert_true(same_geo(&first, &again));
    kt_geodb_free(fresh);
    kt_geodb_free(db);
}

/* ---- distance ---- */

static void test_distance(void **state)
{
    (void)state;
    static const struct {
        double lat1, lon1, lat2, lon2, km, tol;
    } cases[] = {
        { 52.52, 13.405, 51.5072, -0.1276, 931.6, 2 },      /* Berlin - London */
        { 0, 0, 0, 180, 20015.09, 0.1 },                     /* antipodes on the equator */
        { 90, 0, -90, 0, 20015.09, 0.1 },                    /* pole to pole */
        { 40.7128, -74.006, 34.0522, -118.2437, 3935.7, 3 }, /* New York - Los Angeles */
        { -33.8688, 151.2093, 35.6762, 139.6503, 7826, 10 }, /* Sydney - Tokyo */
        { 1.3521, 103.8198, 1.3521, 103.8198, 0, 0 },        /* same place */
        { 0, 179.5, 0, -179.5, 111.19, 0.1 },                /* across the date line */
        { 45, 10, -45, -170, 20015.09, 0.1 },                /* antipodes off the equator */
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(cases); i++) {
        double d = kt_geo_distance_km(cases[i].lat1, cases[i].lon1, cases[i].lat2, cases[i].lon2);
        double r = kt_geo_distance_km(cases[i].lat2, cases[i].lon2, cases[i].lat1, cases[i].lon1);
        if (fabs(d - cases[i].km) > cases[i].tol || fabs(d - r) > 1e-9 || isnan(d)) {
            fail_msg("case %zu: %.3f km, want %.3f", i, d, cases[i].km);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_maxmind_and_asn),
        cmocka_unit_test(test_lookup_flat),
        cmocka_unit_test(test_lookup_asn_only),
        cmocka_unit_test(test_schema_per_record),
        cmocka_unit_test(test_describe_with_dates),
        cmocka_unit_test(test_null_db),
        cmocka_unit_test(test_search_env_dir),
        cmocka_unit_test(test_search_newest_monthly_file),
        cmocka_unit_test(test_search_env_file),
        cmocka_unit_test(test_missing_db_is_not_an_error),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_corrupt_fixtures),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_asn_hosting),
        cmocka_unit_test(test_real_geolite2),
        cmocka_unit_test(test_wrong_kind_refused),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_distance),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
