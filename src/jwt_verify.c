/*
 * JWT HMAC signature checks (jwt_verify.h).
 *
 * Secrets live in one array of {iss, secret} copies, searched linearly by issuer (a secrets
 * file lists a handful of API keys). The file is read whole into one buffer (at most 1 MiB),
 * parsed line by line and wiped. Verification recomputes HMAC(secret, "header.payload") with
 * the algorithm the header names and compares it with the decoded signature by CRYPTO_memcmp,
 * after checking the lengths (which are public: they follow from the algorithm). The memo maps
 * a token id to its result; it holds no secret, only the outcome.
 */
#include "jwt_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base64.h"
#include "cred_internal.h"
#include "linefile.h"
#include "redact.h"
#include "token.h"

#define MEMO_SLOTS 256
#define LINE_MAX_BYTES 8192

struct jwt_secret {
    char *iss;
    size_t iss_len;
    uint8_t *secret;
    size_t secret_len;
};

struct memo_slot {
    struct kt_keyid token;
    uint32_t flags; /* KT_CRED_SIG_OK or KT_CRED_SIG_BAD; 0 = empty */
};

struct kt_jwt_keys {
    struct jwt_secret *s;
    size_t n, cap;
    struct memo_slot memo[MEMO_SLOTS];
};

void kt_jwt_keys_free(struct kt_jwt_keys *k)
{
    if (k == NULL) {
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        kt_wipe(k->s[i].secret, k->s[i].secret_len);
        free(k->s[i].secret);
        free(k->s[i].iss);
    }
    free(k->s);
    kt_wipe(k, sizeof(*k));
    free(k);
}

