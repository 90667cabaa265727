/*
 * Credential families: the offline table (valid tokens, bad checksums, look-alikes), AWS key ids
 * and their account numbers, generic-token rules, entropy, key-id derivation (pinned against
 * values computed independently with Python's hashlib) and family names.
 */
#include "test_cred_helpers.h"

#include "cred_internal.h"

#define B62 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define ALNUM_US_DASH B62 "_-"
#define HEXL "0123456789abcdef"
#define B32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/* A table row: value, and what recognising it as KT_CAND_TOKEN must give. */
struct fam_case {
    char value[400];
    enum kt_family fam; /* KT_FAM_NONE: not a credential */
    const char *kind;   /* NULL: not checked */
    uint32_t flags;     /* exact flags expected when fam != NONE */
    size_t visible;     /* leading characters the hint may show */
};

struct fam_table {
    struct fam_case rows[128];
    size_t n;
};

static struct fam_case *add(struct fam_table *t, enum kt_family fam, const char *kind,
                            uint32_t flags, size_t visible)
{
    assert_true(t->n < KT_ARRAY_LEN(t->rows));
    struct fam_case *c = &t->rows[t->n++];
    memset(c, 0, sizeof(*c));
    c->fam = fam;
    c->kind = kind;
    c->flags = flags;
    c->visible = visible;
    return c;
}

/* Valid token of every family and prefix. */
static void set_value(struct fam_case *c, const char *v)
{
    snprintf(c->value, sizeof(c->value), "%s", v);
}

