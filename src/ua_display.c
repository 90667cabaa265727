/*
 * How a user agent is shown (useragent.h): its display name, picked out of the raw agent, and
 * the copy of it that the baseline stores and detectors' reasons print. Both go through
 * kt_ua_display, so a name reads the same in a stored baseline and in a finding, and is
 * redacted the same way in both.
 */
#include <keytrail/useragent.h>

#include <keytrail/credential.h>

struct kt_str kt_ua_display_name(struct kt_str ua)
{
    struct kt_str t = kt_str_trim(ua);
    size_t word = 0;
    while (word < t.len && t.ptr[word] != ' ' && t.ptr[word] != '\t') {
        word++;
    }
    if (memchr(t.ptr, '/', word) != NULL) {
        t.len = word;
        return t;
    }
    const char *paren = memchr(t.ptr, '(', t.len);
    if (paren != NULL) {
        t.len = (size_t)(paren - t.ptr);
    }
    return kt_str_trim(t);
}

size_t kt_ua_display(struct kt_str ua, char *out, size_t cap)
{
    struct kt_str t = kt_ua_display_name(ua);
    out[0] = '\0';
    if (t.len == 0) {
        return 0;
    }
    if (t.len > KT_UA_DISPLAY_MAX) {
        kt_str_copy(out, cap, KT_STR_LIT("?"));
        return strlen(out);
    }
    char clean[KT_UA_DISPLAY_MAX];
    for (size_t i = 0; i < t.len; i++) {
        unsigned char c = (unsigned char)t.ptr[i];
        clean[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    size_t n = kt_cred_redact(kt_str_make(clean, t.len), out, cap);
    kt_wipe(clean, t.len);
    return n;
}
