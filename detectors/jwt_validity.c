/*
 * jwt_validity: a JWT used outside its validity (after exp, before nbf, issued in the future)
 * or unsigned (alg "none"), or carrying a bad signature. An expired token in use means someone
 * kept a copy; an alg:none token is a forgery attempt whether or not the server accepted it —
 * and worse if it did. With --jwt-secret, a token of a listed issuer whose HMAC signature does
 * not verify (the pipeline sets KT_CRED_SIG_BAD while it holds the raw token) was made by
 * someone without the issuer's secret: a forgery, critical.
 */
#include <keytrail/detector.h>

#include <inttypes.h>
#include <stdio.h>

enum { K_SKEW, K_SCORE_NONE, K_SCORE_EXPIRED, K_SCORE_ACCEPTED, K_SCORE_FORGED };

static const struct kt_knob knobs[] = {
    [K_SKEW] = { "clock_skew_s", 300, "tolerated clock difference, seconds" },
    [K_SCORE_NONE] = { "score_alg_none", 70, "score of an unsigned (alg none) token" },
    [K_SCORE_EXPIRED] = { "score_expired", 40, "score of an expired or not-yet-valid token" },
    [K_SCORE_ACCEPTED] = { "score_accepted", 75,
                           "score when the server accepted such a token (2xx/3xx)" },
    [K_SCORE_FORGED] = { "score_bad_signature", 90,
                         "score of a token of a --jwt-secret issuer whose signature fails" },
};

/* "1 h 12 min", "3 days". */
static void span(int64_t secs, char *out, size_t cap)
{
    if (secs >= 2 * 86400) {
        snprintf(out, cap, "%" PRId64 " days", secs / 86400);
    } else if (secs >= 3600) {
        snprintf(out, cap, "%" PRId64 " h %" PRId64 " min", secs / 3600, secs / 60 % 60);
    } else {
        snprintf(out, cap, "%" PRId64 " min", secs / 60);
    }
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_cred *c = in->cred;
    if (c->family != KT_FAM_JWT || in->obs->time_ms == KT_TIME_NONE) {
        return;
    }
    char tok[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&c->token, tok);
    struct kt_finding f;
    bool ok = kt_obs_succeeded(in->obs); /* the server accepted it */
    if (c->flags & KT_CRED_SIG_BAD) {
        kt_finding_start(&f, in, "jwt_validity", KT_SEV_CRITICAL,
                         (int)KT_MAX(in->knobs[K_SCORE_FORGED],
                                     ok ? in->knobs[K_SCORE_ACCEPTED] : 0),
                         "bad_signature:%.12s", tok + 4);
        bool unsigned_tok = (c->flags & KT_CRED_ALG_NONE) != 0;
        kt_finding_reason(&f,
                          "forged JWT: token %s claims issuer %s (in --jwt-secret) but %s%s%s "
                          "with that issuer's HMAC secret%s",
                          tok, c->jwt.iss, unsigned_tok ? "is unsigned (alg none)" : "its ",
                          unsigned_tok ? "" : c->jwt.alg,
                          unsigned_tok ? ", which cannot verify" : " signature does not verify",
                          ok ? "; the server accepted it" : "");
        emit(ctx, &f);
        return;
    }
    if (c->flags & KT_CRED_ALG_NONE) {
        kt_finding_start(&f, in, "jwt_validity", KT_SEV_HIGH,
                         (int)(ok ? in->knobs[K_SCORE_ACCEPTED] : in->knobs[K_SCORE_NONE]),
                         "alg_none");
        kt_finding_reason(&f, "unsigned JWT (alg \"%s\") presented for %s%s", c->jwt.alg, c->hint,
                          ok ? " and accepted by the server" : "");
        emit(ctx, &f);
        return;
    }
    int64_t now = in->obs->time_ms / 1000;
    int64_t skew = (int64_t)in->knobs[K_SKEW];
    const char *what = NULL;
    int64_t by = 0;
    if (c->jwt.exp != KT_TIME_NONE && now > c->jwt.exp + skew) {
        what = "expired";
        by = now - c->jwt.exp;
    } else if (c->jwt.nbf != KT_TIME_NONE && now < c->jwt.nbf - skew) {
        what = "not yet valid";
        by = c->jwt.nbf - now;
    } else if (c->jwt.iat != KT_TIME_NONE && now < c->jwt.iat - skew) {
        what = "issued in the future";
        by = c->jwt.iat - now;
    }
    if (what == NULL) {
        return;
    }
    char when[48];
    span(by, when, sizeof(when));
    kt_finding_start(&f, in, "jwt_validity", ok ? KT_SEV_HIGH : KT_SEV_MEDIUM,
                     (int)(ok ? in->knobs[K_SCORE_ACCEPTED] : in->knobs[K_SCORE_EXPIRED]),
                     "%s:%.12s", what, tok + 4);
    kt_finding_reason(&f, "%s token %s used (%s %s)%s", what, tok,
                      what[0] == 'e' ? "expired" : "valid only in", when,
                      ok ? " and accepted by the server" : "");
    kt_finding_extra(&f, "seconds", (double)by);
    emit(ctx, &f);
}

const struct kt_detector kt_det_jwt_validity = {
    .name = "jwt_validity",
    .summary = "a JWT used after exp, before nbf or iat, unsigned (alg none), or with a bad "
               "signature (--jwt-secret)",
    .severity = KT_SEV_CRITICAL,
    .aspect = KT_ASPECT_DIRECT,
    .needs_maturity = false,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