static void build_valid(struct fam_table *t)
{
    static const char *const gh[] = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
    static const char *const gh_kind[] = {"ghp", "gho", "ghu", "ghs", "ghr"};
    for (size_t i = 0; i < KT_ARRAY_LEN(gh); i++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            tc_checksum_token(gh[i], seed * 11 + i,
                              add(t, KT_FAM_GITHUB, gh_kind[i], KT_CRED_CHECKSUM_OK, 4)->value);
        }
    }
    /* The published example token from the GitHub format write-up (checksum verified). */
    set_value(add(t, KT_FAM_GITHUB, "ghp", KT_CRED_CHECKSUM_OK, 4),
              "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");
    for (uint64_t seed = 1; seed <= 3; seed++) {
        tc_checksum_token("npm_", seed, add(t, KT_FAM_NPM, "npm", KT_CRED_CHECKSUM_OK, 4)->value);
    }
    {
        char a[32], b[64];
        tc_token("", B62, 22, 5, a);
        tc_token("", B62, 59, 6, b);
        snprintf(add(t, KT_FAM_GITHUB, "github_pat", 0, 11)->value, 400, "github_pat_%s_%s", a, b);
    }
    tc_token("glpat-", ALNUM_US_DASH, 20, 7, add(t, KT_FAM_GITLAB, "glpat", 0, 6)->value);
    {
        /* A routable token: longer, with dots. */
        char a[64], b[64];
        tc_token("", B62, 40, 8, a);
        tc_token("", B62, 27, 9, b);
        snprintf(add(t, KT_FAM_GITLAB, "glpat", 0, 6)->value, 400, "glpat-%s.01.%s", a, b);
    }
    tc_token("sk_live_", B62, 24, 10, add(t, KT_FAM_STRIPE, "sk_live", 0, 8)->value);
    tc_token("sk_live_", B62, 99, 11, add(t, KT_FAM_STRIPE, "sk_live", 0, 8)->value);
    tc_token("rk_live_", B62, 99, 12, add(t, KT_FAM_STRIPE, "rk_live", 0, 8)->value);
    tc_token("pk_live_", B62, 99, 13,
             add(t, KT_FAM_STRIPE, "pk_live", KT_CRED_PUBLISHABLE, 8)->value);
    tc_token("sk_test_", B62, 24, 14, add(t, KT_FAM_STRIPE, "sk_test", KT_CRED_TEST, 8)->value);
    tc_token("rk_test_", B62, 247, 15, add(t, KT_FAM_STRIPE, "rk_test", KT_CRED_TEST, 8)->value);
    tc_token("pk_test_", B62, 30, 16,
             add(t, KT_FAM_STRIPE, "pk_test", KT_CRED_TEST | KT_CRED_PUBLISHABLE, 8)->value);
    static const char *const slack[] = {"xoxb-", "xoxp-",      "xoxa-",      "xoxr-", "xoxs-",
                                        "xapp-", "xoxe.xoxp-", "xoxe.xoxb-", "xoxe-"};
    static const char *const slack_kind[] = {"xoxb", "xoxp",      "xoxa",      "xoxr", "xoxs",
                                             "xapp", "xoxe.xoxp", "xoxe.xoxb", "xoxe"};
    for (size_t i = 0; i < KT_ARRAY_LEN(slack); i++) {
        char a[16], b[16], c[40];
        tc_token("", "0123456789", 12, 20 + i, a);
        tc_token("", "0123456789", 13, 30 + i, b);
        tc_token("", B62, 24, 40 + i, c);
        snprintf(add(t, KT_FAM_SLACK, slack_kind[i], 0, strlen(slack[i]))->value, 400, "%s%s-%s-%s",
                 slack[i], a, b, c);
    }
    tc_token("AIza", ALNUM_US_DASH, 35, 50, add(t, KT_FAM_GOOGLE, "AIza", 0, 4)->value);
    tc_token("sk-proj-", ALNUM_US_DASH, 156, 51, add(t, KT_FAM_OPENAI, "sk-proj", 0, 8)->value);
    tc_token("sk-svcacct-", ALNUM_US_DASH, 120, 52,
             add(t, KT_FAM_OPENAI, "sk-svcacct", 0, 11)->value);
    tc_token("sk-admin-", ALNUM_US_DASH, 120, 53, add(t, KT_FAM_OPENAI, "sk-admin", 0, 9)->value);
    {
        char a[24], b[24];
        tc_token("", B62, 20, 54, a);
        tc_token("", B62, 20, 55, b);
        snprintf(add(t, KT_FAM_OPENAI, "sk", 0, 3)->value, 400, "sk-%sT3BlbkFJ%s", a, b);
    }
    {
        char a[100];
        tc_token("", ALNUM_US_DASH, 93, 56, a);
        snprintf(add(t, KT_FAM_ANTHROPIC, "sk-ant", 0, 7)->value, 400, "sk-ant-api03-%sAA", a);
    }
    {
        char a[24], b[48];
        tc_token("", ALNUM_US_DASH, 22, 57, a);
        tc_token("", ALNUM_US_DASH, 43, 58, b);
        snprintf(add(t, KT_FAM_SENDGRID, "SG", 0, 3)->value, 400, "SG.%s.%s", a, b);
    }
    tc_token("SK", HEXL, 32, 59, add(t, KT_FAM_TWILIO, "SK", 0, 2)->value);
    tc_token("AC", HEXL, 32, 60, add(t, KT_FAM_TWILIO, "AC", 0, 2)->value);
    tc_token("AC", "0123456789ABCDEF", 32, 61, add(t, KT_FAM_TWILIO, "AC", 0, 2)->value);
    tc_token("AKIA", B32, 16, 62, add(t, KT_FAM_AWS, "AKIA", 0, 20)->value);
    tc_token("ASIA", B32, 16, 63, add(t, KT_FAM_AWS, "ASIA", KT_CRED_TEMPORARY, 20)->value);
}

/* Look-alikes: right prefix, wrong checksum, length or alphabet. Those that still look random
 * are generic tokens; the rest are nothing. */
