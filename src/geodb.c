/*
 * Geolocation and ASN lookups through libmaxminddb, with a cache (geodb.h).
 *
 * Databases. A City or Country database and an ASN database, each optional, opened with
 * MMDB_open (memory-mapped). Without explicit paths they are searched for: in $KEYTRAIL_GEOIP
 * alone when it is set (a file, whose database_type says whether it is a City/Country or an
 * ASN database, or a directory), else in /usr/share/GeoIP and /var/lib/GeoIP, under the names
 * MaxMind, DB-IP and `keytrail mkgeo` users give them (a glob takes the greatest name: the
 * newest monthly file). A database that is found or named but cannot be opened, and a
 * $KEYTRAIL_GEOIP that does not exist, are errors: a broken setup should be fixed, not
 * silently ignored. Finding nothing is not an error.
 *
 * Schemas. City/Country records come in two layouts: MaxMind's (country.iso_code,
 * city.names.en, location.latitude/longitude/accuracy_radius; also DB-IP lite's own files) and
 * the flat one of ip-location-db (country_code, city, latitude, longitude). The layout is
 * guessed at open from database_type and confirmed per record: when a record has none of the
 * expected layout's fields, the other layout is tried, and the guess follows what was found.
 * Numbers are read whatever their stored type (double, float, integer or decimal string).
 *
 * Precision. A record with a city is a point with its location.accuracy_radius (km); one with
 * a subdivision (MaxMind subdivisions[0], flat state1) but no city is a region; one with only
 * a country is not a point, whatever coordinates it carries (GeoLite2 gives the country's
 * centroid with a radius of about 1000 km): has_location stays false, so no detector measures
 * a travel speed from it; the centroid and radius are kept as the area's rough description. Flat layouts state no radius: KT_GEO_DEFAULT_CITY_KM / _REGION_KM.
 *
 * Addresses. kt_addr_classify sorts what a log wrote into public, private, service names and
 * nothing; only IP addresses are looked up (private ones too: users map their own ranges with
 * mkgeo). IPv4, including IPv4-mapped IPv6, is looked up as IPv4.
 *
 * Cache. A table of CACHE_SLOTS entries in pairs (2-way set associative, least recently used
 * replaced), keyed by the 16-byte address (IPv4 as IPv4-mapped) through the seeded kt_hash,
 * holding the filled struct kt_geo, empty results included. A hit is one hash, at most two
 * 16-byte compares and a copy; a miss walks the trees and replaces the older slot of the pair.
 * Memory is fixed whatever the traffic. Dotted-quad IPv4, the common case, is parsed by
 * kt_ip_parse without inet_pton. The engine hands over the address its observation stage
 * parsed (kt_geodb_lookup_ip), so an event's address is parsed once.
 *
 * Hostile databases. Corruption that MMDB_open detects is refused with its message; corruption
 * that shows only in a lookup (a bad pointer, a wrong type) gives an empty field. Strings from a
 * database are copied with truncation at a character boundary, and control characters and
 * malformed UTF-8 are replaced with '?', so nothing a database says can break a report.
 */
#include "geodb.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <maxminddb.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "hash.h"
#include "ipaddr.h"

#define CACHE_SLOTS 8192 /* power of two; 8192 * 168 bytes = 1.3 MiB */
_Static_assert(CACHE_SLOTS >= 2 && (CACHE_SLOTS & (CACHE_SLOTS - 1)) == 0,
               "the cache is indexed by masking: CACHE_SLOTS must be a power of two");
#define PATH_CAP 4096

enum schema { SCHEMA_MAXMIND, SCHEMA_FLAT };

struct cache_slot {
    uint8_t key[16];
    bool used;
    struct kt_geo geo;
};

struct kt_geodb {
    MMDB_s city, asn;
    bool has_city, has_asn;
    enum schema prefer;
    char desc[256];
    uint64_t hits, misses;
    struct cache_slot cache[CACHE_SLOTS];
    uint8_t victim[CACHE_SLOTS / 2]; /* per pair of slots: the less recently used one */
};

/* ---- classification ---- */

struct range {
    uint8_t net[16];
    unsigned bits;
};

#define V4(a, b, c, d, n)                                                                      \
    {                                                                                          \
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d }, 96 + (n)                     \
    }

