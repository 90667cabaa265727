/*
 * The declared-leaked list (leaked.h). Small: a linear array of key ids and times.
 *
 * A line is split into words (spaces or tabs). The credential is the first word, or, when the
 * first word is an Authorization scheme, the scheme and its parameter (and the words after it
 * while each ends in a comma, as SigV4's "Credential=..., SignedHeaders=..., Signature=..."
 * does). Whatever follows must be a leak time, in one of the forms the README lists; anything
 * else is an error naming the file and line. A line is never taken whole as one credential,
 * because "TOKEN yesterday" would then fingerprint as a different, never-seen key, silently.
 */
#include "leaked.h"

#include <stdio.h>
#include <stdlib.h>

#include "linefile.h"
#include "timefmt.h"

/* A credential (a JWT or a SigV4 header can run to a few KiB) plus a leak time. */
#define LEAKED_MAX_LINE 17408

#define TIME_FORMS "2026-11-02, 2026-11-02T14:00Z or 2026-11-02 14:00 (UTC)"

struct leaked_entry {
    struct kt_keyid key;
    int64_t leak_ms;
};

struct kt_leaked {
    struct leaked_entry *entries;
    size_t n, cap;
    bool rotation; /* a --rotated list: the time is the rotation's, and required */
};

void kt_leaked_free(struct kt_leaked *l)
{
    if (l != NULL) {
        free(l->entries);
        free(l);
    }
}

size_t kt_leaked_count(const struct kt_leaked *l)
{
    return l ? l->n : 0;
}

