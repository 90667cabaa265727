/*
 * Geolocation and ASN lookups through libmaxminddb, with a cache.
 *
 * A City or Country database in either schema — MaxMind GeoIP2/GeoLite2 (country.iso_code,
 * city.names.en, location.latitude/longitude/accuracy_radius) or the flat one of DB-IP lite
 * and ip-location-db (country_code, city, latitude, longitude) — and an ASN database in the
 * GeoLite2-ASN schema (autonomous_system_number, autonomous_system_organization). Either may be
 * absent. Lookups go through a fixed-size cache keyed by the address, so each distinct address
 * costs one tree walk.
 */
#ifndef KEYTRAIL_GEODB_H
#define KEYTRAIL_GEODB_H

#include <keytrail/error.h>
#include <keytrail/geo.h>

struct kt_geodb;

/*
 * Opens the databases. city_path / asn_path: a file, or NULL to search the usual places:
 * $KEYTRAIL_GEOIP (a file or a directory), /usr/share/GeoIP, /var/lib/GeoIP, for the common
 * file names (GeoLite2-City.mmdb, GeoIP2-City.mmdb, GeoLite2-Country.mmdb, dbip-city-lite*.mmdb,
 * dbip-country-lite*.mmdb, GeoLite2-ASN.mmdb, dbip-asn-lite*.mmdb, ...). Finding nothing is not
 * an error: the db is returned with no location and no ASN data. An explicitly given path that
 * cannot be opened or is not a MaxMind DB is KT_EOPEN / KT_EPARSE with err naming it; one of
 * the wrong kind (an ASN database as city_path, a City/Country one as asn_path, an Anonymous-IP
 * or other database as either; told by database_type, else by the fields of the records of a
 * few well-known addresses) is KT_EUSAGE. A database that gives no clue is accepted.
 */
enum kt_rc kt_geodb_open(struct kt_geodb **out, const char *city_path, const char *asn_path,
                         struct kt_err *err);
void kt_geodb_free(struct kt_geodb *db);

bool kt_geodb_has_location(const struct kt_geodb *db); /* a City or Country db is open */
bool kt_geodb_has_asn(const struct kt_geodb *db);
/* Human description of what is loaded, e.g. "GeoLite2-City (2026-11-01), GeoLite2-ASN" or
 * "no geolocation database"; for the one-line notice at start. */
const char *kt_geodb_describe(const struct kt_geodb *db);

/* Classifies and looks up an address as logged (kt_ip_clean already applied). Never fails:
 * unknown fields stay empty. db may be NULL (classification only). */
void kt_geodb_lookup(struct kt_geodb *db, struct kt_str addr, struct kt_geo *out);

/* The same for an address already parsed (kt_ip_parse): what the observation stage calls. */
void kt_geodb_lookup_ip(struct kt_geodb *db, const struct kt_ip *ip, struct kt_geo *out);

/* The result for text that is not an IP address: kind SERVICE or NONE, nothing else. */
void kt_geodb_lookup_name(struct kt_str addr, struct kt_geo *out);

/* Classification alone. */
enum kt_addr_kind kt_addr_classify(struct kt_str addr);

uint64_t kt_geodb_cache_hits(const struct kt_geodb *db);
uint64_t kt_geodb_cache_misses(const struct kt_geodb *db);

#endif