/*
 * Not routable on the public Internet, or not a unicast client address. The documentation
 * ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are deliberately NOT
 * here: keytrail's samples and tests use them as stand-ins for public addresses, with their own
 * database mapping them to cities, so they classify as KT_ADDR_PUBLIC.
 */
static const struct range private_ranges[] = {
    V4(10, 0, 0, 0, 8),      /* RFC 1918 */
    V4(172, 16, 0, 0, 12),   /* RFC 1918 */
    V4(192, 168, 0, 0, 16),  /* RFC 1918 */
    V4(127, 0, 0, 0, 8),     /* loopback */
    V4(169, 254, 0, 0, 16),  /* link-local */
    V4(100, 64, 0, 0, 10),   /* carrier-grade NAT, RFC 6598 */
    V4(0, 0, 0, 0, 8),       /* "this network", unspecified */
    V4(224, 0, 0, 0, 4),     /* multicast */
    V4(240, 0, 0, 0, 4),     /* reserved and broadcast */
    { { 0 }, 128 },          /* :: unspecified */
    { { [15] = 1 }, 128 },   /* ::1 loopback */
    { { 0xfc }, 7 },         /* fc00::/7 unique local */
    { { 0xfe, 0x80 }, 10 },  /* fe80::/10 link-local */
    { { 0xff }, 8 },         /* ff00::/8 multicast */
};

static bool in_range(const uint8_t *b, const struct range *r)
{
    unsigned full = r->bits / 8, rest = r->bits % 8;
    if (memcmp(b, r->net, full) != 0) {
        return false;
    }
    if (rest == 0) {
        return true;
    }
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (b[full] & mask) == (r->net[full] & mask);
}

static enum kt_addr_kind classify_ip(const struct kt_ip *ip)
{
    for (size_t i = 0; i < KT_ARRAY_LEN(private_ranges); i++) {
        if (in_range(ip->b, &private_ranges[i])) {
            return KT_ADDR_PRIVATE;
        }
    }
    return KT_ADDR_PUBLIC;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A non-IP string: a service or host name ("AWS Internal", "ec2.amazonaws.com",
 * "build-7.ci.internal", optionally with ":port") is KT_ADDR_SERVICE; placeholders ("-",
 * "unknown") and anything else are KT_ADDR_NONE.
 */
static enum kt_addr_kind classify_name(struct kt_str s)
{
    static const char *const placeholders[] = { "unknown", "null", "none", "undefined", "nil" };
    if (s.len == 0 || s.len > 253) {
        return KT_ADDR_NONE;
    }
    /* Drop a ":port" suffix from a host name. */
    const char *colon = memchr(s.ptr, ':', s.len);
    if (colon != NULL) {
        struct kt_str port = kt_str_make(colon + 1, s.len - (size_t)(colon - s.ptr) - 1);
        if (port.len == 0 || port.len > 5) {
            return KT_ADDR_NONE;
        }
        for (size_t i = 0; i < port.len; i++) {
            if (port.ptr[i] < '0' || port.ptr[i] > '9') {
                return KT_ADDR_NONE;
            }
        }
        s.len = (size_t)(colon - s.ptr);
    }
    bool letter = false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (is_alpha(c)) {
            letter = true;
        } else if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ' ')) {
            return KT_ADDR_NONE;
        }
    }
    if (!letter || s.ptr[0] == ' ' || s.ptr[0] == '.' || s.ptr[0] == '-') {
        return KT_ADDR_NONE;
    }
    for (size_t i = 0; i < KT_ARRAY_LEN(placeholders); i++) {
        if (kt_str_eq_nocase(s, kt_str_cstr(placeholders[i]))) {
            return KT_ADDR_NONE;
        }
    }
    return KT_ADDR_SERVICE;
}

enum kt_addr_kind kt_addr_classify(struct kt_str addr)
{
    struct kt_ip ip;
    addr = kt_str_trim(addr);
    if (kt_ip_parse(addr, &ip)) {
        return classify_ip(&ip);
    }
    return classify_name(addr);
}

/* ---- reading values ---- */

/*
 * Copies n bytes of UTF-8 from a database into dst (capacity cap), truncating at a character
 * boundary; malformed sequences and control characters (C0, DEL, C1) become '?'.
 */
