/* The declared-leaked list (leaked.h). Small: a linear array of key ids and times. */
#include "leaked.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "timefmt.h"

struct leaked_entry {
    struct kt_keyid key;
    int64_t leak_ms;
};

struct kt_leaked {
    struct leaked_entry *entries;
    size_t n, cap;
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

/* Splits off a trailing time field, if the last word parses as one. */
static struct kt_str split_time(struct kt_str s, int64_t *leak_ms)
{
    *leak_ms = KT_TIME_NONE;
    size_t i = s.len;
    while (i > 0 && s.ptr[i - 1] != ' ' && s.ptr[i - 1] != '\t') {
        i--;
    }
    if (i == 0) {
        return s;
    }
    char word[64];
    size_t wlen = s.len - i;
    if (wlen >= sizeof(word)) {
        return s;
    }
    memcpy(word, s.ptr + i, wlen);
    word[wlen] = '\0';
    int64_t t;
    if (!kt_time_parse_arg(word, &t)) {
        return s;
    }
    *leak_ms = t;
    return kt_str_trim(kt_str_make(s.ptr, i));
}

static enum kt_rc add(struct kt_leaked *l, const struct kt_keyid *key, int64_t leak_ms)
{
    for (size_t i = 0; i < l->n; i++) {
        if (kt_keyid_eq(&l->entries[i].key, key)) {
            /* Listed twice: the earliest leak time wins (unknown counts as earliest). */
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

enum kt_rc kt_leaked_load(struct kt_leaked **out, const char *path, struct kt_err *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
    }
    struct kt_leaked *l = calloc(1, sizeof(*l));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    enum kt_rc rc = l ? KT_OK : KT_ENOMEM;
    while (rc == KT_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        struct kt_str s = kt_str_trim(kt_str_make(line, (size_t)n));
        if (s.len == 0 || s.ptr[0] == '#') {
            continue;
        }
        bool control = false;
        for (size_t i = 0; i < s.len; i++) {
            control |= (unsigned char)s.ptr[i] < 0x20 && s.ptr[i] != '\t';
        }
        if (control) {
            rc = kt_err_at(err, KT_EPARSE, path, lineno, "control characters in the line");
            break;
        }
        int64_t leak_ms;
        s = split_time(s, &leak_ms);
        struct kt_keyid key;
        if (!kt_keyid_parse(s, &key)) {
            struct kt_cand cand = { KT_CAND_EXPLICIT, s };
            struct kt_cred cred;
            if (!kt_cred_recognise(&cand, &cred)) {
                rc = kt_err_at(err, KT_EPARSE, path, lineno, "not a key id or a credential");
                break;
            }
            key = cred.key;
        }
        rc = add(l, &key, leak_ms);
    }
    if (line != NULL) {
        kt_wipe(line, cap); /* it held tokens */
        free(line);
    }
    fclose(f);
    if (rc != KT_OK) {
        if (rc == KT_ENOMEM) {
            kt_err_set(err, rc, "out of memory");
        }
        kt_leaked_free(l);
        return rc;
    }
    *out = l;
    return KT_OK;
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
