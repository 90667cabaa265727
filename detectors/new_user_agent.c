/*
 * new_user_agent: a client the key has never been used with. A new version of a known client
 * (git/2.47 after git/2.46, a browser update) is not news. A scripting client the key never
 * used (curl, python-requests, Go-http-client) is what a thief testing a found key looks like;
 * attack, simulation and secret-scanning tooling (TruffleHog, nuclei, sqlmap, Stratus Red Team,
 * aws-cli on Kali or Parrot) is worse.
 */
#include <keytrail/detector.h>

#include <stdio.h>

enum { K_SCORE_ATTACK, K_SCORE_SCRIPT, K_SCORE_OTHER };

static const struct kt_knob knobs[] = {
    [K_SCORE_ATTACK] = { "score_attack_tool", 75, "score of attack or scanning tooling" },
    [K_SCORE_SCRIPT] = { "score_scripting", 45, "score of a scripting client new to the key" },
    [K_SCORE_OTHER] = { "score_other", 10, "score of any other new client" },
};

/* Substrings (case-insensitive) that mark attack and secret-scanning tools. */
static const char *const attack_markers[] = {
    "trufflehog", "gitleaks", "nuclei", "sqlmap", "nmap", "masscan", "zgrab", "nikto",
    "kali", "parrot", "pacu", "scoutsuite", "prowler", "cloudfox", "gobuster", "ffuf",
    "dirbuster", "hydra", "metasploit", "burp", "stratus-red-team", "stratus red team",
};

/* Product tokens of scripting and HTTP-library clients. */
static const char *const scripting[] = {
    "curl", "wget", "python-requests", "python-urllib", "python-httpx", "aiohttp",
    "go-http-client", "okhttp", "axios", "node-fetch", "undici", "java", "apache-httpclient",
    "libwww-perl", "ruby", "php", "postmanruntime", "insomnia", "httpie", "powershell",
    "aws-cli", "boto3", "botocore", "gh", "octokit", "pygithub",
};

static bool contains_nocase(struct kt_str hay, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= hay.len; i++) {
        if (kt_str_eq_nocase(kt_str_make(hay.ptr + i, n), kt_str_make(needle, n))) {
            return true;
        }
    }
    return false;
}

/* The product name without its version: "python-requests/2.32.3" -> "python-requests". */
static struct kt_str product(struct kt_str name)
{
    size_t n = 0;
    while (n < name.len && name.ptr[n] != '/' && name.ptr[n] != ' ') {
        n++;
    }
    return kt_str_make(name.ptr, n);
}

static bool known_product(const struct kt_baseline *b, struct kt_str prod)
{
    for (size_t i = 0; i < KT_BL_AGENTS; i++) {
        if (b->agents[i].id == 0) {
            continue;
        }
        struct kt_str known = kt_str_make(b->agents[i].name,
                                          strnlen(b->agents[i].name, KT_BL_AGENT_NAME));
        if (kt_str_eq_nocase(product(known), prod)) {
            return true;
        }
    }
    return false;
}

static void check(const struct kt_det_input *in, kt_emit_fn emit, void *ctx)
{
    const struct kt_baseline *b = in->base;
    struct kt_str ua = in->ev->user_agent;
    if (ua.len == 0 || in->usual_client) {
        return;
    }
    char name[64];
    kt_fmt_agent_name(ua, name, sizeof(name));
    struct kt_str prod = product(kt_str_cstr(name));
    const char *marker = NULL;
    for (size_t i = 0; i < KT_ARRAY_LEN(attack_markers) && marker == NULL; i++) {
        if (contains_nocase(ua, attack_markers[i])) {
            marker = attack_markers[i];
        }
    }
    bool attack = marker != NULL;
    if (!attack && known_product(b, prod)) {
        return; /* a new version of a client the key already uses */
    }
    bool script = false;
    for (size_t i = 0; i < KT_ARRAY_LEN(scripting) && !script; i++) {
        script = kt_str_eq_nocase(prod, kt_str_cstr(scripting[i]));
    }
    enum kt_severity sev = attack ? KT_SEV_HIGH : script ? KT_SEV_MEDIUM : KT_SEV_LOW;
    int score = (int)in->knobs[attack ? K_SCORE_ATTACK : script ? K_SCORE_SCRIPT : K_SCORE_OTHER];
    struct kt_finding f;
    kt_finding_start(&f, in, "new_user_agent", sev, score, "%.*s%s%s", (int)prod.len, prod.ptr,
                     attack ? "+" : "", attack ? marker : "");
    char agents[128], what[64] = "";
    kt_fmt_agents(b, 3, agents, sizeof(agents));
    if (attack) {
        snprintf(what, sizeof(what), " (attack or secret-scanning tooling: %s)", marker);
    } else if (script) {
        snprintf(what, sizeof(what), " (a scripting client)");
    }
    kt_finding_reason(&f, "first use with %s%s; the key was used with %s", name, what, agents);
    emit(ctx, &f);
}

const struct kt_detector kt_det_new_user_agent = {
    .name = "new_user_agent",
    .summary = "a client the key never used, especially scripting and attack tooling",
    .severity = KT_SEV_HIGH,
    .aspect = KT_ASPECT_HOW,
    .needs_maturity = true,
    .needs_geo = false,
    .knobs = knobs,
    .n_knobs = KT_DET_N_KNOBS(knobs),
    .check = check,
};