static void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
    const uint8_t *p = (const uint8_t *)src;
    size_t o = 0, i = 0;
    while (i < n) {
        uint8_t c = p[i];
        size_t len = 1;
        bool ok = true;
        if (c < 0x80) {
            ok = c >= 0x20 && c != 0x7f;
        } else {
            uint32_t cp;
            if (c >= 0xC2 && c <= 0xDF) {
                len = 2;
                cp = c & 0x1Fu;
            } else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                cp = c & 0x0Fu;
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                cp = c & 0x07u;
            } else {
                len = 1;
                ok = false;
                cp = 0;
            }
            for (size_t k = 1; ok && k < len; k++) {
                if (i + k >= n || (p[i + k] & 0xC0) != 0x80) {
                    ok = false;
                    len = k;
                } else {
                    cp = cp << 6 | (p[i + k] & 0x3Fu);
                }
            }
            if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                       (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                       (cp >= 0x80 && cp <= 0x9F))) {
                ok = false;
            }
        }
        size_t out_len = ok ? len : 1;
        if (o + out_len > cap - 1) {
            break;
        }
        if (ok) {
            memcpy(dst + o, p + i, len);
        } else {
            dst[o] = '?';
        }
        o += out_len;
        i += len;
    }
    dst[o] = '\0';
}

/* Looks up a path (NULL-terminated list of keys) and returns it if present. */
static bool get_path(MMDB_entry_s *entry, MMDB_entry_data_s *d, const char *const *path)
{
    if (MMDB_aget_value(entry, d, path) != MMDB_SUCCESS) {
        return false;
    }
    return d->has_data;
}

static bool get_string(MMDB_entry_s *entry, const char *const *path, char *dst, size_t cap)
{
    MMDB_entry_data_s d;
    if (!get_path(entry, &d, path) || d.type != MMDB_DATA_TYPE_UTF8_STRING) {
        return false;
    }
    copy_text(dst, cap, d.utf8_string, d.data_size);
    return dst[0] != '\0';
}

/* A number stored as any numeric type, or as a decimal string. */
static bool get_number(MMDB_entry_s *entry, const char *const *path, double *out)
{
    MMDB_entry_data_s d;
    if (!get_path(entry, &d, path)) {
        return false;
    }
    switch (d.type) {
    case MMDB_DATA_TYPE_DOUBLE: *out = d.double_value; break;
    case MMDB_DATA_TYPE_FLOAT: *out = d.float_value; break;
    case MMDB_DATA_TYPE_UINT16: *out = d.uint16; break;
    case MMDB_DATA_TYPE_UINT32: *out = d.uint32; break;
    case MMDB_DATA_TYPE_INT32: *out = d.int32; break;
    case MMDB_DATA_TYPE_UINT64: *out = (double)d.uint64; break;
    case MMDB_DATA_TYPE_UTF8_STRING: {
        char tmp[32];
        if (d.data_size == 0 || d.data_size >= sizeof(tmp)) {
            return false;
        }
        memcpy(tmp, d.utf8_string, d.data_size);
        tmp[d.data_size] = '\0';
        for (size_t i = 0; i < d.data_size; i++) {
            char c = tmp[i];
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+')) {
                return false;
            }
        }
        char *end = NULL;
        *out = strtod(tmp, &end);
        if (end != tmp + d.data_size) {
            return false;
        }
        break;
    }
    default: return false;
    }
    return isfinite(*out);
}

static void set_country(struct kt_geo *g, const char *code)
{
    char a = code[0], b = a ? code[1] : '\0';
    if (a >= 'a' && a <= 'z') {
        a = (char)(a - 'a' + 'A');
    }
    if (b >= 'a' && b <= 'z') {
        b = (char)(b - 'a' + 'A');
    }
    if (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z' && code[2] == '\0') {
        g->country[0] = a;
        g->country[1] = b;
        g->country[2] = '\0';
    }
}

/*
 * Sets the location at the precision the record has. A country-only match (no city, no
 * subdivision) keeps no coordinates: they would be the country's centroid, not a point. A
 * radius the record does not give (flat layouts have none) is the default of the precision.
 */