static void build_lookalikes(struct fam_table *t)
{
    struct fam_case *c;
    /* GitHub with every checksum character changed in turn. */
    for (size_t pos = 30; pos < 36; pos++) {
        c = add(t, KT_FAM_GENERIC, "token", 0, 0);
        tc_checksum_token("ghp_", 99, c->value);
        c->value[4 + pos] = c->value[4 + pos] == 'x' ? 'y' : 'x';
    }
    /* A random-character swap breaks the checksum too. */
    c = add(t, KT_FAM_GENERIC, "token", 0, 0);
    tc_checksum_token("gho_", 98, c->value);
    c->value[5] = c->value[5] == 'Q' ? 'R' : 'Q';
    c = add(t, KT_FAM_GENERIC, "token", 0, 0);
    tc_checksum_token("npm_", 97, c->value);
    c->value[10] = c->value[10] == 'Q' ? 'R' : 'Q';
    /* Right checksum, wrong length. */
    c = add(t, KT_FAM_GENERIC, "token", 0, 0);
    tc_checksum_token("ghp_", 96, c->value);
    c->value[40] = 'A';
    c->value[41] = '\0';
    /* Unknown GitHub-like prefix with a valid checksum body. */
    tc_checksum_token("ghx_", 95, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    /* Upper-cased prefix. */
    tc_checksum_token("GHP_", 94, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    /* Low-entropy bodies: neither family nor generic. */
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "ghp_");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "ghp_short");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "xoxb-");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "xoxb-12345");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "sk_live_");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "AIza");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "SG.");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "sk-");
    /* github_pat_ with the separator misplaced. */
    {
        char a[32], b[64];
        tc_token("", B62, 21, 5, a);
        tc_token("", B62, 60, 6, b);
        snprintf(add(t, KT_FAM_GENERIC, "token", 0, 0)->value, 400, "github_pat_%s_%s", a, b);
    }
    /* Stripe body one short, and with a symbol. */
    tc_token("sk_live_", B62, 23, 70, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    {
        c = add(t, KT_FAM_GENERIC, "token", 0, 0);
        tc_token("sk_live_", B62, 30, 71, c->value);
        c->value[12] = '-';
    }
    /* Google: 34 and 36 characters. */
    tc_token("AIza", B62, 34, 72, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    tc_token("AIza", B62, 36, 73, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    /* OpenAI legacy without the marker. */
    tc_token("sk-", B62, 48, 74, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    /* SendGrid with the dot in the wrong place, and one character short. */
    {
        char a[24], b[48];
        tc_token("", B62, 21, 75, a);
        tc_token("", B62, 44, 76, b);
        snprintf(add(t, KT_FAM_GENERIC, "token", 0, 0)->value, 400, "SG.%s.%s", a, b);
        tc_token("", B62, 22, 77, a);
        tc_token("", B62, 42, 78, b);
        snprintf(add(t, KT_FAM_GENERIC, "token", 0, 0)->value, 400, "SG.%s.%s", a, b);
    }
    /* Twilio with upper-case hex (SK must be lower case), and 31 digits. */
    tc_token("SK", "0123456789ABCDEF", 32, 79, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    tc_token("SK", HEXL, 31, 80, add(t, KT_FAM_GENERIC, "token", 0, 0)->value);
    /* AWS: a non-base32 character is fine for a provider-logged id, and (being unambiguous in a
     * token field too) AKIA + 16 of [A-Z0-9] is still AWS; a lower-case one is not. */
    set_value(add(t, KT_FAM_AWS, "AKIA", 0, 20), "AKIATFQR7NSC8Q4X20BJ");
    set_value(add(t, KT_FAM_GENERIC, "token", 0, 0), "AKIAtfqr7nsc8q4x20bj");
    /* Slack with an illegal character. */
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "xoxb-1234!5678-abcdefghij");
    /* Placeholders. */
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "YOUR_API_KEY_HERE");
    set_value(add(t, KT_FAM_NONE, NULL, 0, 0), "undefined");
}

static void check_row(const struct fam_case *c)
{
    struct kt_cred cred;
    bool ok = tc_recognise(KT_CAND_TOKEN, c->value, &cred);
    if (ok != (c->fam != KT_FAM_NONE) || (ok && cred.family != c->fam)) {
        fail_msg("%s: got ok=%d family=%s, want family=%s", c->value, ok,
                 kt_family_name(cred.family), kt_family_name(c->fam));
    }
    if (!ok) {
        assert_int_equal(cred.family, KT_FAM_NONE);
        assert_string_equal(cred.hint, "");
        return;
    }
    if (c->kind != NULL) {
        assert_string_equal(cred.kind, c->kind);
    }
    assert_int_equal(cred.flags, c->flags);
    assert_true(kt_keyid_eq(&cred.key, &cred.token));
    if (c->fam == KT_FAM_AWS) {
        assert_string_equal(cred.hint, c->value);
        struct kt_keyid want;
        struct kt_str v = kt_str_cstr(c->value);
        assert_true(kt_cred_keyid_derive("aws", &v, 1, &want));
        assert_true(kt_keyid_eq(&cred.key, &want));
        return;
    }
    /* Hint: the visible prefix, "…", the last four characters. */
    size_t n = strlen(c->value);
    char want[KT_HINT_MAX];
    snprintf(want, sizeof(want), "%.*s" KT_ELLIPSIS "%s", (int)c->visible, c->value,
             c->value + n - 4);
    assert_string_equal(cred.hint, want);
    tc_assert_no_token(&cred, c->value, c->visible);
    /* Keyed as an opaque secret. */
    struct kt_keyid secret;
    assert_true(kt_cred_keyid_secret(kt_str_cstr(c->value), &secret));
    assert_true(kt_keyid_eq(&cred.key, &secret));
}

static void test_valid_tokens(void **state)
{
    (void)state;
    static struct fam_table t;
    t.n = 0;
    build_valid(&t);
    assert_true(t.n >= 40);
    for (size_t i = 0; i < t.n; i++) {
        check_row(&t.rows[i]);
    }
}

static void test_lookalikes(void **state)
{
    (void)state;
    static struct fam_table t;
    t.n = 0;
    build_lookalikes(&t);
    assert_true(t.n >= 30);
    for (size_t i = 0; i < t.n; i++) {
        check_row(&t.rows[i]);
    }
}

/* Every valid token with a character cut off either end is not that family any more. */
static void test_truncated_tokens(void **state)
{
    (void)state;
    static struct fam_table t;
    t.n = 0;
    build_valid(&t);
    for (size_t i = 0; i < t.n; i++) {
        const struct fam_case *c = &t.rows[i];
        size_t n = strlen(c->value);
        if (c->fam == KT_FAM_STRIPE || c->fam == KT_FAM_SLACK || c->fam == KT_FAM_GITLAB ||
            c->fam == KT_FAM_OPENAI || c->fam == KT_FAM_ANTHROPIC) {
            continue; /* variable-length families: a shorter token can still be valid */
        }
        struct kt_cred cred;
        char buf[400];
        memcpy(buf, c->value, n - 1);
        buf[n - 1] = '\0';
        if (tc_recognise(KT_CAND_TOKEN, buf, &cred)) {
            assert_int_not_equal(cred.family, c->fam);
        }
        /* A cut inside the prefix is never the family either. */
        for (size_t cut = 0; cut < n && cut < 6; cut++) {
            if (tc_recognise(KT_CAND_TOKEN, c->value + cut + 1, &cred)) {
                assert_int_not_equal(cred.family, c->fam);
            }
        }
    }
}

/* The embedded CRC32 catches every single-character change of the 30 random characters. */
static void test_github_checksum_every_position(void **state)
{
    (void)state;
    char tok[48];
    for (uint64_t seed = 1; seed <= 20; seed++) {
        tc_checksum_token("ghs_", seed, tok);
        struct kt_cred cred;
        assert_true(tc_recognise(KT_CAND_TOKEN, tok, &cred));
        assert_int_equal(cred.family, KT_FAM_GITHUB);
        for (size_t pos = 4; pos < 40; pos++) {
            char saved = tok[pos];
            tok[pos] = saved == '7' ? '8' : '7';
            bool ok = tc_recognise(KT_CAND_TOKEN, tok, &cred);
            assert_true(!ok || cred.family != KT_FAM_GITHUB);
            tok[pos] = saved;
        }
    }
}

static void test_aws_account_vectors(void **state)
{
    (void)state;
    /* Values from the Python decoding: base32 → first 6 bytes → (z & 0x7fffffffff80) >> 7. */
    static const struct {
        const char *id;
        const char *account;
        uint32_t flags;
    } rows[] = {
        {"ASIAY34FZKBOKMUTVV7A", "609629065308", KT_CRED_TEMPORARY},
        {"AKIA6RVFFB77RE7OLMKI", "999999999999", 0},
        {"AKIAIOSFODNN7EXAMPLE", "", 0}, /* old generation */
        {"ASIAQNZGKIQY56JQ7WML", "029608264753", KT_CRED_TEMPORARY},
        {"AKIA2E3MMRZRDV5QOYGA", "697622629986", 0}, /* 5th char a digit: value 26 >= 16 */
        {"AKIAQAAAAAAAAAAAAAAA", "000000000000", 0},
        {"AKIAPAAAAAAAAAAAAAAA", "", 0}, /* 'P' = 15: old generation */
        {"AKIA7777777777777777", "", 0}, /* 13 digits: not an account id */
        {"AKIATFQR7NSC8Q4X20BJ", "", 0}, /* not base32: unknown */
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred cred;
        assert_true(tc_recognise(KT_CAND_AWS_KEY_ID, rows[i].id, &cred));
        assert_int_equal(cred.family, KT_FAM_AWS);
        assert_string_equal(cred.account, rows[i].account);
        assert_int_equal(cred.flags, rows[i].flags);
        assert_string_equal(cred.hint, rows[i].id);
        assert_memory_equal(cred.kind, rows[i].id, 4);
    }
}

static void test_aws_key_id_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "AKIA",
        "AKIAIOSFODNN7EXAMPL",   /* 19 */
        "AKIAIOSFODNN7EXAMPLEX", /* 21 */
        "AIDAIOSFODNN7EXAMPLE",  /* an IAM user id, not an access key */
        "AROAIOSFODNN7EXAMPLE",
        "akiaiosfodnn7example",
        "AKIA-MOCKACCESSKEYID",
        "AKIAIOSFODNN7EXAMPL\xc3",
        "ASIA153151351351351",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        struct kt_cred cred;
        assert_false(tc_recognise(KT_CAND_AWS_KEY_ID, bad[i], &cred));
    }
    /* Surrounding spaces are trimmed. */
    struct kt_cred cred;
    assert_true(tc_recognise(KT_CAND_AWS_KEY_ID, "  AKIAIOSFODNN7EXAMPLE\t", &cred));
    assert_string_equal(cred.hint, "AKIAIOSFODNN7EXAMPLE");
}

