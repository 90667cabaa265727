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

/* A parsed address (src/ipaddr.c): IPv4 is stored as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
struct kt_ip {
    uint8_t b[16];
    bool v4; /* written as a dotted quad */
};

/*
 * How precise a location is. A city match is a point with an uncertainty radius; a region
 * (subdivision) match is a wider one; a country-only match is not a point at all (the
 * coordinates a database gives for it are the country's centroid), so it has no location:
 * has_location is false and travel speeds are never computed from it. When the record gives a
 * centroid, lat/lon/accuracy_km still hold it, as a rough description of the country's area
 * (used only to judge whether a trip there was possible at all).
 */
enum kt_geo_precision {
    KT_GEO_PREC_NONE = 0, /* nothing known */
    KT_GEO_PREC_COUNTRY,  /* country only: has_location false */
    KT_GEO_PREC_REGION,   /* subdivision (state, province), no city */
    KT_GEO_PREC_CITY,     /* a city */
};

/* Radii (km) given to a location whose database states none (DB-IP lite, ip-location-db):
 * about what GeoLite2 itself reports for such matches. */
#define KT_GEO_DEFAULT_CITY_KM 50
#define KT_GEO_DEFAULT_REGION_KM 200
#define KT_GEO_DEFAULT_COUNTRY_KM 1000

struct kt_geo {
    enum kt_addr_kind kind;
    char country[3];    /* ISO 3166-1 alpha-2, "" when unknown */
    char city[48];      /* English name, "" when unknown */
    bool has_location;
    double lat, lon;    /* degrees, valid when has_location (or a country's centroid) */
    enum kt_geo_precision precision;
    uint16_t accuracy_km; /* radius of the location's uncertainty (the database's own
                             location.accuracy_radius, else a default per precision) */
    uint32_t asn;       /* 0 when unknown */
    char as_org[64];    /* "" when unknown */
    bool hosting;       /* the network is a hosting or cloud provider (its AS number is in
                           the list of kt_asn_is_hosting, else its organisation name says so) */
};

/*
 * Whether an AS number belongs to a major cloud or hosting provider (AWS, Google, Microsoft,
 * Cloudflare, DigitalOcean, OVH, Hetzner, ...), from a table shipped with keytrail
 * (src/hosting_asn.c). Decides even when the organisation name is bland.
 */
bool kt_asn_is_hosting(uint32_t asn);

/*
 * The provider behind an AS number, named by one AS number of its group (Amazon's 14618 and
 * 16509 both give 16509); an AS number not in a group names itself (0 stays 0). Two networks
 * with the same provider are one cloud's regions, not two operators.
 */
uint32_t kt_asn_provider(uint32_t asn);
/* Whether the AS number belongs to a provider with several (kt_asn_provider tells which). */
bool kt_asn_grouped(uint32_t asn);

/* Whether an AS number is one of the networks most commercial VPNs egress from (M247,
 * Datacamp, Packethub, Proton...). */
bool kt_asn_is_vpn(uint32_t asn);

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
