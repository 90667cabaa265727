/* Temporary databases from a networks CSV (hunt_geo.h). */
#include "hunt_geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "mmdb_writer.h"

bool kt_hunt_geo_build(const char *csv, struct kt_hunt_geo *g)
{
    memset(g, 0, sizeof(*g));
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 200) {
        tmp = "/tmp";
    }
    snprintf(g->dir, sizeof(g->dir), "%s/keytrail-geo.XXXXXX", tmp);
    if (mkdtemp(g->dir) == NULL) {
        kt_cli_error("--geo: cannot make a temporary directory in %s", tmp);
        return false;
    }
    g->made = true;
    snprintf(g->city_path, sizeof(g->city_path), "%s/city.mmdb", g->dir);
    snprintf(g->asn_path, sizeof(g->asn_path), "%s/asn.mmdb", g->dir);
    struct kt_err err;
    kt_err_clear(&err);
    struct kt_mmdb_entry *entries = NULL;
    size_t n = 0;
    enum kt_rc rc = kt_mmdb_read_csv(csv, &entries, &n, &err);
    if (rc == KT_OK) {
        rc = kt_mmdb_write(g->city_path, KT_MMDB_MAXMIND_CITY, "keytrail-City", entries, n, &err);
    }
    if (rc == KT_OK) {
        rc = kt_mmdb_write(g->asn_path, KT_MMDB_ASN, "keytrail-ASN", entries, n, &err);
    }
    free(entries);
    if (rc != KT_OK) {
        kt_cli_error("--geo: %s%s%s", err.where, err.where[0] ? ": " : "", err.msg);
        kt_hunt_geo_remove(g);
        return false;
    }
    return true;
}

void kt_hunt_geo_remove(struct kt_hunt_geo *g)
{
    if (!g->made) {
        return;
    }
    unlink(g->city_path);
    unlink(g->asn_path);
    rmdir(g->dir);
    g->made = false;
}
