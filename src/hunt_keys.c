/*
 * Reading the keys a hunt is given (hunt_keys.h). The value's shape decides how it is read:
 * a key id, an AWS access key id (as CloudTrail logs it), a hashed_token, else a token of any
 * family (recognised as `keytrail fingerprint` does).
 */
#include "hunt_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "redact.h"

static bool is_aws_key_id(struct kt_str v)
{
    if (v.len != 20 || !(kt_str_has_prefix(v, "AKIA") || kt_str_has_prefix(v, "ASIA"))) {
        return false;
    }
    for (size_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

static bool looks_hashed(struct kt_str v)
{
    return v.len == 44 && v.ptr[43] == '=';
}

bool kt_hunt_key_parse(struct kt_str value, struct kt_hunt_target *out, struct kt_needles *nd)
{
    memset(out, 0, sizeof(*out));
    value = kt_str_trim(value);
    if (value.len == 0) {
        return false;
    }
    for (size_t i = 0; i < value.len; i++) {
        unsigned char c = (unsigned char)value.ptr[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return false; /* a binary file given by mistake, not a key */
        }
    }
    if (kt_keyid_parse(value, &out->key)) {
        if (nd != NULL) {
            kt_needles_pass_all(nd); /* a key id is nowhere in the logs */
        }
        return true;
    }
    struct kt_cand cand = {KT_CAND_EXPLICIT, value};
    if (is_aws_key_id(value)) {
        cand.kind = KT_CAND_AWS_KEY_ID;
    } else if (looks_hashed(value)) {
        cand.kind = KT_CAND_HASHED_TOKEN;
    }
    bool ok = kt_cred_recognise(&cand, &out->cred);
    if (!ok && cand.kind == KT_CAND_HASHED_TOKEN) {
        cand.kind = KT_CAND_EXPLICIT;
        ok = kt_cred_recognise(&cand, &out->cred);
    }
    /* Whatever it turned out to be, no output may echo it. */
    kt_redact_note_cand(&cand);
    if (!ok) {
        return false;
    }
    out->key = out->cred.key;
    out->recognised = true;
    out->secret = cand.kind == KT_CAND_EXPLICIT;
    if (nd != NULL) {
        if (!out->secret) {
            kt_needles_add(nd, value);
        } else if (out->cred.family == KT_FAM_JWT) {
            kt_needles_pass_all(nd); /* the principal's other tokens differ from this one */
        } else {
            /* "Bearer X", "token X", "Authorization: Basic X": the logs hold X in every
             * spelling, the whole line only in some. */
            struct kt_str bare = value;
            for (size_t i = value.len; i > 0; i--) {
                if (value.ptr[i - 1] == ' ' || value.ptr[i - 1] == '\t') {
                    bare = kt_str_make(value.ptr + i, value.len - i);
                    break;
                }
            }
            kt_needles_add_token(nd, bare);
        }
    }
    return true;
}

bool kt_hunt_key_issuer(struct kt_str iss, struct kt_hunt_target *out, struct kt_needles *nd)
{
    memset(out, 0, sizeof(*out));
    iss = kt_str_trim(iss);
    if (!kt_cred_jwt_issuer_key(iss, &out->key)) {
        return false;
    }
    out->by_issuer = true;
    kt_str_copy(out->iss, sizeof(out->iss), iss);
    if (nd != NULL) {
        kt_needles_pass_all(nd); /* the issuer is inside each token's base64 payload */
    }
    return true;
}

enum kt_rc kt_hunt_keys_from_text(struct kt_hunt *h, struct kt_needles *nd, struct kt_str text,
                                  const char *name, size_t *added, struct kt_err *err)
{
    *added = 0;
    uint64_t line_no = 0;
    size_t pos = 0;
    if (text.len >= 3 && memcmp(text.ptr, "\xef\xbb\xbf", 3) == 0) {
        pos = 3; /* a UTF-8 byte order mark, as some editors write: not part of the first key */
    }
    while (pos < text.len) {
        const char *nl = memchr(text.ptr + pos, '\n', text.len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text.ptr) : text.len;
        struct kt_str line = kt_str_trim(kt_str_make(text.ptr + pos, end - pos));
        pos = end + 1;
        line_no++;
        if (line.len == 0 || line.ptr[0] == '#') {
            continue;
        }
        struct kt_hunt_target t;
        if (!kt_hunt_key_parse(line, &t, nd)) {
            return kt_err_at(err, KT_EPARSE, name, line_no,
                             "not a key (a token, an AWS access key id, a hashed_token or a "
                             "kt1- key id)");
        }
        if (h->n_keys == KT_HUNT_MAX_KEYS) {
            return kt_err_at(err, KT_ELIMIT, name, line_no, "at most %d keys in one hunt",
                             KT_HUNT_MAX_KEYS);
        }
        *added += kt_hunt_add_target(h, &t);
    }
    return KT_OK;
}

enum kt_rc kt_hunt_keys_from_file(struct kt_hunt *h, struct kt_needles *nd, const char *path,
                                  size_t *added, struct kt_err *err)
{
    bool std_in = strcmp(path, "-") == 0;
    const char *name = std_in ? "(stdin)" : path;
    int fd = std_in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    *added = 0;
    if (fd < 0) {
        return kt_err_at(err, KT_EOPEN, name, 0, "cannot open the key file: %s", strerror(errno));
    }
    char *buf = malloc(KT_HUNT_KEY_FILE_MAX);
    enum kt_rc rc = KT_OK;
    size_t n = 0;
    if (buf == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, KT_HUNT_KEY_FILE_MAX - n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            rc = kt_err_at(err, KT_EIO, name, 0, "cannot read the keys: %s", strerror(errno));
            goto out;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
        if (n == KT_HUNT_KEY_FILE_MAX) {
            rc = kt_err_at(err, KT_ELIMIT, name, 0, "more than %u bytes of keys",
                           KT_HUNT_KEY_FILE_MAX);
            goto out;
        }
    }
    rc = kt_hunt_keys_from_text(h, nd, kt_str_make(buf, n), name, added, err);
out:
    if (buf != NULL) {
        kt_wipe(buf, KT_HUNT_KEY_FILE_MAX);
    }
    free(buf);
    if (!std_in && fd >= 0) {
        close(fd);
    }
    return rc;
}