static void set_location(struct kt_geo *g, double lat, double lon, double radius,
                         enum kt_geo_precision prec)
{
    g->precision = g->country[0] != '\0' ? KT_GEO_PREC_COUNTRY : KT_GEO_PREC_NONE;
    if (prec == KT_GEO_PREC_NONE || lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0) {
        return;
    }
    /* A country's centroid describes an area: kept, but has_location stays false. */
    g->has_location = prec >= KT_GEO_PREC_REGION;
    g->precision = prec;
    g->lat = lat;
    g->lon = lon;
    if (radius >= 1 && radius <= UINT16_MAX) {
        g->accuracy_km = (uint16_t)radius;
    } else {
        g->accuracy_km = prec == KT_GEO_PREC_CITY     ? KT_GEO_DEFAULT_CITY_KM
                         : prec == KT_GEO_PREC_REGION ? KT_GEO_DEFAULT_REGION_KM
                                                      : KT_GEO_DEFAULT_COUNTRY_KM;
    }
}

/* MaxMind layout; returns whether the record has any of its fields. */
static bool fill_maxmind(MMDB_entry_s *e, struct kt_geo *g)
{
    static const char *const iso[] = { "country", "iso_code", NULL };
    static const char *const reg_iso[] = { "registered_country", "iso_code", NULL };
    static const char *const city[] = { "city", "names", "en", NULL };
    static const char *const sub_name[] = { "subdivisions", "0", "names", "en", NULL };
    static const char *const sub_iso[] = { "subdivisions", "0", "iso_code", NULL };
    static const char *const lat[] = { "location", "latitude", NULL };
    static const char *const lon[] = { "location", "longitude", NULL };
    static const char *const radius[] = { "location", "accuracy_radius", NULL };
    char code[4] = "", region[48] = "";
    bool any = false;
    /* A network with no country of its own (anycast, satellite) keeps its registration. */
    if (get_string(e, iso, code, sizeof(code)) || get_string(e, reg_iso, code, sizeof(code))) {
        set_country(g, code);
        any = true;
    }
    if (get_string(e, city, g->city, sizeof(g->city))) {
        any = true;
    }
    bool has_region = get_string(e, sub_name, region, sizeof(region)) ||
                      get_string(e, sub_iso, region, sizeof(region));
    enum kt_geo_precision prec = g->city[0] ? KT_GEO_PREC_CITY
                                 : has_region ? KT_GEO_PREC_REGION
                                              : KT_GEO_PREC_COUNTRY;
    double la = 0, lo = 0, r = 0;
    bool has_coords = get_number(e, lat, &la) && get_number(e, lon, &lo);
    if (has_coords) {
        (void)get_number(e, radius, &r);
        any = true;
    }
    set_location(g, la, lo, r, has_coords ? prec : KT_GEO_PREC_NONE);
    return any || has_region;
}

/* Flat layout (ip-location-db); returns whether the record has any of its fields. No radius:
 * the precision's default. */
static bool fill_flat(MMDB_entry_s *e, struct kt_geo *g)
{
    static const char *const cc[] = { "country_code", NULL };
    static const char *const city[] = { "city", NULL };
    static const char *const state[] = { "state1", NULL };
    static const char *const lat[] = { "latitude", NULL };
    static const char *const lon[] = { "longitude", NULL };
    char code[4] = "", region[48] = "";
    bool any = false;
    if (get_string(e, cc, code, sizeof(code))) {
        set_country(g, code);
        any = true;
    }
    if (get_string(e, city, g->city, sizeof(g->city))) {
        any = true;
    }
    bool has_region = get_string(e, state, region, sizeof(region)) && region[0] != '\0';
    enum kt_geo_precision prec = g->city[0] ? KT_GEO_PREC_CITY
                                 : has_region ? KT_GEO_PREC_REGION
                                              : KT_GEO_PREC_COUNTRY;
    double la = 0, lo = 0;
    bool has_coords = get_number(e, lat, &la) && get_number(e, lon, &lo);
    any = any || has_coords || has_region;
    set_location(g, la, lo, 0, has_coords ? prec : KT_GEO_PREC_NONE);
    return any;
}