/*
 * Pinned key ids. Expected values computed independently:
 *   python3 -c "import hashlib
 *   def kid(d, x): return 'kt1-' + hashlib.sha256(b'keytrail-key-v1\0' + d + b'\0' + x)
 *                                      .hexdigest()[:24]
 *   sec = lambda t: kid(b'secret', hashlib.sha256(t).digest())
 *   print(sec(b'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'), kid(b'aws', b'ASIAY34FZKBOKMUTVV7A'))"
 * Any change to the derivation breaks these, which is the point: key ids are stored in state
 * files and alerts.
 */
static void test_keyid_pinned(void **state)
{
    (void)state;
    static const struct {
        enum kt_cand_kind kind;
        const char *value;
        const char *keyid;
    } rows[] = {
        {KT_CAND_TOKEN, "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", "kt1-4c7239251fbcef6c24d7b6c8"},
        {KT_CAND_AWS_KEY_ID, "ASIAY34FZKBOKMUTVV7A", "kt1-d859e1ce54da4c3cfc16657f"},
        {KT_CAND_AWS_KEY_ID, "AKIATFQR7NSC8Q4X20BJ", "kt1-a8d4195a82a637e5fbd16e64"},
        {KT_CAND_TOKEN, "sk_test_FAKEfake0123456789ABCDEFabcdef", "kt1-93657127e79f6e8fc26b6cde"},
        {KT_CAND_TOKEN, "xoxb-000000000000-0000000000000-FAKEfakeFAKEfakeFAKEfake",
         "kt1-5f0bcf6748506864955871ba"},
        {KT_CAND_BASIC_USER, "user", "kt1-169a36f8726cdf711bb70578"},
        {KT_CAND_BASIC_USER, "alice@example.com", "kt1-1493ca5e19188428217fb54e"},
        {KT_CAND_EXPLICIT, "abc", "kt1-6572bc471fee6fdff82e94e0"},
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_cred cred;
        assert_true(tc_recognise(rows[i].kind, rows[i].value, &cred));
        assert_string_equal(tc_keyid(&cred.key, 0), rows[i].keyid);
    }
}