size_t kt_jwt_keys_count(const struct kt_jwt_keys *k)
{
    return k != NULL ? k->n : 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static enum kt_rc add_line(void *ctx, struct kt_str line, const char *name, uint64_t lineno,
                           struct kt_err *err)
{
    struct kt_jwt_keys *k = ctx;
    line = kt_str_trim(line);
    if (line.len == 0 || line.ptr[0] == '#') {
        return KT_OK;
    }
    if (kt_lines_has_control(line)) {
        return kt_err_at(err, KT_EPARSE, name, lineno, "control character in the line");
    }
    size_t i = 0;
    while (i < line.len && !is_blank(line.ptr[i])) {
        i++;
    }
    struct kt_str iss = kt_str_make(line.ptr, i);
    while (i < line.len && is_blank(line.ptr[i])) {
        i++;
    }
    struct kt_str secret = kt_str_make(line.ptr + i, line.len - i);
    if (secret.len == 0) {
        return kt_err_at(err, KT_EPARSE, name, lineno,
                         "expected `iss secret` (an issuer, blanks, then its HMAC secret)");
    }
    if (secret.len < KT_REDACT_WINDOW) {
        /* The redactor keeps a secret out of the run's output only from this length on. */
        return kt_err_at(err, KT_EPARSE, name, lineno,
                         "secret shorter than %d bytes (too weak for HMAC, and too short to keep "
                         "out of the output)",
                         KT_REDACT_WINDOW);
    }
    if (k->n == KT_JWT_SECRETS_MAX) {
        return kt_err_at(err, KT_ELIMIT, name, lineno, "more than %d secrets", KT_JWT_SECRETS_MAX);
    }
    if (k->n == k->cap) {
        size_t ncap = k->cap ? k->cap * 2 : 8;
        struct jwt_secret *ns = realloc(k->s, ncap * sizeof(*ns));
        if (ns == NULL) {
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
        k->s = ns;
        k->cap = ncap;
    }
    struct jwt_secret *e = &k->s[k->n];
    e->iss = malloc(iss.len + 1);
    e->secret = malloc(secret.len);
    if (e->iss == NULL || e->secret == NULL) {
        free(e->iss);
        free(e->secret);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    memcpy(e->iss, iss.ptr, iss.len);
    e->iss[iss.len] = '\0';
    e->iss_len = iss.len;
    memcpy(e->secret, secret.ptr, secret.len);
    e->secret_len = secret.len;
    k->n++;
    /* From here on no output can show it, wherever it turns up (a log, a user agent), whole or
     * in part: every suffix is remembered, so any 12 bytes of it are found. */
    for (size_t off = 0; off + KT_REDACT_WINDOW <= secret.len; off++) {
        kt_redact_note_secret(kt_str_make(secret.ptr + off, secret.len - off));
    }
    return KT_OK;
}

enum kt_rc kt_jwt_keys_parse(struct kt_jwt_keys **out, const char *name, const char *buf,
                             size_t len, struct kt_err *err)
{
    struct kt_jwt_keys *k = calloc(1, sizeof(*k));
    if (k == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    enum kt_rc rc = kt_lines_buffer(name, buf, len, LINE_MAX_BYTES, add_line, k, err);
    if (rc == KT_OK && k->n == 0) {
        rc = kt_err_at(err, KT_EPARSE, name, 0, "no `iss secret` lines");
    }
    if (rc != KT_OK) {
        kt_jwt_keys_free(k);
        return rc;
    }
    *out = k;
    return KT_OK;
}

enum kt_rc kt_jwt_keys_load(struct kt_jwt_keys **out, const char *path, struct kt_err *err)
{
    enum kt_rc rc = KT_OK;
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        rc = kt_err_at(err, KT_EOPEN, path, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        rc = kt_err_at(err, KT_EIO, path, 0, "cannot stat: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = kt_err_at(err, KT_EOPEN, path, 0,
                       "not a regular file; refusing to read secrets "
                       "from it");
        goto out;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        rc = kt_err_at(err, KT_EUSAGE, path, 0,
                       "permissions %04o are too open: JWT secrets must be readable by the "
                       "owner only (chmod 600)",
                       (unsigned)(st.st_mode & 07777));
        goto out;
    }
    if (st.st_size > (off_t)KT_JWT_SECRET_FILE_MAX) {
        rc = kt_err_at(err, KT_ELIMIT, path, 0, "larger than %u bytes", KT_JWT_SECRET_FILE_MAX);
        goto out;
    }
    buf = malloc(KT_JWT_SECRET_FILE_MAX);
    if (buf == NULL) {
        rc = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, KT_JWT_SECRET_FILE_MAX - len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            rc = kt_err_at(err, KT_EIO, path, 0, "read failed: %s", strerror(errno));
            goto out;
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
        if (len == KT_JWT_SECRET_FILE_MAX) {
            rc = kt_err_at(err, KT_ELIMIT, path, 0, "larger than %u bytes", KT_JWT_SECRET_FILE_MAX);
            goto out;
        }
    }
    rc = kt_jwt_keys_parse(out, path, buf, len, err);
out:
    if (buf != NULL) {
        kt_wipe(buf, KT_JWT_SECRET_FILE_MAX);
        free(buf);
    }
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

/* The digest of an HMAC JWT algorithm, or NULL. */
static const EVP_MD *hmac_md(const char *alg)
{
    if (strcmp(alg, "HS256") == 0) {
        return EVP_sha256();
    }
    if (strcmp(alg, "HS384") == 0) {
        return EVP_sha384();
    }
    if (strcmp(alg, "HS512") == 0) {
        return EVP_sha512();
    }
    return NULL;
}

/* The compact JWS inside value whose token id is c->token. */
static bool find_token(struct kt_str value, const struct kt_cred *c, struct kt_str *tok)
{
    for (size_t i = 0; i + 3 <= value.len; i++) {
        if ((i > 0 && !is_blank(value.ptr[i - 1])) || memcmp(value.ptr + i, "eyJ", 3) != 0) {
            continue;
        }
        struct kt_str rest = kt_str_make(value.ptr + i, value.len - i);
        size_t n = kt_tok_jwt_extent(rest, KT_TOK_LIBERAL);
        struct kt_keyid id;
        if (n > 0 && kt_cred_keyid_secret(kt_str_make(rest.ptr, n), &id) &&
            kt_keyid_eq(&id, &c->token)) {
            *tok = kt_str_make(rest.ptr, n);
            return true;
        }
    }
    return false;
}

/* Whether sig is HMAC(secret, signing input) under md. */
static bool hmac_matches(const EVP_MD *md, const struct jwt_secret *s, struct kt_str input,
                         const uint8_t *sig, size_t sig_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    bool ok = false;
    if (HMAC(md, s->secret, (int)s->secret_len, (const unsigned char *)input.ptr, input.len, mac,
             &mac_len) == NULL) {
        goto out;
    }
    ok = mac_len == sig_len && CRYPTO_memcmp(mac, sig, sig_len) == 0;
out:
    OPENSSL_cleanse(mac, sizeof(mac));
    return ok;
}

/* KT_CRED_SIG_OK or KT_CRED_SIG_BAD for tok, whose issuer has at least one secret. */
static uint32_t verify(const struct kt_jwt_keys *k, struct kt_str tok, const struct kt_cred *c)
{
    uint8_t sig[EVP_MAX_MD_SIZE + 8];
    size_t sig_len = 0;
    uint32_t res = KT_CRED_SIG_BAD;
    const EVP_MD *md = (c->flags & KT_CRED_ALG_NONE) ? NULL : hmac_md(c->jwt.alg);
    const char *dot = memchr(tok.ptr, '.', tok.len);
    const char *dot2 =
        dot != NULL ? memchr(dot + 1, '.', tok.len - (size_t)(dot + 1 - tok.ptr)) : NULL;
    if (md == NULL || dot2 == NULL) {
        goto out;
    }
    struct kt_str input = kt_str_make(tok.ptr, (size_t)(dot2 - tok.ptr));
    struct kt_str sig_b64 = kt_str_make(dot2 + 1, tok.len - input.len - 1);
    if (sig_b64.len == 0 || kt_base64_decoded_max(sig_b64.len) > sizeof(sig) ||
        !kt_base64_decode(sig_b64, KT_B64_URL, sig, sizeof(sig), &sig_len)) {
        goto out;
    }
    for (size_t i = 0; i < k->n; i++) {
        const struct jwt_secret *s = &k->s[i];
        if (strcmp(s->iss, c->jwt.iss) == 0 && hmac_matches(md, s, input, sig, sig_len)) {
            res = KT_CRED_SIG_OK;
            break;
        }
    }
out:
    kt_wipe(sig, sizeof(sig));
    return res;
}

void kt_jwt_keys_check(struct kt_jwt_keys *k, struct kt_str value, struct kt_cred *c)
{
    if (k == NULL || c->family != KT_FAM_JWT || c->jwt.iss[0] == '\0') {
        return;
    }
    bool known = false;
    for (size_t i = 0; i < k->n && !known; i++) {
        known = strcmp(k->s[i].iss, c->jwt.iss) == 0;
    }
    if (!known) {
        return;
    }
    struct memo_slot *m = &k->memo[c->token.b[0] % MEMO_SLOTS];
    uint32_t res;
    if (m->flags != 0 && kt_keyid_eq(&m->token, &c->token)) {
        res = m->flags;
    } else {
        struct kt_str tok;
        if (!find_token(value, c, &tok)) {
            return; /* not the bytes this cred came from: nothing to say */
        }
        res = verify(k, tok, c);
        m->token = c->token;
        m->flags = res;
    }
    c->flags = (c->flags & ~(uint32_t)(KT_CRED_SIG_OK | KT_CRED_SIG_BAD)) | res;
}