static void fill_asn(MMDB_entry_s *e, struct kt_geo *g)
{
    static const char *const num[] = { "autonomous_system_number", NULL };
    static const char *const org[] = { "autonomous_system_organization", NULL };
    double asn;
    if (get_number(e, num, &asn) && asn >= 1 && asn <= UINT32_MAX && asn == floor(asn)) {
        g->asn = (uint32_t)asn;
    }
    (void)get_string(e, org, g->as_org, sizeof(g->as_org));
    g->hosting = kt_asn_is_hosting(g->asn) || kt_as_org_is_hosting(g->as_org);
}

static bool lookup_entry(const MMDB_s *m, const struct kt_ip *ip, MMDB_entry_s *entry)
{
    struct sockaddr_in6 sa6;
    struct sockaddr_in sa4;
    const struct sockaddr *sa;
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (ip->v4 || memcmp(ip->b, mapped, sizeof(mapped)) == 0) {
        memset(&sa4, 0, sizeof(sa4));
        sa4.sin_family = AF_INET;
        memcpy(&sa4.sin_addr, ip->b + 12, 4);
        sa = (const struct sockaddr *)&sa4;
    } else {
        memset(&sa6, 0, sizeof(sa6));
        sa6.sin6_family = AF_INET6;
        memcpy(&sa6.sin6_addr, ip->b, 16);
        sa = (const struct sockaddr *)&sa6;
    }
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(m, sa, &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS || !res.found_entry) {
        return false;
    }
    *entry = res.entry;
    return true;
}

static void lookup_uncached(struct kt_geodb *db, const struct kt_ip *ip, struct kt_geo *g)
{
    MMDB_entry_s entry;
    if (db->has_city && lookup_entry(&db->city, ip, &entry)) {
        if (db->prefer == SCHEMA_MAXMIND) {
            if (!fill_maxmind(&entry, g) && fill_flat(&entry, g)) {
                db->prefer = SCHEMA_FLAT;
            }
        } else if (!fill_flat(&entry, g) && fill_maxmind(&entry, g)) {
            db->prefer = SCHEMA_MAXMIND;
        }
    }
    if (db->has_asn && lookup_entry(&db->asn, ip, &entry)) {
        fill_asn(&entry, g);
    }
}

void kt_geodb_lookup_ip(struct kt_geodb *db, const struct kt_ip *ip, struct kt_geo *out)
{
    if (db == NULL || (!db->has_city && !db->has_asn)) {
        memset(out, 0, sizeof(*out));
        out->kind = classify_ip(ip);
        return;
    }
    /* The kind depends on the address alone, so it is cached with the rest. */
    size_t set = (size_t)kt_hash(ip->b, 16) & (CACHE_SLOTS / 2 - 1);
    struct cache_slot *pair = &db->cache[set * 2];
    for (unsigned w = 0; w < 2; w++) {
        if (pair[w].used && memcmp(pair[w].key, ip->b, 16) == 0) {
            db->hits++;
            db->victim[set] = (uint8_t)(w ^ 1u);
            *out = pair[w].geo;
            return;
        }
    }
    db->misses++;
    memset(out, 0, sizeof(*out));
    out->kind = classify_ip(ip);
    lookup_uncached(db, ip, out);
    struct cache_slot *slot = &pair[db->victim[set]];
    db->victim[set] ^= 1u;
    memcpy(slot->key, ip->b, 16);
    slot->geo = *out;
    slot->used = true;
}

void kt_geodb_lookup_name(struct kt_str addr, struct kt_geo *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = classify_name(kt_str_trim(addr));
}

void kt_geodb_lookup(struct kt_geodb *db, struct kt_str addr, struct kt_geo *out)
{
    struct kt_ip ip;
    addr = kt_str_trim(addr);
    if (!kt_ip_parse(addr, &ip)) {
        kt_geodb_lookup_name(addr, out);
        return;
    }
    kt_geodb_lookup_ip(db, &ip, out);
}

/* ---- opening ---- */

