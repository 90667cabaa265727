/*
 * The networks CSV that `keytrail mkgeo` turns into MaxMind databases (kt_mmdb_read_csv in
 * mmdb_writer.h).
 *
 * Format: RFC 4180 with a header line naming the columns, in any order: network (required; a
 * CIDR network, IPv4 or IPv6, or a bare address for one host), country_iso_code, country_name,
 * city, latitude, longitude, asn, as_org and, optionally, accuracy_radius (km). A few common
 * spellings are accepted for the same columns (country_code, autonomous_system_number, ...);
 * other columns are ignored. Fields may be quoted, with "" for a quote inside; a quoted field
 * cannot span lines. Blank lines and lines starting with '#' are skipped; a UTF-8 byte order
 * mark and CRLF line ends are accepted. AS organisation names longer than the entry holds (255
 * bytes) are cut at a character boundary; other names over 63 bytes are refused.
 *
 * The ip-location-db layouts (sapics/ip-location-db, npm @ip-location-db/...) are recognised
 * too: headerless files whose first two fields are addresses, ip_range_start,ip_range_end,
 * then by field count: 3 = country (country_code), 4 = ASN (autonomous_system_number,
 * autonomous_system_organization), 10 = city (country_code,state1,state2,city,postcode,
 * latitude,longitude,timezone). Each inclusive range becomes the fewest CIDR networks that
 * cover it exactly, whatever its alignment.
 *
 * It is strict because a silently misread row would put a network in the wrong country: the
 * first problem stops the read with the file, line and column in err (never the row's bytes).
 * Lines are read through a fixed buffer, so a hostile file (no newlines, binary, a huge line)
 * costs at most CSV_LINE_MAX bytes of memory and a clear error; the row count is capped too.
 */
#include "mmdb_writer_ex.h"
#include "utf8.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define CSV_LINE_MAX 65536
#define CSV_MAX_FIELDS 64
#define CSV_MAX_ROWS 4000000

enum col {
    COL_NETWORK,
    COL_COUNTRY,
    COL_COUNTRY_NAME,
    COL_CITY,
    COL_LAT,
    COL_LON,
    COL_ASN,
    COL_AS_ORG,
    COL_ACCURACY,
    COL_REGION,
    COL_COUNT,
};

/* Column names as reported in errors, then the header spellings that select them. */
static const struct {
    enum col col;
    const char *name;
} header_names[] = {
    { COL_NETWORK, "network" },
    { COL_COUNTRY, "country_iso_code" },
    { COL_COUNTRY_NAME, "country_name" },
    { COL_CITY, "city" },
    { COL_LAT, "latitude" },
    { COL_LON, "longitude" },
    { COL_ASN, "asn" },
    { COL_AS_ORG, "as_org" },
    { COL_ACCURACY, "accuracy_radius" },
    { COL_REGION, "region" },
    /* aliases */
    { COL_NETWORK, "cidr" },
    { COL_COUNTRY, "country_code" },
    { COL_COUNTRY, "country" },
    { COL_CITY, "city_name" },
    { COL_LAT, "lat" },
    { COL_LON, "lon" },
    { COL_ASN, "autonomous_system_number" },
    { COL_AS_ORG, "autonomous_system_organization" },
    { COL_AS_ORG, "as_organization" },
    { COL_ACCURACY, "accuracy_km" },
    { COL_REGION, "subdivision" },
    { COL_REGION, "state1" },
    { COL_REGION, "subdivision_1_name" },
};

static const char *col_name(enum col c)
{
    return header_names[c].name;
}

/* Column names of the ip-location-db layouts, for errors. */
static const char *range_col_name(enum col c)
{
    switch (c) {
    case COL_NETWORK: return "ip_range_start";
    case COL_COUNTRY: return "country_code";
    case COL_REGION: return "state1";
    case COL_ASN: return "autonomous_system_number";
    case COL_AS_ORG: return "autonomous_system_organization";
    default: return col_name(c);
    }
}

/* ---- bounded line reader ---- */

struct lines {
    FILE *f;
    char *buf;
    size_t pos, end;
    bool eof;
};

enum { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_IO };