/* Long inputs take another hashing path (streamed rather than one buffer); the result must not
 * depend on it. 490 bytes of user name is the largest one-buffer input for DOMAIN "basic".
 *   python3 -c "import hashlib; print(hashlib.sha256(b'keytrail-key-v1\0basic\0' + b'u' * 491)
 *               .hexdigest()[:24])" */
static void test_keyid_long_inputs(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        const char *keyid;
    } rows[] = {
        { 400, "kt1-432574463e2fdcdc92c907f1" },
        { 490, "kt1-495872aaa5a2f1ff47b5b77f" },
        { 491, "kt1-02837c22db8cdf2156674ef6" },
        { 600, "kt1-af3d0ed7339a237c9be96291" },
    };
    char name[601];
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        memset(name, 'u', rows[i].len);
        name[rows[i].len] = '\0';
        struct kt_cred c;
        assert_true(tc_recognise(KT_CAND_BASIC_USER, name, &c));
        assert_int_equal(c.family, KT_FAM_BASIC);
        assert_string_equal(tc_keyid(&c.key, 0), rows[i].keyid);
    }
}

static void test_keyid_format_parse(void **state)
{
    (void)state;
    struct kt_keyid id;
    for (int i = 0; i < KT_KEYID_BYTES; i++) {
        id.b[i] = (uint8_t)(i * 37 + 5);
    }
    char s[KT_KEYID_STRLEN + 1];
    kt_keyid_format(&id, s);
    assert_int_equal(strlen(s), KT_KEYID_STRLEN);
    assert_string_equal(s, "kt1-052a4f7499bee3082d52779c");
    struct kt_keyid back;
    assert_true(kt_keyid_parse(kt_str_cstr(s), &back));
    assert_true(kt_keyid_eq(&id, &back));
    /* Upper-case hex is accepted. */
    assert_true(kt_keyid_parse(KT_STR_LIT("kt1-052A4F7499BEE3082D52779C"), &back));
    assert_true(kt_keyid_eq(&id, &back));
    static const char *const bad[] = {
        "",
        "kt1-",
        "kt1-052a4f74999ee3082d52779",   /* short */
        "kt1-052a4f74999ee3082d5277977", /* long */
        "kt2-052a4f74999ee3082d527797",
        "KT1-052a4f74999ee3082d527797",
        "kt1-052a4f74999ee3082d52779g",
        "kt1 052a4f74999ee3082d527797",
        "kt1-052a4f74999ee3082d52779 ",
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(bad); i++) {
        struct kt_keyid untouched = id;
        assert_false(kt_keyid_parse(kt_str_cstr(bad[i]), &untouched));
        assert_true(kt_keyid_eq(&untouched, &id));
    }
}