static enum kt_rc open_mmdb(MMDB_s *m, const char *path, struct kt_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return kt_err_at(err, KT_EOPEN, path, 0, "not a regular file");
    }
    if (st.st_size == 0) {
        return kt_err_at(err, KT_EPARSE, path, 0, "not a valid MaxMind DB: empty file");
    }
    errno = 0;
    int status = MMDB_open(path, MMDB_MODE_MMAP, m);
    if (status == MMDB_SUCCESS) {
        if (m->metadata.ip_version != 4 && m->metadata.ip_version != 6) {
            MMDB_close(m);
            return kt_err_at(err, KT_EPARSE, path, 0, "not a MaxMind DB: bad ip_version");
        }
        return KT_OK;
    }
    if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
        int e = errno;
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", e ? strerror(e)
                                                                      : MMDB_strerror(status));
    }
    if (status == MMDB_OUT_OF_MEMORY_ERROR) {
        return kt_err_at(err, KT_ENOMEM, path, 0, "out of memory");
    }
    return kt_err_at(err, KT_EPARSE, path, 0, "not a valid MaxMind DB: %s",
                     MMDB_strerror(status));
}

static bool contains_nocase(const char *hay, const char *needle)
{
    struct kt_str h = kt_str_cstr(hay);
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= h.len; i++) {
        if (kt_str_has_prefix_nocase(kt_str_make(h.ptr + i, h.len - i), needle)) {
            return true;
        }
    }
    return false;
}

static bool is_asn_db(const MMDB_s *m)
{
    const char *t = m->metadata.database_type ? m->metadata.database_type : "";
    return contains_nocase(t, "ASN") || contains_nocase(t, "ISP");
}

/* Layout guess from database_type; records still decide (see lookup_uncached). */
static enum schema guess_schema(const MMDB_s *m)
{
    const char *t = m->metadata.database_type ? m->metadata.database_type : "";
    return contains_nocase(t, "flat") || contains_nocase(t, "ip-location") ? SCHEMA_FLAT
                                                                           : SCHEMA_MAXMIND;
}

/* What a database holds, for refusing one passed to the wrong flag. */
enum db_role {
    ROLE_UNKNOWN = 0,
    ROLE_LOCATION, /* City, Country, Enterprise, ip-location-db "city"/"country" */
    ROLE_NETWORK,  /* ASN, ISP */
    ROLE_OTHER,    /* Anonymous-IP, Connection-Type, Domain, IP-Risk...: neither */
};

static const char *role_name(enum db_role r)
{
    return r == ROLE_LOCATION ? "a City/Country database"
           : r == ROLE_NETWORK ? "an ASN database"
                               : "a database of another kind (neither locations nor networks)";
}

static enum db_role role_by_type(const char *t)
{
    static const char *const other[] = { "Anonymous", "Connection-Type", "Domain", "Risk",
                                         "Density",   "User-Count",      NULL };
    for (size_t i = 0; other[i] != NULL; i++) {
        if (contains_nocase(t, other[i])) {
            return ROLE_OTHER;
        }
    }
    if (contains_nocase(t, "City") || contains_nocase(t, "Country") ||
        contains_nocase(t, "Enterprise")) {
        return ROLE_LOCATION;
    }
    if (contains_nocase(t, "ASN") || contains_nocase(t, "ISP")) {
        return ROLE_NETWORK; /* "ip-location-db ASN" included */
    }
    return contains_nocase(t, "location") ? ROLE_LOCATION : ROLE_UNKNOWN;
}

/* For a database_type that names neither: the fields of the records of a few well-known
 * addresses. A database that has none of them stays unknown and is accepted. */
static enum db_role role_by_fields(const MMDB_s *m)
{
    static const char *const probes[] = { "8.8.8.8", "1.1.1.1", "81.2.69.142", "9.9.9.9",
                                          "2001:4860:4860::8888", NULL };
    static const char *const loc[][3] = {
        { "country", NULL }, { "location", NULL }, { "city", NULL }, { "country_code", NULL },
        { "latitude", NULL },
    };
    static const char *const net[] = { "autonomous_system_number", NULL };
    for (size_t i = 0; probes[i] != NULL; i++) {
        struct kt_ip ip;
        MMDB_entry_s entry;
        if (!kt_ip_parse(kt_str_cstr(probes[i]), &ip) || !lookup_entry(m, &ip, &entry)) {
            continue;
        }
        MMDB_entry_data_s d;
        for (size_t k = 0; k < sizeof(loc) / sizeof(loc[0]); k++) {
            if (get_path(&entry, &d, loc[k])) {
                return ROLE_LOCATION;
            }
        }
        return get_path(&entry, &d, net) ? ROLE_NETWORK : ROLE_OTHER;
    }
    return ROLE_UNKNOWN;
}

