/* Small helpers over byte views (include/keytrail/common.h). */
#include <keytrail/common.h>

#include <openssl/crypto.h>

bool kt_str_eq_nocase(struct kt_str a, struct kt_str b)
{
    if (a.len != b.len) {
        return false;
    }
    for (size_t i = 0; i < a.len; i++) {
        if (kt_ascii_lower(a.ptr[i]) != kt_ascii_lower(b.ptr[i])) {
            return false;
        }
    }
    return true;
}

bool kt_str_has_prefix_nocase(struct kt_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && kt_str_eq_nocase(kt_str_make(s.ptr, n), kt_str_make(prefix, n));
}

bool kt_str_contains(struct kt_str s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.len; i++) {
        if (memcmp(s.ptr + i, needle, n) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

struct kt_str kt_str_trim(struct kt_str s)
{
    while (s.len > 0 && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len > 0 && is_space(s.ptr[s.len - 1])) {
        s.len--;
    }
    return s;
}

char *kt_str_copy(char *dst, size_t cap, struct kt_str s)
{
    size_t n = KT_MIN(s.len, cap - 1);
    if (n > 0) {
        memcpy(dst, s.ptr, n);
    }
    dst[n] = '\0';
    return dst;
}

void kt_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        OPENSSL_cleanse(p, n);
    }
}
