/*
 * The terminal summary of `keytrail hunt`, printed from the report model (hunt_model.h) so it
 * says what the report says: a box per key with the verdict, the other party, the first
 * suspicious use and the leak time; the other party's operations in order; the chain; the next
 * steps; and one closing line. Plain ASCII, 100 columns at most for the fixed parts.
 */
#include "hunt_summary.h"

#include "hunt.h"

#include <inttypes.h>
#include <string.h>

#define OPS_SHOWN 40

static const char *jget(struct json_object *o, const char *k)
{
    struct json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, k, &v) || v == NULL) {
        return NULL;
    }
    return json_object_get_string(v);
}

static struct json_object *jobj(struct json_object *o, const char *k)
{
    struct json_object *v;
    return o != NULL && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static int64_t jint(struct json_object *o, const char *k)
{
    struct json_object *v = jobj(o, k);
    return v != NULL ? json_object_get_int64(v) : 0;
}

static size_t jlen(struct json_object *a)
{
    return a != NULL && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static const char *or_dash(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : "-";
}

/* The strings of an array joined with ", " (at most max of them). */
static void joined(struct json_object *a, size_t max, char *out, size_t cap)
{
    out[0] = '\0';
    size_t n = jlen(a);
    for (size_t i = 0; i < n && i < max; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", i ? ", " : "",
                 json_object_get_string(json_object_array_get_idx(a, i)));
    }
    if (n > max) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, " (+%zu more)", n - max);
    }
    if (out[0] == '\0') {
        snprintf(out, cap, "none");
    }
}

static void print_key(FILE *out, struct json_object *k)
{
    const char *verdict = jget(k, "verdict");
    char upper[32];
    size_t i = 0;
    for (; verdict != NULL && verdict[i] != '\0' && i + 1 < sizeof(upper); i++) {
        upper[i] = (char)(verdict[i] >= 'a' && verdict[i] <= 'z' ? verdict[i] - 32 : verdict[i]);
    }
    upper[i] = '\0';
    struct json_object *found = jobj(k, "found");
    const char *how = jget(found, "how");
    fprintf(out, "+----------------------------------------------------------------------\n");
    fprintf(out, "| %s  %s  %s  used by someone else: %s\n", or_dash(jget(k, "hint")),
            or_dash(jget(k, "family")), or_dash(jget(k, "key")), upper);
    if (how != NULL && strcmp(how, "given") != 0) {
        fprintf(out, "| %s by %s with %s at %s\n", how, or_dash(jget(found, "from")),
                or_dash(jget(found, "operation")), or_dash(jget(found, "time")));
    }
    const char *actor = jget(k, "actor"), *account = jget(k, "account");
    if (actor != NULL) {
        fprintf(out, "| principal: %s%s%s\n", actor, account ? "  account " : "",
                account ? account : "");
    }
    fprintf(out, "| scan verdict: %s, risk %" PRId64 "\n", or_dash(jget(k, "scan_verdict")),
            jint(k, "risk"));
    struct json_object *reasons = jobj(k, "reasons");
    for (size_t r = 0; r < jlen(reasons); r++) {
        fprintf(out, "|   - %s\n", json_object_get_string(json_object_array_get_idx(reasons, r)));
    }
    struct json_object *leak = jobj(k, "leak");
    if (jget(leak, "time") != NULL) {
        fprintf(out, "| leak: %s (%s, %s confidence)\n", jget(leak, "time"),
                or_dash(jget(leak, "source")), or_dash(jget(leak, "confidence")));
    } else {
        fprintf(out, "| leak: not found (no --leaked-at, no change point)\n");
    }
    struct json_object *op = jobj(k, "other_party");
    char buf[1024];
    joined(jobj(op, "ips"), 8, buf, sizeof(buf));
    fprintf(out, "| other party addresses: %s\n", buf);
    joined(jobj(op, "networks"), 4, buf, sizeof(buf));
    fprintf(out, "| other party networks:  %s\n", buf);
    joined(jobj(op, "countries"), 8, buf, sizeof(buf));
    fprintf(out, "| other party countries: %s\n", buf);
    joined(jobj(op, "agents"), 4, buf, sizeof(buf));
    fprintf(out, "| other party agents:    %s\n", buf);
    struct json_object *fs = jobj(k, "first_suspicious");
    if (fs != NULL) {
        fprintf(out, "| first suspicious use: %s from %s, %s (%s)\n", or_dash(jget(fs, "time")),
                or_dash(jget(fs, "ip")), or_dash(jget(fs, "operation")),
                or_dash(jget(fs, "detector")));
    } else {
        fprintf(out, "| first suspicious use: none\n");
    }
    struct json_object *fo = jobj(k, "first_other_party");
    if (fo != NULL &&
        (fs == NULL || strcmp(or_dash(jget(fo, "time")), or_dash(jget(fs, "time"))) != 0)) {
        fprintf(out, "| first use by the other party: %s from %s, %s\n", or_dash(jget(fo, "time")),
                or_dash(jget(fo, "ip")), or_dash(jget(fo, "operation")));
    }
    struct json_object *uses = jobj(k, "uses");
    if (jget(leak, "time") != NULL) {
        fprintf(out,
                "| uses: %" PRId64 " (%" PRId64 " before the leak, %" PRId64 " after; %" PRId64
                " failed; %" PRId64 " the other party's)\n",
                jint(uses, "total"), jint(uses, "before"), jint(uses, "after"),
                jint(uses, "failed"), jint(uses, "other_party"));
    } else {
        fprintf(out, "| uses: %" PRId64 " (%" PRId64 " failed; %" PRId64 " the other party's)\n",
                jint(uses, "total"), jint(uses, "failed"), jint(uses, "other_party"));
    }
    fprintf(out, "+----------------------------------------------------------------------\n");
    struct json_object *ops = jobj(k, "operations");
    if (jlen(ops) > 0) {
        fprintf(out, "  operations of the other party, in order:\n");
        for (size_t o = 0; o < jlen(ops) && o < OPS_SHOWN; o++) {
            struct json_object *u = json_object_array_get_idx(ops, o);
            const char *err = jget(u, "error");
            const char *created = jget(u, "created_hint");
            fprintf(out, "    %-20s  %-15s %s%s%s%s%s\n", or_dash(jget(u, "time")),
                    or_dash(jget(u, "ip")), or_dash(jget(u, "operation")), err ? "  " : "",
                    err ? err : "", created ? "  -> created " : "", created ? created : "");
        }
        if (jlen(ops) > OPS_SHOWN) {
            fprintf(out, "    ... %zu more in the report\n", jlen(ops) - OPS_SHOWN);
        }
    }
    struct json_object *steps = jobj(k, "next_steps");
    if (jlen(steps) > 0) {
        fprintf(out, "  next steps:\n");
        for (size_t s = 0; s < jlen(steps); s++) {
            fprintf(out, "    %zu. %s\n", s + 1,
                    json_object_get_string(json_object_array_get_idx(steps, s)));
        }
    }
    fprintf(out, "\n");
}