/* Refuses a database that does not hold what its flag asks for. */
static enum kt_rc check_role(const MMDB_s *m, const char *path, enum db_role want,
                             struct kt_err *err)
{
    const char *t = m->metadata.database_type ? m->metadata.database_type : "";
    enum db_role got = role_by_type(t);
    if (got == ROLE_UNKNOWN) {
        got = role_by_fields(m);
    }
    if (got == ROLE_UNKNOWN || got == want) {
        return KT_OK;
    }
    char type[64];
    copy_text(type, sizeof(type), t, strlen(t));
    const char *hint = got == ROLE_LOCATION  ? "; pass it as --geoip"
                       : got == ROLE_NETWORK ? "; pass it as --asn"
                                             : "";
    return kt_err_at(err, KT_EUSAGE, path, 0,
                     "%s (database_type \"%s\"), but %s takes %s: database refused%s",
                     role_name(got), type, want == ROLE_LOCATION ? "--geoip" : "--asn",
                     role_name(want), hint);
}

static const char *const city_names[] = {
    "GeoIP2-City.mmdb",       "GeoLite2-City.mmdb",       "dbip-city-lite*.mmdb",
    "GeoIP2-Country.mmdb",    "GeoLite2-Country.mmdb",    "dbip-country-lite*.mmdb",
    "keytrail-City.mmdb",     NULL,
};

static const char *const asn_names[] = {
    "GeoLite2-ASN.mmdb", "GeoIP2-ISP.mmdb", "dbip-asn-lite*.mmdb", "keytrail-ASN.mmdb", NULL,
};

/* Finds name (a glob takes the greatest matching name: the newest monthly file) in dir. */
static bool find_in_dir(const char *dir, const char *name, char *out, size_t cap)
{
    struct stat st;
    if (strchr(name, '*') == NULL) {
        int n = snprintf(out, cap, "%s/%s", dir, name);
        return n > 0 && (size_t)n < cap && stat(out, &st) == 0 && S_ISREG(st.st_mode);
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return false;
    }
    char best[256] = "";
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strlen(de->d_name) < sizeof(best) && fnmatch(name, de->d_name, 0) == 0 &&
            strcmp(de->d_name, best) > 0) {
            int n = snprintf(out, cap, "%s/%s", dir, de->d_name);
            if (n > 0 && (size_t)n < cap && stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
                kt_str_copy(best, sizeof(best), kt_str_cstr(de->d_name));
            }
        }
    }
    closedir(d);
    if (best[0] == '\0') {
        return false;
    }
    int n = snprintf(out, cap, "%s/%s", dir, best);
    return n > 0 && (size_t)n < cap;
}

static bool search_dirs(const char *const *dirs, const char *const *names, char *out,
                        size_t cap)
{
    for (size_t k = 0; names[k] != NULL; k++) {
        for (size_t i = 0; dirs[i] != NULL; i++) {
            if (find_in_dir(dirs[i], names[k], out, cap)) {
                return true;
            }
        }
    }
    return false;
}

static void append_desc(struct kt_geodb *db, const MMDB_s *m)
{
    char type[64];
    const char *t = m->metadata.database_type ? m->metadata.database_type : "";
    copy_text(type, sizeof(type), t, strlen(t));
    if (type[0] == '\0') {
        kt_str_copy(type, sizeof(type), kt_str_cstr("unnamed MaxMind DB"));
    }
    size_t used = strlen(db->desc);
    const char *sep = used ? ", " : "";
    char date[32] = "";
    uint64_t epoch = m->metadata.build_epoch;
    /* Reproducible builds (mkgeo) carry a placeholder epoch; show real dates only. */
    if (epoch >= 946684800ull && epoch < 253402300800ull) { /* years 2000..9999 */
        time_t secs = (time_t)epoch;
        struct tm tm;
        if (gmtime_r(&secs, &tm) != NULL) {
            strftime(date, sizeof(date), " (%Y-%m-%d)", &tm);
        }
    }
    snprintf(db->desc + used, sizeof(db->desc) - used, "%s%s%s", sep, type, date);
}

