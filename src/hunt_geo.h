/*
 * `hunt --geo NETWORKS.csv`: a responder often has the networks of their own address space
 * (offices, VPN, CI) as a CSV, not as MaxMind databases. The CSV (the layout of `keytrail
 * mkgeo`) is turned into a City and an ASN database in a private temporary directory, opened
 * like --geoip/--asn, and removed as soon as it is open (the databases are mapped).
 */
#ifndef KEYTRAIL_HUNT_GEO_H
#define KEYTRAIL_HUNT_GEO_H

#include <keytrail/common.h>

struct kt_hunt_geo {
    char dir[256];
    char city_path[300];
    char asn_path[300];
    bool made;
};

/* Builds the databases of csv; prints the error and returns false on failure. */
bool kt_hunt_geo_build(const char *csv, struct kt_hunt_geo *g);

/* Removes the files and the directory; idempotent. */
void kt_hunt_geo_remove(struct kt_hunt_geo *g);

#endif
