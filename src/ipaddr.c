/* Client address clean-up and parsing (ipaddr.h). */
#include "ipaddr.h"

#include <arpa/inet.h>

struct kt_str kt_ip_clean(struct kt_str s)
{
    if (s.len == 0) {
        return s;
    }
    const char *comma = memchr(s.ptr, ',', s.len);
    if (comma != NULL) {
        s.len = (size_t)(comma - s.ptr);
    }
    s = kt_str_trim(s);
    if (s.len > 2 && s.ptr[0] == '[') {
        const char *close = memchr(s.ptr, ']', s.len);
        if (close != NULL) {
            return kt_str_make(s.ptr + 1, (size_t)(close - s.ptr) - 1);
        }
        return s;
    }
    /* Exactly one colon and a dotted quad before it: IPv4 with a port. */
    const char *colon = memchr(s.ptr, ':', s.len);
    if (colon != NULL && memchr(colon + 1, ':', s.len - (size_t)(colon - s.ptr) - 1) == NULL) {
        size_t head = (size_t)(colon - s.ptr);
        unsigned dots = 0;
        for (size_t i = 0; i < head; i++) {
            dots += s.ptr[i] == '.';
        }
        if (dots == 3) {
            s.len = head;
        }
    }
    return s;
}

/* Dotted-quad IPv4 exactly as inet_pton takes it (1-3 digits, no leading zeros, at most 255),
 * without the copy and the library call: the common case. false sends anything else to
 * inet_pton. */
static bool parse_v4_fast(struct kt_str s, struct kt_ip *ip)
{
    uint8_t o[4];
    size_t i = 0;
    if (s.len < 7 || s.len > 15) {
        return false;
    }
    for (int k = 0; k < 4; k++) {
        if (k > 0) {
            if (i >= s.len || s.ptr[i] != '.') {
                return false;
            }
            i++;
        }
        unsigned v = 0, digits = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9') {
            if (digits == 3 || (digits == 1 && v == 0)) {
                return false;
            }
            v = v * 10 + (unsigned)(s.ptr[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || v > 255) {
            return false;
        }
        o[k] = (uint8_t)v;
    }
    if (i != s.len) {
        return false;
    }
    memset(ip, 0, sizeof(*ip));
    ip->b[10] = 0xff;
    ip->b[11] = 0xff;
    memcpy(ip->b + 12, o, 4);
    ip->v4 = true;
    return true;
}

bool kt_ip_parse(struct kt_str s, struct kt_ip *out)
{
    char buf[64];
    if (s.len == 0 || s.len >= sizeof(buf)) {
        return false;
    }
    if (parse_v4_fast(s, out)) {
        return true;
    }
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    memset(out, 0, sizeof(*out));
    uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) == 1) {
        out->b[10] = 0xff;
        out->b[11] = 0xff;
        memcpy(out->b + 12, v4, 4);
        out->v4 = true;
        return true;
    }
    /* Drop an IPv6 zone id ("fe80::1%eth0"). */
    char *pct = memchr(buf, '%', s.len);
    if (pct != NULL) {
        *pct = '\0';
    }
    return inet_pton(AF_INET6, buf, out->b) == 1;
}