/* The next line without its "\n" or "\r\n"; valid until the next call. */
static int next_line(struct lines *r, const char **line, size_t *len)
{
    for (;;) {
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->end - r->pos);
        if (nl != NULL || (r->eof && r->pos < r->end)) {
            size_t n = nl != NULL ? (size_t)(nl - start) : r->end - r->pos;
            r->pos += n + (nl != NULL);
            if (n > 0 && start[n - 1] == '\r') {
                n--;
            }
            if (n > CSV_LINE_MAX) {
                return LINE_TOO_LONG;
            }
            *line = start;
            *len = n;
            return LINE_OK;
        }
        if (r->eof) {
            return LINE_EOF;
        }
        memmove(r->buf, start, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
        if (r->end > CSV_LINE_MAX + 1) {
            return LINE_TOO_LONG;
        }
        size_t got = fread(r->buf + r->end, 1, CSV_LINE_MAX + 2 - r->end, r->f);
        if (got == 0) {
            if (ferror(r->f)) {
                return LINE_IO;
            }
            r->eof = true;
        }
        r->end += got;
    }
}

/* ---- fields ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Splits a line into fields, unquoting into out (at least len bytes). Returns NULL, or why the
 * line is malformed with *bad set to the 0-based field where it happened.
 */
static const char *split_fields(const char *line, size_t len, char *out, struct kt_str *fields,
                                size_t *nf, size_t *bad)
{
    size_t i = 0, o = 0;
    *nf = 0;
    for (;;) {
        if (*nf == CSV_MAX_FIELDS) {
            *bad = *nf;
            return "more than 64 fields";
        }
        *bad = *nf;
        while (i < len && is_blank(line[i])) {
            i++;
        }
        size_t start = o;
        if (i < len && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) {
                    return "quoted field not closed on this line";
                }
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        out[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                out[o++] = line[i++];
            }
            while (i < len && is_blank(line[i])) {
                i++;
            }
            if (i < len && line[i] != ',') {
                return "text after a closing quote";
            }
        } else {
            size_t j = i;
            while (j < len && line[j] != ',') {
                if (line[j] == '"') {
                    return "quote inside an unquoted field";
                }
                j++;
            }
            size_t end = j;
            while (end > i && is_blank(line[end - 1])) {
                end--;
            }
            memcpy(out + o, line + i, end - i);
            o += end - i;
            i = j;
        }
        fields[(*nf)++] = kt_str_make(out + start, o - start);
        if (i >= len) {
            return NULL;
        }
        i++; /* the comma */
    }
}

/* Copies a text field after checking it is UTF-8 without control characters and fits; with
 * cut, a field that does not fit is shortened at a character boundary instead. */
static const char *take_text(struct kt_str f, char *dst, size_t cap, bool cut)
{
    for (size_t i = 0; i < f.len; i++) {
        unsigned char c = (unsigned char)f.ptr[i];
        if (c < 0x20 || c == 0x7f) {
            return "control character or NUL byte";
        }
    }
    if (!kt_utf8_valid(f.ptr, f.len)) {
        return "not valid UTF-8";
    }
    if (f.len >= cap && cut) {
        size_t n = cap - 1;
        while (n > 0 && ((unsigned char)f.ptr[n] & 0xC0) == 0x80) {
            n--; /* f.ptr[n] would start the cut-off part: back to a lead byte */
        }
        f.len = n;
    }
    if (f.len >= cap) {
        return "longer than 63 bytes";
    }
    kt_str_copy(dst, cap, f);
    return NULL;
}

static bool all_digits(struct kt_str s)
{
    if (s.len == 0) {
        return false;
    }
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9') {
            return false;
        }
    }
    return true;
}