static void test_family_names(void **state)
{
    (void)state;
    static const char *const names[KT_FAM__COUNT] = {
        "none",   "jwt", "aws",      "github", "gitlab", "stripe",  "slack",     "google",
        "openai", "npm", "sendgrid", "twilio", "basic",  "generic", "anthropic",
    };
    for (int f = 0; f < KT_FAM__COUNT; f++) {
        assert_string_equal(kt_family_name((enum kt_family)f), names[f]);
        assert_int_equal(kt_family_from_name(kt_str_cstr(names[f])), f);
    }
    assert_string_equal(kt_family_name(KT_FAM__COUNT), "none");
    assert_string_equal(kt_family_name((enum kt_family) - 1), "none");
    assert_int_equal(kt_family_from_name(KT_STR_LIT("GitHub")), KT_FAM_GITHUB);
    assert_int_equal(kt_family_from_name(KT_STR_LIT("gith")), KT_FAM_NONE);
    assert_int_equal(kt_family_from_name(KT_STR_LIT("")), KT_FAM_NONE);
    assert_int_equal(kt_family_from_name(KT_STR_NULL), KT_FAM_NONE);
}

static void test_entropy(void **state)
{
    (void)state;
    assert_float_equal(kt_entropy_bits(KT_STR_NULL), 0.0, 1e-12);
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("aaaa")), 0.0, 1e-12);
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("ab")), 1.0, 1e-12);
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("abcd")), 2.0, 1e-12);
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("aabb")), 1.0, 1e-12);
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("aaab")), 0.8112781244591328, 1e-12);
    char all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (char)i;
    }
    assert_float_equal(kt_entropy_bits(kt_str_make(all, 256)), 8.0, 1e-12);
    /* Values checked against Python's collections.Counter computation. */
    assert_float_equal(kt_entropy_bits(KT_STR_LIT("f47ac10b-58cc-4372-a567-0e02b2c3d479")), 3.885,
                       0.001);
}

