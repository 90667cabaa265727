/*
 * Writing MaxMind DB files (the format libmaxminddb reads), for `keytrail mkgeo`: turning a
 * CSV of networks into a City and an ASN database, so tests and the demo need no download and
 * users can map their own address space (offices, VPN ranges, CI runners).
 */
#ifndef KEYTRAIL_MMDB_WRITER_H
#define KEYTRAIL_MMDB_WRITER_H

#include <keytrail/error.h>

#include "ipaddr.h"

/* One network's data, written in the chosen schema. Empty strings / has_location false /
 * asn 0 leave the field out. */
struct kt_mmdb_entry {
    struct kt_ip network; /* IPv4 as IPv4-mapped; prefix counts bits of the 128-bit form */
    unsigned prefix;      /* 0..128 (IPv4 /24 is prefix 120) */
    char country[3];
    char country_name[64];
    char region[64];      /* subdivision (state, province) name */
    char city[64];
    bool has_location;
    double lat, lon;
    uint16_t accuracy_km;
    uint32_t asn;
    char as_org[256];     /* longer names are cut at a character boundary by the CSV reader */
};

enum kt_mmdb_schema {
    KT_MMDB_MAXMIND_CITY = 0, /* GeoIP2/GeoLite2-City layout */
    KT_MMDB_FLAT_CITY,        /* DB-IP lite / ip-location-db layout */
    KT_MMDB_ASN,              /* GeoLite2-ASN layout */
};

/*
 * Writes entries to path as a MaxMind DB (IPv6 tree with IPv4 at ::/96, 24-, 28- or 32-bit
 * records as needed) with the given database_type in its metadata. Overlapping networks: the more
 * specific wins. Returns KT_OK, KT_EINVAL for a bad entry, KT_EIO, KT_ENOMEM.
 */
enum kt_rc kt_mmdb_write(const char *path, enum kt_mmdb_schema schema, const char *database_type,
                         const struct kt_mmdb_entry *entries, size_t n, struct kt_err *err);

/*
 * Reads the networks CSV (header: network,country_iso_code,country_name,city,latitude,
 * longitude,asn,as_org; column order from the header; extra columns ignored). Returns a
 * malloc'd array the caller frees, or KT_EPARSE with err naming the file and line (also
 * KT_EOPEN, KT_EIO, KT_ENOMEM, KT_ELIMIT for over-large files).
 */
enum kt_rc kt_mmdb_read_csv(const char *path, struct kt_mmdb_entry **out, size_t *n,
                            struct kt_err *err);

#endif
