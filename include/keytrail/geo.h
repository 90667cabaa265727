/*
 * Where an address is: country, city and coordinates, autonomous system.
 *
 * Filled from MaxMind-format databases through libmaxminddb (src/geodb.c). A field that the
 * databases do not know stays empty (country[0] == '\0', asn == 0, has_location false), and
 * addresses that are not IP addresses at all (CloudTrail's "AWS Internal", service host names)
 * are recognised and never looked up.
 */
#ifndef KEYTRAIL_GEO_H
#define KEYTRAIL_GEO_H

#include <keytrail/common.h>

enum kt_addr_kind {
    KT_ADDR_PUBLIC = 0, /* a routable IPv4/IPv6 address */
    KT_ADDR_PRIVATE,    /* RFC 1918, loopback, link-local, CGNAT, ULA, multicast, reserved (the
                           documentation ranges count as public: samples and tests use them) */
    KT_ADDR_SERVICE,    /* a provider's own service ("AWS Internal", "ec2.amazonaws.com") */
    KT_ADDR_NONE,       /* empty or unparseable */
};

struct kt_geo {
    enum kt_addr_kind kind;
    char country[3];    /* ISO 3166-1 alpha-2, "" when unknown */
    char city[48];      /* English name, "" when unknown */
    bool has_location;
    double lat, lon;    /* degrees, valid when has_location */
    uint16_t accuracy_km; /* radius of the location's uncertainty; 0 when not given */
    uint32_t asn;       /* 0 when unknown */
    char as_org[64];    /* "" when unknown */
    bool hosting;       /* the network is a hosting or cloud provider (judged by its AS
                           organisation, see kt_as_org_is_hosting) */
};

/*
 * Whether an AS organisation name belongs to a hosting, VPS or cloud provider ("Hetzner Online
 * GmbH", "DigitalOcean, LLC", "Example VPS Hosting SRL"), from a table of names and words. A
 * heuristic: people browse from access networks (ISPs, mobile carriers), machines run in
 * hosting networks, so a browser-like client there is worth a look.
 */
bool kt_as_org_is_hosting(const char *org);

/* Great-circle distance in kilometres (haversine, mean Earth radius 6371 km). */
double kt_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

#endif