/* A decimal number of at most 20 digits; false on anything else or above max. */
static bool parse_uint(struct kt_str s, uint64_t max, uint64_t *out)
{
    if (!all_digits(s) || s.len > 20) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(s.ptr[i] - '0');
        if (v > (max - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static const char *parse_network(struct kt_str f, struct kt_mmdb_entry *e)
{
    const char *slash = memchr(f.ptr, '/', f.len);
    struct kt_str addr = slash ? kt_str_make(f.ptr, (size_t)(slash - f.ptr)) : f;
    for (size_t i = 0; i < addr.len; i++) {
        char c = addr.ptr[i];
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                  c == ':' || c == '.';
        if (!ok) {
            return "not an IP network";
        }
    }
    if (!kt_ip_parse(addr, &e->network)) {
        return "not an IP network";
    }
    unsigned bits = e->network.v4 ? 32 : 128;
    uint64_t len = bits;
    if (slash != NULL) {
        struct kt_str p = kt_str_make(slash + 1, f.len - addr.len - 1);
        if (p.len > 3 || !parse_uint(p, bits, &len)) {
            return e->network.v4 ? "prefix length must be 0..32" : "prefix length must be 0..128";
        }
    }
    e->prefix = (unsigned)len + (e->network.v4 ? 96 : 0);
    for (unsigned bit = e->prefix; bit < 128; bit++) {
        if (e->network.b[bit / 8] & (0x80u >> (bit % 8))) {
            return "address has bits set beyond the prefix length";
        }
    }
    return NULL;
}

/* A plain decimal coordinate: [+-]digits[.digits] within [-limit, limit]. */
static const char *parse_coord(struct kt_str f, double limit, double *out)
{
    char tmp[40];
    size_t i = 0, digits = 0, dots = 0;
    if (f.len == 0 || f.len >= sizeof(tmp)) {
        return "not a decimal number";
    }
    if (f.ptr[0] == '-' || f.ptr[0] == '+') {
        i = 1;
    }
    for (; i < f.len; i++) {
        if (f.ptr[i] == '.') {
            dots++;
        } else if (f.ptr[i] >= '0' && f.ptr[i] <= '9') {
            digits++;
        } else {
            return "not a decimal number";
        }
    }
    if (digits == 0 || dots > 1) {
        return "not a decimal number";
    }
    kt_str_copy(tmp, sizeof(tmp), f);
    char *end = NULL;
    errno = 0;
    double v = strtod(tmp, &end);
    if (errno != 0 || end != tmp + f.len || !isfinite(v)) {
        return "not a decimal number";
    }
    if (v < -limit || v > limit) {
        return limit == 90.0 ? "latitude outside -90..90" : "longitude outside -180..180";
    }
    *out = v;
    return NULL;
}

/* Fills e from one row; *bad_col gets the column at fault. */
static const char *parse_row(const struct kt_str *fields, const int *col_at,
                             struct kt_mmdb_entry *e, enum col *bad_col)
{
    struct kt_str v[COL_COUNT];
    for (int c = 0; c < COL_COUNT; c++) {
        v[c] = col_at[c] >= 0 ? fields[col_at[c]] : KT_STR_NULL;
    }
    const char *why;
    memset(e, 0, sizeof(*e));

    *bad_col = COL_NETWORK;
    if (v[COL_NETWORK].len == 0) {
        return "empty";
    }
    if ((why = parse_network(v[COL_NETWORK], e)) != NULL) {
        return why;
    }

    *bad_col = COL_COUNTRY;
    struct kt_str cc = v[COL_COUNTRY];
    if (cc.len != 0) {
        if (cc.len != 2) {
            return "expected a two-letter ISO 3166 code";
        }
        for (int i = 0; i < 2; i++) {
            char c = cc.ptr[i];
            if (c >= 'a' && c <= 'z') {
                c = (char)(c - 'a' + 'A');
            }
            if (c < 'A' || c > 'Z') {
                return "expected a two-letter ISO 3166 code";
            }
            e->country[i] = c;
        }
    }

    static const struct {
        enum col col;
        size_t off, cap;
        bool cut;
    } texts[] = {
        { COL_COUNTRY_NAME, offsetof(struct kt_mmdb_entry, country_name), 64, false },
        { COL_CITY, offsetof(struct kt_mmdb_entry, city), 64, false },
        { COL_REGION, offsetof(struct kt_mmdb_entry, region), 64, false },
        { COL_AS_ORG, offsetof(struct kt_mmdb_entry, as_org), 256, true },
    };
    for (size_t k = 0; k < KT_ARRAY_LEN(texts); k++) {
        *bad_col = texts[k].col;
        if ((why = take_text(v[texts[k].col], (char *)e + texts[k].off, texts[k].cap,
                             texts[k].cut)) != NULL) {
            return why;
        }
    }

    bool has_lat = v[COL_LAT].len > 0, has_lon = v[COL_LON].len > 0;
    if (has_lat != has_lon) {
        *bad_col = has_lat ? COL_LON : COL_LAT;
        return "latitude and longitude must be given together";
    }
    if (has_lat) {
        *bad_col = COL_LAT;
        if ((why = parse_coord(v[COL_LAT], 90.0, &e->lat)) != NULL) {
            return why;
        }
        *bad_col = COL_LON;
        if ((why = parse_coord(v[COL_LON], 180.0, &e->lon)) != NULL) {
            return why;
        }
        e->has_location = true;
    }

    *bad_col = COL_ASN;
    struct kt_str asn = v[COL_ASN];
    if (asn.len >= 2 && (asn.ptr[0] == 'A' || asn.ptr[0] == 'a') &&
        (asn.ptr[1] == 'S' || asn.ptr[1] == 's')) {
        asn.ptr += 2;
        asn.len -= 2;
    }
    if (v[COL_ASN].len > 0) {
        uint64_t n;
        if (!parse_uint(asn, UINT32_MAX, &n)) {
            return "expected an AS number 0..4294967295";
        }
        e->asn = (uint32_t)n;
    }

    *bad_col = COL_ACCURACY;
    if (v[COL_ACCURACY].len > 0) {
        uint64_t n;
        if (!parse_uint(v[COL_ACCURACY], UINT16_MAX, &n)) {
            return "expected a radius in km, 0..65535";
        }
        e->accuracy_km = (uint16_t)n;
    }
    return NULL;
}

/* Maps header fields to columns; returns NULL or why the header is unusable. */
static const char *parse_header(const struct kt_str *fields, size_t nf, int *col_at)
{
    for (int c = 0; c < COL_COUNT; c++) {
        col_at[c] = -1;
    }
    for (size_t i = 0; i < nf; i++) {
        for (size_t k = 0; k < KT_ARRAY_LEN(header_names); k++) {
            if (kt_str_eq_nocase(fields[i], kt_str_cstr(header_names[k].name))) {
                enum col c = header_names[k].col;
                if (col_at[c] >= 0) {
                    return "a column appears twice in the header";
                }
                col_at[c] = (int)i;
                break;
            }
        }
    }
    if (col_at[COL_NETWORK] < 0) {
        return "the header has no network column (expected network,country_iso_code,"
               "country_name,city,latitude,longitude,asn,as_org)";
    }
    return NULL;
}

/* ---- ip-location-db layouts ---- */

static bool is_addr(struct kt_str f, struct kt_ip *ip)
{
    for (size_t i = 0; i < f.len; i++) {
        char c = f.ptr[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == ':' || c == '.')) {
            return false;
        }
    }
    return f.len > 0 && kt_ip_parse(f, ip);
}

/*
 * Whether a first line is an ip-location-db row (two addresses first); if so *why is NULL or
 * says the field count matches no layout, and col_at maps the layout's columns (the range
 * start is read as the network: a bare address, one host).
 */
static bool ipldb_layout(const struct kt_str *fields, size_t nf, int *col_at, const char **why)
{
    struct kt_ip a, b;
    if (nf < 2 || !is_addr(fields[0], &a) || !is_addr(fields[1], &b)) {
        return false;
    }
    for (int c = 0; c < COL_COUNT; c++) {
        col_at[c] = -1;
    }
    col_at[COL_NETWORK] = 0;
    *why = NULL;
    switch (nf) {
    case 3: col_at[COL_COUNTRY] = 2; break;
    case 4:
        col_at[COL_ASN] = 2;
        col_at[COL_AS_ORG] = 3;
        break;
    case 10:
        col_at[COL_COUNTRY] = 2;
        col_at[COL_REGION] = 3;
        col_at[COL_CITY] = 5;
        col_at[COL_LAT] = 7;
        col_at[COL_LON] = 8;
        break;
    default:
        *why = "ip-location-db layout with neither 3 (country), 4 (ASN) nor 10 (city) fields";
        break;
    }
    return true;
}

struct u128 {
    uint64_t hi, lo;
};

static struct u128 u128_load(const uint8_t *b)
{
    struct u128 v = { 0, 0 };
    for (int i = 0; i < 8; i++) {
        v.hi = v.hi << 8 | b[i];
        v.lo = v.lo << 8 | b[8 + i];
    }
    return v;
}

static void u128_store(struct u128 v, uint8_t *b)
{
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v.hi;
        b[8 + i] = (uint8_t)v.lo;
        v.hi >>= 8;
        v.lo >>= 8;
    }
}

/* a with its low k bits set (the last address of the 2^k block a starts). */
static struct u128 u128_fill(struct u128 a, unsigned k)
{
    if (k >= 64) {
        a.lo = UINT64_MAX;
        a.hi |= k >= 128 ? UINT64_MAX : ((uint64_t)1 << (k - 64)) - 1;
    } else {
        a.lo |= ((uint64_t)1 << k) - 1;
    }
    return a;
}

static bool u128_le(struct u128 a, struct u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

static unsigned u128_ctz(struct u128 a)
{
    unsigned k = 0;
    while (k < 128 && ((k < 64 ? a.lo >> k : a.hi >> (k - 64)) & 1u) == 0) {
        k++;
    }
    return k;
}

struct entries {
    struct kt_mmdb_entry *v;
    size_t count, cap;
};

static enum kt_rc push_entry(struct entries *es, const struct kt_mmdb_entry *e)
{
    if (es->count == CSV_MAX_ROWS) {
        return KT_ELIMIT;
    }
    if (es->count == es->cap) {
        size_t ncap = es->cap ? es->cap * 2 : 64;
        struct kt_mmdb_entry *nv = realloc(es->v, ncap * sizeof(*nv));
        if (nv == NULL) {
            return KT_ENOMEM;
        }
        es->v = nv;
        es->cap = ncap;
    }
    es->v[es->count++] = *e;
    return KT_OK;
}

/*
 * Pushes the inclusive range from row->network to the address in f as the fewest CIDR
 * networks covering it: at each step the largest block aligned at the start that ends within
 * the range. Returns KT_OK, KT_EPARSE with *why, KT_ELIMIT or KT_ENOMEM.
 */
static enum kt_rc push_range(struct entries *es, struct kt_mmdb_entry *row, struct kt_str f,
                             const char **why)
{
    struct kt_ip end;
    if (!is_addr(f, &end)) {
        *why = "range end is not an IP address";
        return KT_EPARSE;
    }
    if (end.v4 != row->network.v4) {
        *why = "range start and end are of different address families";
        return KT_EPARSE;
    }
    struct u128 a = u128_load(row->network.b), z = u128_load(end.b);
    if (!u128_le(a, z)) {
        *why = "range end is before its start";
        return KT_EPARSE;
    }
    unsigned max_bits = row->network.v4 ? 32 : 128;
    for (;;) {
        unsigned k = u128_ctz(a);
        k = k < max_bits ? k : max_bits;
        while (k > 0 && !u128_le(u128_fill(a, k), z)) {
            k--;
        }
        u128_store(a, row->network.b);
        row->prefix = 128 - k;
        enum kt_rc rc = push_entry(es, row);
        if (rc != KT_OK) {
            return rc;
        }
        struct u128 last = u128_fill(a, k);
        if (last.hi == z.hi && last.lo == z.lo) {
            return KT_OK;
        }
        a.lo = last.lo + 1;
        a.hi = last.hi + (a.lo == 0);
    }
}

enum kt_rc kt_mmdb_read_csv(const char *path, struct kt_mmdb_entry **out, size_t *n,
                            struct kt_err *err)
{
    enum kt_rc rc = KT_OK;
    struct lines r = { 0 };
    char *scratch = NULL;
    struct entries es = { 0 };
    struct kt_mmdb_entry row;
    uint64_t lineno = 0;
    int col_at[COL_COUNT];
    size_t n_header = 0;
    bool have_header = false, ranges = false;
    struct kt_str fields[CSV_MAX_FIELDS];

    *out = NULL;
    *n = 0;
    r.f = fopen(path, "rb");
    if (r.f == NULL) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    r.buf = malloc(CSV_LINE_MAX + 2);
    scratch = malloc(CSV_LINE_MAX + 1);
    if (r.buf == NULL || scratch == NULL) {
        rc = kt_err_at(err, KT_ENOMEM, path, 0, "out of memory");
        goto out;
    }
    for (;;) {
        const char *line;
        size_t len;
        int got = next_line(&r, &line, &len);
        if (got == LINE_EOF) {
            break;
        }
        lineno++;
        if (got == LINE_TOO_LONG) {
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "line longer than %d bytes",
                           CSV_LINE_MAX);
            goto out;
        }
        if (got == LINE_IO) {
            rc = kt_err_at(err, KT_EIO, path, lineno, "read error: %s", strerror(errno));
            goto out;
        }
        if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        if (kt_str_trim(kt_str_make(line, len)).len == 0 || line[0] == '#') {
            continue;
        }
        size_t nf, bad;
        const char *why = split_fields(line, len, scratch, fields, &nf, &bad);
        if (!have_header) {
            if (why == NULL && ipldb_layout(fields, nf, col_at, &why)) {
                if (why != NULL) {
                    rc = kt_err_at(err, KT_EPARSE, path, lineno, "%s", why);
                    goto out;
                }
                ranges = true; /* this line is data: fall through */
            } else {
                if (why == NULL) {
                    why = parse_header(fields, nf, col_at);
                }
                if (why != NULL) {
                    rc = kt_err_at(err, KT_EPARSE, path, lineno, "header: %s", why);
                    goto out;
                }
                have_header = true;
                n_header = nf;
                continue;
            }
            have_header = true;
            n_header = nf;
        }
        if (why != NULL) {
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "field %zu: %s", bad + 1, why);
            goto out;
        }
        if (nf != n_header) {
            if (nf > n_header) {
                rc = kt_err_at(err, KT_EPARSE, path, lineno,
                               "%zu fields, but the header names %zu", nf, n_header);
                goto out;
            }
            /* Name the first column this row is missing. */
            const char *missing = "a column";
            size_t first = SIZE_MAX;
            for (int c = 0; c < COL_COUNT; c++) {
                if (col_at[c] >= (int)nf && (size_t)col_at[c] < first) {
                    first = (size_t)col_at[c];
                    missing = col_name((enum col)c);
                }
            }
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "column %s: missing (%zu of %zu fields)",
                           missing, nf, n_header);
            goto out;
        }
        enum col bad_col;
        why = parse_row(fields, col_at, &row, &bad_col);
        if (why != NULL) {
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "column %s: %s",
                           ranges ? range_col_name(bad_col) : col_name(bad_col), why);
            goto out;
        }
        if (ranges && row.prefix != 128) {
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "ip_range_start: not a bare address");
            goto out;
        }
        why = NULL;
        rc = ranges ? push_range(&es, &row, fields[1], &why) : push_entry(&es, &row);
        if (rc == KT_EPARSE) {
            rc = kt_err_at(err, rc, path, lineno, "ip_range_end: %s", why);
            goto out;
        }
        if (rc == KT_ELIMIT) {
            rc = kt_err_at(err, rc, path, lineno, "more than %d networks", CSV_MAX_ROWS);
            goto out;
        }
        if (rc != KT_OK) {
            rc = kt_err_at(err, rc, path, lineno, "out of memory");
            goto out;
        }
    }
    if (!have_header) {
        rc = kt_err_at(err, KT_EPARSE, path, 0, "empty file: expected a header line");
        goto out;
    }
    if (es.v == NULL) {
        es.v = calloc(1, sizeof(*es.v));
        if (es.v == NULL) {
            rc = kt_err_at(err, KT_ENOMEM, path, 0, "out of memory");
            goto out;
        }
    }
    *out = es.v;
    *n = es.count;
    es.v = NULL;

out:
    free(es.v);
    free(scratch);
    free(r.buf);
    fclose(r.f);
    return rc;
}