/* A key the chain brought in that shows nothing: a CI key's hourly AssumeRole sessions would
 * bury the story, so such keys are counted here and listed in the report only. */
static bool quiet(struct json_object *k)
{
    const char *how = jget(jobj(k, "found"), "how");
    const char *v = jget(k, "verdict");
    return how != NULL && strcmp(how, "given") != 0 && v != NULL && strcmp(v, "no evidence") == 0;
}

static bool quiet_id(struct json_object *keys, const char *id)
{
    for (size_t i = 0; id != NULL && i < jlen(keys); i++) {
        struct json_object *k = json_object_array_get_idx(keys, i);
        const char *kid = jget(k, "key");
        if (kid != NULL && strcmp(kid, id) == 0) {
            return quiet(k);
        }
    }
    return false;
}

static void print_link(FILE *out, struct json_object *l)
{
    fprintf(out, "  %s --%s at %s from %s--> %s\n", or_dash(jget(l, "from_hint")),
            or_dash(jget(l, "how")), or_dash(jget(l, "time")), or_dash(jget(l, "ip")),
            or_dash(jget(l, "to_hint")));
}

#define LINKS_SHOWN 12

static size_t n_followed(struct json_object *keys)
{
    size_t n = 0;
    for (size_t i = 0; i < jlen(keys); i++) {
        const char *how = jget(jobj(json_object_array_get_idx(keys, i), "found"), "how");
        n += how != NULL && strcmp(how, "given") != 0;
    }
    return n;
}

static void print_chain(FILE *out, struct json_object *keys, struct json_object *chain)
{
    size_t n = jlen(chain), shown = 0;
    if (n == 0) {
        return;
    }
    fprintf(out, "chain:\n");
    /* The links to keys with evidence first, then the others while there is room. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n && shown < LINKS_SHOWN; i++) {
            struct json_object *l = json_object_array_get_idx(chain, i);
            if (quiet_id(keys, jget(l, "to")) == (pass == 0)) {
                continue;
            }
            print_link(out, l);
            shown++;
        }
    }
    if (n > shown) {
        fprintf(out, "  ... %zu more links in the report\n", n - shown);
    }
    fprintf(out, "\n");
}

void kt_hunt_summary_print(FILE *out, struct json_object *doc)
{
    struct json_object *keys = jobj(doc, "keys");
    size_t n_quiet = 0;
    for (size_t i = 0; i < jlen(keys); i++) {
        struct json_object *k = json_object_array_get_idx(keys, i);
        if (quiet(k)) {
            n_quiet++;
            continue;
        }
        print_key(out, k);
    }
    if (n_quiet > 0) {
        fprintf(out,
                "%zu key%s created or minted by the hunted keys show%s no evidence (each is "
                "in the report)\n\n",
                n_quiet, n_quiet == 1 ? "" : "s", n_quiet == 1 ? "s" : "");
    }
    struct json_object *chain = jobj(doc, "chain");
    print_chain(out, keys, chain);
    if (jint(doc, "keys_not_followed") > 0) {
        fprintf(out,
                "keytrail hunt: %" PRId64 " more created or minted keys were not followed "
                "(at most %d keys in one hunt)\n",
                jint(doc, "keys_not_followed"), KT_HUNT_MAX_KEYS);
    }
    size_t yes = 0, likely = 0, none = 0;
    for (size_t i = 0; i < jlen(keys); i++) {
        const char *v = jget(json_object_array_get_idx(keys, i), "verdict");
        if (v != NULL && strcmp(v, "yes") == 0) {
            yes++;
        } else if (v != NULL && strcmp(v, "likely") == 0) {
            likely++;
        } else {
            none++;
        }
    }
    fprintf(out,
            "keytrail hunt: %zu key%s hunted (%zu followed in the chain): %zu used by "
            "someone else, %zu likely, %zu no evidence\n",
            jlen(keys), jlen(keys) == 1 ? "" : "s", n_followed(keys), yes, likely, none);
}
