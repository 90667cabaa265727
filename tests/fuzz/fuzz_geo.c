/*
 * Fuzz harness for geolocation: the input is written to a temporary file and opened as a City
 * database and as an ASN database (then looked up at fixed addresses and at addresses taken
 * from the input), and read as a networks CSV. Besides memory safety (ASan/UBSan) it aborts
 * when an invariant breaks:
 *   - every string in a result is NUL-terminated inside its field, free of control bytes;
 *   - a country is empty or two letters A-Z; a location is within the globe's ranges;
 *   - a refused open leaves no database and names the file;
 *   - a CSV that reads without error always writes, and the written database opens.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "geodb.h"
#include "mmdb_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libmaxminddb 1.7.1 leaks a few KiB inside MMDB_open when metadata decoding fails part way
 * (e.g. a description map whose key is a pointer); MMDB_open alone reproduces it, and it is
 * bounded (one open per database per run). LeakSanitizer reads this hook.
 */
const char *__lsan_default_suppressions(void)
{
    return "leak:libmaxminddb.so\n";
}

static char in_path[64], out_path[64], empty_dir[64];

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static bool clean_text(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    if (nul == NULL) {
        return false;
    }
    for (const char *p = s; p < nul; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

static void check_geo(const struct kt_geo *g)
{
    check(clean_text(g->country, sizeof(g->country)));
    check(g->country[0] == '\0' || (g->country[0] >= 'A' && g->country[0] <= 'Z' &&
                                    g->country[1] >= 'A' && g->country[1] <= 'Z'));
    check(clean_text(g->city, sizeof(g->city)));
    check(clean_text(g->as_org, sizeof(g->as_org)));
    if (g->has_location) {
        check(g->lat >= -90.0 && g->lat <= 90.0 && g->lon >= -180.0 && g->lon <= 180.0);
    }
}

static bool make_temp(char *path, size_t cap, const char *name)
{
    snprintf(path, cap, "/tmp/kt-fuzz-geo-%s-XXXXXX", name);
    int fd = mkstemp(path);
    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static bool put_file(const uint8_t *data, size_t size)
{
    FILE *f = fopen(in_path, "wb");
    if (f == NULL) {
        return false;
    }
    bool ok = fwrite(data, 1, size, f) == size;
    return fclose(f) == 0 && ok;
}

static void lookups(struct kt_geodb *db, const uint8_t *data, size_t size)
{
    static const char *const fixed[] = { "1.1.1.1",      "192.0.2.14", "81.2.69.142",
                                         "::1",          "::",         "2001:db8:100::1",
                                         "::ffff:1.2.3.4", "255.255.255.255", "AWS Internal" };
    struct kt_geo g;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        kt_geodb_lookup(db, kt_str_cstr(fixed[i]), &g);
        check_geo(&g);
        struct kt_geo again;
        kt_geodb_lookup(db, kt_str_cstr(fixed[i]), &again); /* from the cache */
        check(again.kind == g.kind && strcmp(again.city, g.city) == 0 && again.asn == g.asn);
    }
    /* Addresses from the input's own bytes reach the paths its tree encodes. */
    for (size_t off = 0; off + 16 <= size && off < 256; off += 16) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%u.%u.%u.%u", data[off], data[off + 1], data[off + 2],
                 data[off + 3]);
        kt_geodb_lookup(db, kt_str_cstr(buf), &g);
        check_geo(&g);
        snprintf(buf, sizeof(buf), "%x:%x:%x:%x:%x:%x:%x:%x", data[off] << 8 | data[off + 1],
                 data[off + 2] << 8 | data[off + 3], data[off + 4] << 8 | data[off + 5],
                 data[off + 6] << 8 | data[off + 7], data[off + 8] << 8 | data[off + 9],
                 data[off + 10] << 8 | data[off + 11], data[off + 12] << 8 | data[off + 13],
                 data[off + 14] << 8 | data[off + 15]);
        kt_geodb_lookup(db, kt_str_cstr(buf), &g);
        check_geo(&g);
    }
}

static void remove_temps(void)
{
    unlink(in_path);
    unlink(out_path);
    rmdir(empty_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (in_path[0] == '\0') {
        /* The role not given is searched for: point the search at an empty directory, so
         * databases installed on the machine stay out of it. */
        snprintf(empty_dir, sizeof(empty_dir), "/tmp/kt-fuzz-geo-dir-XXXXXX");
        if (!make_temp(in_path, sizeof(in_path), "in") ||
            !make_temp(out_path, sizeof(out_path), "out") || mkdtemp(empty_dir) == NULL) {
            abort();
        }
        setenv("KEYTRAIL_GEOIP", empty_dir, 1);
        atexit(remove_temps);
    }
    if (size > (1u << 20) || !put_file(data, size)) {
        return 0;
    }

    /* As a database, in both roles. */
    for (int role = 0; role < 2; role++) {
        struct kt_geodb *db = (struct kt_geodb *)&db;
        struct kt_err err;
        kt_err_clear(&err);
        enum kt_rc rc = kt_geodb_open(&db, role == 0 ? in_path : NULL,
                                      role == 1 ? in_path : NULL, &err);
        if (rc != KT_OK) {
            check(db == NULL && strcmp(err.where, in_path) == 0);
            continue;
        }
        check(db != NULL);
        const char *d = kt_geodb_describe(db);
        check(clean_text(d, strlen(d) + 1));
        lookups(db, data, size);
        kt_geodb_free(db);
    }

    /* As a networks CSV. */
    struct kt_mmdb_entry *e = NULL;
    size_t n = 0;
    struct kt_err err;
    kt_err_clear(&err);
    if (kt_mmdb_read_csv(in_path, &e, &n, &err) == KT_OK) {
        check(e != NULL);
        check(kt_mmdb_write(out_path, KT_MMDB_MAXMIND_CITY, "fuzz", e, n, &err) == KT_OK);
        check(kt_mmdb_write(out_path, KT_MMDB_FLAT_CITY, "fuzz", e, n, &err) == KT_OK);
        check(kt_mmdb_write(out_path, KT_MMDB_ASN, "fuzz", e, n, &err) == KT_OK);
        struct kt_geodb *db = NULL;
        check(kt_geodb_open(&db, NULL, out_path, &err) == KT_OK);
        lookups(db, data, size);
        kt_geodb_free(db);
    } else {
        check(e == NULL && n == 0 && err.where[0] != '\0');
    }
    free(e);
    return 0;
}