static enum kt_rc add(struct kt_leaked *l, const struct kt_keyid *key, int64_t leak_ms)
{
    for (size_t i = 0; i < l->n; i++) {
        if (kt_keyid_eq(&l->entries[i].key, key)) {
            /* Listed twice: the earliest time wins (unknown counts as earliest). */
            if (leak_ms == KT_TIME_NONE || leak_ms < l->entries[i].leak_ms) {
                l->entries[i].leak_ms = leak_ms;
            }
            return KT_OK;
        }
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct leaked_entry *ne = realloc(l->entries, ncap * sizeof(*ne));
        if (ne == NULL) {
            return KT_ENOMEM;
        }
        l->entries = ne;
        l->cap = ncap;
    }
    l->entries[l->n].key = *key;
    l->entries[l->n].leak_ms = leak_ms;
    l->n++;
    return KT_OK;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The next word of s at or after *pos; false when none is left. */
static bool next_word(struct kt_str s, size_t *pos, struct kt_str *word)
{
    size_t i = *pos;
    while (i < s.len && is_blank(s.ptr[i])) {
        i++;
    }
    if (i == s.len) {
        return false;
    }
    size_t j = i;
    while (j < s.len && !is_blank(s.ptr[j])) {
        j++;
    }
    *word = kt_str_make(s.ptr + i, j - i);
    *pos = j;
    return true;
}

/*
 * The Authorization schemes whose value is the credential (as src/cred_auth.c reads them). A
 * scheme missing here is still safe: its parameter is then taken for a time and refused.
 */
static bool is_scheme(struct kt_str w)
{
    static const char *const schemes[] = { "Bearer", "Token", "Bot",  "ApiKey",
                                           "Api-Key", "Basic", "AWS", "AWS4-HMAC-SHA256" };
    for (size_t i = 0; i < KT_ARRAY_LEN(schemes); i++) {
        if (kt_str_eq_nocase(w, kt_str_cstr(schemes[i]))) {
            return true;
        }
    }
    return false;
}

static bool is_date(struct kt_str w)
{
    char buf[16];
    int64_t ms;
    if (w.len != 10) {
        return false;
    }
    kt_str_copy(buf, sizeof(buf), w);
    return kt_time_parse_arg(buf, &ms);
}

/*
 * The leak time of words[0, n): one word (a date, or an RFC 3339 time) or two (a date and a
 * clock time, "2026-11-02 14:00"). False when they are not one of these.
 */
static bool parse_leak_time(const struct kt_str *words, size_t n, int64_t *ms)
{
    char buf[64];
    if (n == 1) {
        if (words[0].len >= sizeof(buf)) {
            return false;
        }
        kt_str_copy(buf, sizeof(buf), words[0]);
        return kt_time_parse_arg(buf, ms);
    }
    if (n == 2 && is_date(words[0]) && words[1].len < sizeof(buf) - 11 && words[1].len >= 5 &&
        words[1].ptr[2] == ':') {
        memcpy(buf, words[0].ptr, 10);
        buf[10] = ' ';
        kt_str_copy(buf + 11, sizeof(buf) - 11, words[1]);
        return kt_time_parse_iso(kt_str_cstr(buf), ms);
    }
    return false;
}

/* A quoted value, or a comma or semicolon glued to it; NULL when the word is fine. */
static const char *glued_mistake(struct kt_str w)
{
    if (w.ptr[0] == '"' || w.ptr[0] == '\'' || w.ptr[w.len - 1] == '"' ||
        w.ptr[w.len - 1] == '\'') {
        return "the value on this line is quoted: write it without quotes";
    }
    if (memchr(w.ptr, ',', w.len) != NULL || memchr(w.ptr, ';', w.len) != NULL) {
        return "the value on this line holds a comma or semicolon: separate the leak time "
               "with a space or a tab";
    }
    return NULL;
}

/* What a single-word credential must not look like; NULL when it is fine. */
static const char *word_mistake(struct kt_str w)
{
    if (w.ptr[w.len - 1] == ':') {
        return "the line starts with a header name: write only the header's value "
               "(Bearer ...)";
    }
    const char *why = glued_mistake(w);
    if (why != NULL) {
        return why;
    }
    if (w.len >= 4 && kt_str_has_prefix_nocase(w, "kt1-")) {
        struct kt_keyid key;
        if (!kt_keyid_parse(w, &key)) {
            return "the value on this line is not a valid key id (kt1- and 24 hex digits)";
        }
    }
    return NULL;
}

/*
 * Finds where the credential of s ends (*cred_end) and checks its shape; returns NULL or why
 * it is refused. *auth tells whether it is an Authorization value (scheme and parameter).
 */
static const char *credential_end(struct kt_str s, size_t *cred_end, bool *auth)
{
    struct kt_str first, w;
    size_t pos = 0;
    next_word(s, &pos, &first);
    *cred_end = pos;
    *auth = is_scheme(first);
    if (!*auth) {
        return word_mistake(first);
    }
    if (!next_word(s, &pos, &w)) {
        return "an Authorization scheme without its value";
    }
    *cred_end = pos;
    if (!kt_str_eq_nocase(first, KT_STR_LIT("AWS4-HMAC-SHA256"))) {
        return glued_mistake(w);
    }
    /* SigV4: "Credential=..., SignedHeaders=..., Signature=...". */
    while (w.ptr[w.len - 1] == ',' && next_word(s, &pos, &w)) {
        *cred_end = pos;
    }
    return NULL;
}

static enum kt_rc parse_line(void *ctx, struct kt_str line, const char *name, uint64_t lineno,
                             struct kt_err *err)
{
    struct kt_leaked *l = ctx;
    struct kt_str s = kt_str_trim(line);
    if (s.len == 0 || s.ptr[0] == '#') {
        return KT_OK;
    }
    if (kt_lines_has_control(s)) {
        return kt_err_at(err, KT_EPARSE, name, lineno, "control characters in the line");
    }
    size_t cred_end;
    bool auth;
    const char *why = credential_end(s, &cred_end, &auth);
    if (why != NULL) {
        return kt_err_at(err, KT_EPARSE, name, lineno, "%s", why);
    }
    /* Two words of time at most follow the credential; a third is an error anyway. */
    struct kt_str words[3], w;
    size_t pos = cred_end, n_time = 0;
    while (n_time < KT_ARRAY_LEN(words) && next_word(s, &pos, &w)) {
        words[n_time++] = w;
    }
    int64_t leak_ms = KT_TIME_NONE;
    const char *what = l->rotation ? "rotation time" : "leak time";
    if (n_time == 0 && l->rotation) {
        return kt_err_at(err, KT_EPARSE, name, lineno,
                         "the key on this line has no rotation time; write " TIME_FORMS);
    }
    if (n_time > 0 && !parse_leak_time(words, n_time, &leak_ms)) {
        return kt_err_at(err, KT_EPARSE, name, lineno,
                         "what follows the %s on this line is not a %s; write " TIME_FORMS,
                         auth ? "Authorization value" : "credential", what);
    }
    struct kt_str cred = kt_str_make(s.ptr, cred_end);
    struct kt_keyid key;
    if (!kt_keyid_parse(cred, &key)) {
        struct kt_cand cand = { KT_CAND_EXPLICIT, cred };
        struct kt_cred c;
        if (!kt_cred_recognise(&cand, &c)) {
            return kt_err_at(err, KT_EPARSE, name, lineno,
                             "the value on this line is not a key id or a credential");
        }
        key = c.key;
    }
    if (add(l, &key, leak_ms) != KT_OK) {
        return kt_err_at(err, KT_ENOMEM, name, lineno, "out of memory");
    }
    return KT_OK;
}

static enum kt_rc finish(struct kt_leaked *l, enum kt_rc rc, struct kt_leaked **out)
{
    if (rc != KT_OK) {
        kt_leaked_free(l);
        return rc;
    }
    *out = l;
    return KT_OK;
}

static enum kt_rc load_file(struct kt_leaked **out, const char *path, bool rotation,
                            struct kt_err *err)
{
    struct kt_leaked *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        return kt_err_at(err, KT_ENOMEM, path, 0, "out of memory");
    }
    l->rotation = rotation;
    return finish(l, kt_lines_file(path, LEAKED_MAX_LINE, parse_line, l, err), out);
}

static enum kt_rc load_buffer(struct kt_leaked **out, const char *name, const char *buf,
                              size_t len, bool rotation, struct kt_err *err)
{
    struct kt_leaked *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        return kt_err_at(err, KT_ENOMEM, name, 0, "out of memory");
    }
    l->rotation = rotation;
    return finish(l, kt_lines_buffer(name, buf, len, LEAKED_MAX_LINE, parse_line, l, err), out);
}

enum kt_rc kt_leaked_load(struct kt_leaked **out, const char *path, struct kt_err *err)
{
    return load_file(out, path, false, err);
}

enum kt_rc kt_leaked_load_buffer(struct kt_leaked **out, const char *name, const char *buf,
                                 size_t len, struct kt_err *err)
{
    return load_buffer(out, name, buf, len, false, err);
}

enum kt_rc kt_rotated_load(struct kt_leaked **out, const char *path, struct kt_err *err)
{
    return load_file(out, path, true, err);
}

enum kt_rc kt_rotated_load_buffer(struct kt_leaked **out, const char *name, const char *buf,
                                  size_t len, struct kt_err *err)
{
    return load_buffer(out, name, buf, len, true, err);
}

bool kt_leaked_lookup(const struct kt_leaked *l, const struct kt_keyid *key, int64_t *leak_ms)
{
    if (l == NULL) {
        return false;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (kt_keyid_eq(&l->entries[i].key, key)) {
            *leak_ms = l->entries[i].leak_ms;
            return true;
        }
    }
    return false;
}
