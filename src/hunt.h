/*
 * `keytrail hunt`: the keys being hunted and what one pass over the logs learned about each.
 *
 * A hunt starts with the keys the responder gave (hunt_keys.c reads them) and grows as the
 * other party's credentials show up: an access key one of them created (CloudTrail
 * CreateAccessKey) or a session key minted from one (GetSessionToken, AssumeRole) is added and
 * hunted from then on, with the link kept for the chain (hunt_chain.c). The pipeline merges the
 * inputs in event time, so a key's uses come after its creation; a created key used earlier
 * (clocks, out-of-order evidence) is missed in that pass.
 *
 * Each event of a hunted key is observed once, judged by the detection engine as scan would,
 * and recorded as a struct kt_hunt_use (hunt_use.h) with its provenance; the text of the
 * identifiers goes to the hunt's string tables (redacted on entry). Memory: at most
 * KT_HUNT_MAX_KEYS keys, KT_HUNT_MAX_USES uses each and KT_HUNT_USES_TOTAL in all (later ones
 * are counted, not kept), and KT_HUNT_STR_MAX strings of at most 255 bytes a table.
 */
#ifndef KEYTRAIL_HUNT_H
#define KEYTRAIL_HUNT_H

#include <keytrail/credential.h>
#include <keytrail/event.h>
#include <keytrail/finding.h>

#include "engine.h"
#include "hunt_use.h"
#include "needles.h"
#include "observe.h"

#define KT_HUNT_MAX_KEYS 128
#define KT_HUNT_MAX_USES 200000
#define KT_HUNT_ENGINE_IDS 8 /* engine key ids one hunted key covers (an issuer's principals) */
#define KT_HUNT_USES_TOTAL 2000000 /* uses kept over all keys (about 200 MB) */
#define KT_HUNT_STR_MAX 16384
#define KT_HUNT_GRANT_MAX 512

/* One key to hunt, as the responder gave it (hunt_keys.c). Holds no secret bytes. */
struct kt_hunt_target {
    struct kt_keyid key;
    bool by_issuer; /* --jwt-iss: every JWT whose iss is iss */
    char iss[128];
    bool recognised; /* cred holds family, kind and hint of the value given */
    struct kt_cred cred;
    bool secret; /* given as a token: only its fingerprint is kept */
};

/* How a key came into the hunt. */
enum kt_hunt_how {
    KT_HUNT_GIVEN = 0, /* --key, --key-file, --jwt-iss */
    KT_HUNT_CREATED,   /* created by a hunted key (iam:CreateAccessKey) */
    KT_HUNT_MINTED,    /* session credentials issued to a hunted key (sts:GetSessionToken...) */
};

const char *kt_hunt_how_name(enum kt_hunt_how how); /* "given", "created", "minted" */

/* Where a use was read, and what only the event said (error, what it created or granted). */
struct kt_hunt_ref {
    uint64_t file_id; /* strtab files */
    uint64_t line;
    uint64_t error_id; /* strtab errors (0: none) */
    uint32_t note;     /* index into the key's notes, UINT32_MAX: none */
};

struct kt_hunt_note {
    size_t use;
    int created;                   /* index of the key it created or minted, -1: none */
    char grant[KT_HUNT_GRANT_MAX]; /* what it granted (policy document), redacted; "" none */
};

struct kt_hunt_key {
    struct kt_hunt_target target;
    bool seen; /* an event of it was read */
    enum kt_family family;
    char kind[24];
    char hint[KT_HINT_MAX];
    char account[16];
    char actor[96]; /* the principal the provider named, redacted */
    /* How it joined the hunt (KT_HUNT_GIVEN: from, found_* unset). */
    enum kt_hunt_how how;
    size_t from;
    int64_t found_ms;
    char found_op[80];
    char found_ip[48];
    struct kt_keyid ids[KT_HUNT_ENGINE_IDS]; /* the engine's keys of its events */
    size_t n_ids;
    /* Uses in time order (the pipeline's order), with their refs. */
    struct kt_hunt_use *uses;
    struct kt_hunt_ref *refs;
    size_t n_uses, cap_uses;
    uint64_t total; /* every use, kept or not */
    struct kt_hunt_note *notes;
    size_t n_notes;
    /* The first use a high or critical finding was raised at, and that finding. */
    size_t first_susp; /* SIZE_MAX: none */
    char susp_detector[32];
    char susp_reason[KT_FINDING_REASON];
};

/* A link of the chain: key from created or minted key to. */
struct kt_hunt_link {
    size_t from, to;
    enum kt_hunt_how how;
    char op[80];
    int64_t time_ms;
    char ip[48];
};

/* A table of identifier -> text (the text redacted when it enters). */
struct kt_hunt_strtab {
    uint64_t *ids;
    char **texts;
    size_t cap, n;
};

/* NULL when id is 0 or unknown. */
const char *kt_hunt_str(const struct kt_hunt_strtab *t, uint64_t id);
/* Keeps text for id unless id is 0, already known or the table is full; false on ENOMEM. */
bool kt_hunt_str_put(struct kt_hunt_strtab *t, uint64_t id, struct kt_str text);
void kt_hunt_strtab_fini(struct kt_hunt_strtab *t);

struct kt_hunt {
    struct kt_hunt_key keys[KT_HUNT_MAX_KEYS];
    size_t n_keys;
    struct kt_hunt_link links[KT_HUNT_MAX_KEYS];
    size_t n_links;
    uint64_t keys_refused; /* created keys not hunted: the table was full */
    size_t uses_kept;      /* over all keys, at most KT_HUNT_USES_TOTAL */
    struct kt_hunt_strtab ips, nets, clients, ops, endpoints, files, errors, asorgs, cities;
    struct kt_engine *engine; /* borrowed */
    struct kt_observer observer;
    struct kt_needles *needles; /* borrowed; created keys are added to it */
};

/* Initialises h for engine and observer (both borrowed). */
void kt_hunt_init(struct kt_hunt *h, struct kt_engine *engine, const struct kt_observer *obs,
                  struct kt_needles *needles);
void kt_hunt_fini(struct kt_hunt *h);

/* Forgets every use read (keys, links and identities stay): before a pass over the logs is
 * run again with the keys the last one found. */
void kt_hunt_reset_uses(struct kt_hunt *h);

/* Adds a key given by the responder. False when the table is full or it is there already. */
bool kt_hunt_add_target(struct kt_hunt *h, const struct kt_hunt_target *t);

/* The hunted key a credential belongs to, or -1. */
int kt_hunt_match(const struct kt_hunt *h, const struct kt_cred *c);

/*
 * One event from the pipeline: when it carries a hunted key, observes it, lets the engine judge
 * it, records the use, and follows what it created or minted. KT_OK or KT_ENOMEM.
 */
enum kt_rc kt_hunt_event(struct kt_hunt *h, const struct kt_event *ev);

/* ---- the chain (hunt_chain.c) ---- */

/*
 * Follows what the use of key `from` in ev created or minted: ev->created_key,
 * ev->minted_key. A key not hunted yet joins the hunt (its literal added to the needles) and a
 * link is recorded. Returns the index of the created key, or -1 when ev created none (or the
 * table is full: counted in keys_refused).
 */
int kt_hunt_chain_follow(struct kt_hunt *h, size_t from, const struct kt_event *ev);

/* The index of the key that started the chain key i is in (itself for a given key). */
size_t kt_hunt_chain_root(const struct kt_hunt *h, size_t i);

#endif