static void test_generic_rules(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        bool normal, weak;
    } rows[] = {
        /* random-looking */
        {"f47ac10b-58cc-4372-a567-0e02b2c3d479", true, true},  /* UUID, 3.89 bits */
        {"550e8400-e29b-41d4-a716-446655440000", true, false}, /* UUID, 3.39 bits */
        {"Zm9vYmFyYmF6cXV4cXV1eA==", true, true},
        {"7f3k9Qx2Lm8Rt4Vw", true, false}, /* 16: too short for weak */
        {"7f3k9Qx2Lm8Rt4Vw1b2c", true, true},
        {"0123456789abcdef0123", true, true},
        {"d41d8cd98f00b204e9800998ecf8427e", true, false}, /* hex, 3.39 bits */
        {"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6/+=~._-", true, true},
        /* not tokens */
        {"", false, false},
        {"undefined", false, false},
        {"null", false, false},
        {"Bearer", false, false},
        {"deadbeef", false, false},
        {"17305560001234567890", false, false},    /* number */
        {"1730556000.123456", false, false},       /* timestamp */
        {"2026-11-02T14:00:00Z", false, false},    /* ':' */
        {"2026-11-02T14.00.00", false, false},     /* low entropy */
        {"alice.smith@example.com", false, false}, /* '@' */
        {"/usr/local/bin/keytrail", false, false}, /* path */
        {"../../../../etc/passwd", false, false},
        {"images//logo/banner.png", false, false},
        {"static.cdn.example.com", false, false}, /* words */
        {"NOT-A-REAL-TOKEN-VALUE", false, false},
        {"change_me_please_now", false, false},
        {"getUserAccountSettings", false, false},
        {"Authorization-Header-Value", false, false},
        {"api-v2-endpoint-config", false, false},
        {"aaaaaaaaaaaaaaaaaaaaaaaa", false, false},
        {"abababababababababababab", false, false},
        {"ABCDEFGHIJKLMNOPQRSTUVWX", false, false}, /* one class */
        {"abcdefghijklmnopqrstuvwx", false, false},
        {"has space in the middle1", false, false},
        {"tab\there0123456789ABCDEF", false, false},
        {"caf\xc3\xa9"
         "0123456789ABCDEFabcdef",
         false, false}, /* non-ASCII */
    };
    for (size_t i = 0; i < KT_ARRAY_LEN(rows); i++) {
        struct kt_str s = kt_str_cstr(rows[i].value);
        if (kt_cred_generic_ok(s, KT_GENERIC_NORMAL) != rows[i].normal ||
            kt_cred_generic_ok(s, KT_GENERIC_WEAK) != rows[i].weak) {
            fail_msg("generic rule wrong for row %zu", i);
        }
        /* Through recognise(): TOKEN uses the normal rule, TOKEN_WEAK the weak one. */
        struct kt_cred cred;
        assert_int_equal(tc_recognise(KT_CAND_TOKEN, rows[i].value, &cred), rows[i].normal);
        assert_int_equal(tc_recognise(KT_CAND_TOKEN_WEAK, rows[i].value, &cred), rows[i].weak);
        if (rows[i].weak) {
            assert_int_equal(cred.family, KT_FAM_GENERIC);
            assert_string_equal(cred.kind, "token");
        }
    }
    /* An embedded NUL is not a token character. */
    assert_false(kt_cred_generic_ok(kt_str_make("7f3k9Qx2\0m8Rt4Vw1b2c", 20), KT_GENERIC_NORMAL));
    /* Length bounds: 4096 accepted, 4097 not. */
    char *big = malloc(4098);
    assert_non_null(big);
    uint64_t st = 42;
    tc_random_base62(&st, big, 4097);
    big[4097] = '\0';
    assert_false(kt_cred_generic_ok(kt_str_make(big, 4097), KT_GENERIC_NORMAL));
    assert_true(kt_cred_generic_ok(kt_str_make(big, 4096), KT_GENERIC_NORMAL));
    free(big);
}

