/*
 * `keytrail mkgeo [--schema maxmind|flat] NETWORKS.csv CITY.mmdb [ASN.mmdb]`: builds MaxMind
 * databases from a CSV of networks (mmdb_writer.h), so tests, the demo and users' own address
 * plans (offices, VPN, CI runners) need no download. The CSV is read and checked completely
 * before anything is written; each database is written beside its target and renamed into
 * place. One summary line goes to stderr. Exit status: 0, 2 for usage errors, 4 when the CSV
 * cannot be read or is malformed (nothing is written), 8 when a database cannot be written.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mmdb_writer.h"

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0) {
        return true;
    }
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static void print_err(const struct kt_err *err)
{
    if (err->where[0] != '\0') {
        kt_cli_error("mkgeo: %s: %s", err->where, err->msg);
    } else {
        kt_cli_error("mkgeo: %s", err->msg[0] ? err->msg : kt_strerror(err->rc));
    }
}

int kt_cmd_mkgeo(struct kt_cli *cli)
{
    if (cli->n_paths < 2 || cli->n_paths > 3) {
        kt_cli_error("mkgeo: expected NETWORKS.csv CITY.mmdb [ASN.mmdb]");
        return KT_EXIT_USAGE;
    }
    const char *csv = cli->paths[0], *city = cli->paths[1];
    const char *asn = cli->n_paths == 3 ? cli->paths[2] : NULL;
    bool flat = cli->schema != NULL && strcmp(cli->schema, "flat") == 0;
    if (strcmp(csv, "-") == 0 || strcmp(city, "-") == 0 || (asn && strcmp(asn, "-") == 0)) {
        kt_cli_error("mkgeo: standard input/output is not supported; name the files");
        return KT_EXIT_USAGE;
    }
    if (same_file(csv, city) || (asn != NULL && (same_file(csv, asn) || same_file(city, asn)))) {
        kt_cli_error("mkgeo: the CSV and the databases must be different files");
        return KT_EXIT_USAGE;
    }

    struct kt_err err;
    kt_err_clear(&err);
    struct kt_mmdb_entry *entries = NULL;
    size_t n = 0;
    enum kt_rc rc = kt_mmdb_read_csv(csv, &entries, &n, &err);
    if (rc != KT_OK) {
        print_err(&err);
        return rc == KT_ENOMEM ? KT_EXIT_FATAL : KT_EXIT_DAMAGED;
    }
    int status = KT_EXIT_OK;
    rc = kt_mmdb_write(city, flat ? KT_MMDB_FLAT_CITY : KT_MMDB_MAXMIND_CITY,
                       flat ? "keytrail-City-Flat" : "keytrail-City", entries, n, &err);
    if (rc == KT_OK && asn != NULL) {
        rc = kt_mmdb_write(asn, KT_MMDB_ASN, "keytrail-ASN", entries, n, &err);
    }
    if (rc != KT_OK) {
        print_err(&err);
        status = KT_EXIT_FATAL;
        goto out;
    }
    size_t v4 = 0;
    for (size_t i = 0; i < n; i++) {
        v4 += entries[i].network.v4;
    }
    fprintf(stderr, "keytrail: mkgeo: %zu networks (%zu IPv4, %zu IPv6) -> %s (%s schema)%s%s\n",
            n, v4, n - v4, city, flat ? "flat" : "maxmind", asn ? ", ASN -> " : "",
            asn ? asn : "");

out:
    free(entries);
    return status;
}