enum kt_rc kt_geodb_open(struct kt_geodb **out, const char *city_path, const char *asn_path,
                         struct kt_err *err)
{
    enum kt_rc rc = KT_OK;
    char found[PATH_CAP];
    *out = NULL;
    struct kt_geodb *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        return kt_err_set(err, KT_ENOMEM, "geolocation: out of memory");
    }
    if (city_path != NULL) {
        if ((rc = open_mmdb(&db->city, city_path, err)) != KT_OK) {
            goto out;
        }
        db->has_city = true;
        if ((rc = check_role(&db->city, city_path, ROLE_LOCATION, err)) != KT_OK) {
            goto out;
        }
    }
    if (asn_path != NULL) {
        if ((rc = open_mmdb(&db->asn, asn_path, err)) != KT_OK) {
            goto out;
        }
        db->has_asn = true;
        if ((rc = check_role(&db->asn, asn_path, ROLE_NETWORK, err)) != KT_OK) {
            goto out;
        }
    }

    /* The search, for whichever database was not named. */
    const char *env = getenv("KEYTRAIL_GEOIP");
    const char *system_dirs[] = { "/usr/share/GeoIP", "/var/lib/GeoIP", NULL };
    const char *env_dirs[] = { env, NULL };
    const char *const *dirs = system_dirs;
    if (env != NULL && env[0] != '\0') {
        struct stat st;
        if (stat(env, &st) != 0) {
            rc = kt_err_at(err, KT_EOPEN, env, 0, "KEYTRAIL_GEOIP: %s", strerror(errno));
            goto out;
        }
        if (S_ISREG(st.st_mode)) {
            dirs = NULL;
            if (!db->has_city || !db->has_asn) {
                MMDB_s m;
                if ((rc = open_mmdb(&m, env, err)) != KT_OK) {
                    goto out;
                }
                if (is_asn_db(&m) && !db->has_asn) {
                    db->asn = m;
                    db->has_asn = true;
                } else if (!is_asn_db(&m) && !db->has_city) {
                    db->city = m;
                    db->has_city = true;
                } else {
                    MMDB_close(&m);
                }
            }
        } else {
            dirs = env_dirs;
        }
    }
    if (dirs != NULL && !db->has_city && search_dirs(dirs, city_names, found, sizeof(found))) {
        if ((rc = open_mmdb(&db->city, found, err)) != KT_OK) {
            goto out;
        }
        db->has_city = true;
    }
    if (dirs != NULL && !db->has_asn && search_dirs(dirs, asn_names, found, sizeof(found))) {
        if ((rc = open_mmdb(&db->asn, found, err)) != KT_OK) {
            goto out;
        }
        db->has_asn = true;
    }

    if (db->has_city) {
        db->prefer = guess_schema(&db->city);
        append_desc(db, &db->city);
    }
    if (db->has_asn) {
        append_desc(db, &db->asn);
    }
    if (db->desc[0] == '\0') {
        kt_str_copy(db->desc, sizeof(db->desc), kt_str_cstr("no geolocation database"));
    }
    *out = db;
    db = NULL;

out:
    kt_geodb_free(db);
    return rc;
}

void kt_geodb_free(struct kt_geodb *db)
{
    if (db == NULL) {
        return;
    }
    if (db->has_city) {
        MMDB_close(&db->city);
    }
    if (db->has_asn) {
        MMDB_close(&db->asn);
    }
    free(db);
}

bool kt_geodb_has_location(const struct kt_geodb *db)
{
    return db != NULL && db->has_city;
}

bool kt_geodb_has_asn(const struct kt_geodb *db)
{
    return db != NULL && db->has_asn;
}

const char *kt_geodb_describe(const struct kt_geodb *db)
{
    return db != NULL ? db->desc : "no geolocation database";
}

uint64_t kt_geodb_cache_hits(const struct kt_geodb *db)
{
    return db != NULL ? db->hits : 0;
}

uint64_t kt_geodb_cache_misses(const struct kt_geodb *db)
{
    return db != NULL ? db->misses : 0;
}