static void test_generic_hint(void **state)
{
    (void)state;
    struct kt_cred cred;
    assert_true(tc_recognise(KT_CAND_TOKEN, "7f3k9Qx2Lm8Rt4Vw1b2c", &cred));
    assert_string_equal(cred.hint, KT_ELLIPSIS "1b2c");
    tc_assert_no_token(&cred, "7f3k9Qx2Lm8Rt4Vw1b2c", 0);
    /* Explicit values shorter than 8 show nothing of themselves. */
    assert_true(tc_recognise(KT_CAND_EXPLICIT, "abc1234", &cred));
    assert_string_equal(cred.hint, KT_ELLIPSIS);
    assert_true(tc_recognise(KT_CAND_EXPLICIT, "abcd1234", &cred));
    assert_string_equal(cred.hint, KT_ELLIPSIS "1234");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_tokens),
        cmocka_unit_test(test_lookalikes),
        cmocka_unit_test(test_truncated_tokens),
        cmocka_unit_test(test_github_checksum_every_position),
        cmocka_unit_test(test_aws_account_vectors),
        cmocka_unit_test(test_aws_key_id_rejects),
        cmocka_unit_test(test_keyid_pinned),
        cmocka_unit_test(test_keyid_long_inputs),
        cmocka_unit_test(test_keyid_format_parse),
        cmocka_unit_test(test_family_names),
        cmocka_unit_test(test_entropy),
        cmocka_unit_test(test_generic_rules),
        cmocka_unit_test(test_generic_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
