/*
 * The redactor: the one function that decides which bytes of outgoing text are secret, and
 * what stands in their place.
 *
 * Every output channel (out.h) runs it over every byte it writes, and every free-text field
 * copied from a log (path, user agent, reason, agent names) runs it when it is copied, so a
 * call site that forgets cannot leak. It finds, wherever they stand and whatever touches them
 * ("ghs_..._old", "xghs_...", a JWT followed by ".x"), after undoing %XX escapes:
 *
 *  - tokens of every known family and JWTs (replaced by the family hint, "ghp_…Ab12");
 *  - secrets noted earlier in this run: every credential value the pipeline saw, remembered as
 *    keyed hashes of their first 12 bytes (never the bytes), so a bearer token that reappears in
 *    a path or user agent is found even though it has no recognisable shape;
 *  - this record's short secrets (a Basic password shorter than 12 bytes), held only until the
 *    record ends and wiped then;
 *  - high-entropy runs: maximal runs of non-word pieces between '/' and '=' that pass the
 *    generic token rules (16+ bytes, mixed classes, not words, entropy), except key ids
 *    ("kt1-" + 24 hex) and AWS access key ids, which outputs name keys by.
 *
 * Everything else is copied. Replacements never hold 12 consecutive bytes of the secret: a hint
 * keeps the family's public prefix and the last four characters.
 */
#ifndef KEYTRAIL_REDACT_H
#define KEYTRAIL_REDACT_H

#include <keytrail/credential.h>

/* The window secrets are remembered by, and the shortest secret remembered for the run. */
#define KT_REDACT_WINDOW 12
/* Shortest record secret looked for (shorter ones are not worth a false match). */
#define KT_REDACT_RECORD_MIN 6

/* A growable output buffer (owned by the caller; free buf when done). */
struct kt_rbuf {
    char *buf;
    size_t len, cap;
};

/*
 * Remembers a secret value seen in this run: its window hash for the rest of the run (when it
 * is at least KT_REDACT_WINDOW bytes) and, when shorter, a copy for this record only. Never
 * fails; a full table forgets its oldest entries.
 */
void kt_redact_note_secret(struct kt_str secret);

/* Notes the secret parts of a credential candidate: the value without its Authorization scheme,
 * and for Basic both the encoded value and the decoded password. Non-secret candidates (AWS key
 * ids, hashed_token, Basic user names) are ignored. */
void kt_redact_note_cand(const struct kt_cand *cand);

/* Ends the current record: its short secrets are wiped. */
void kt_redact_record_end(void);

/*
 * Copies text into out (cap > 0, always NUL-terminated) with every secret replaced; truncates
 * at a UTF-8 boundary when it does not fit. Returns the length written.
 */
size_t kt_redact_text(struct kt_str text, char *out, size_t cap);

/*
 * kt_redact_text() for names and arguments shown in messages (file names, option values): also
 * writes control bytes and invalid UTF-8 as \xHH, so a name cannot forge a line or reach the
 * terminal as an escape sequence.
 */
size_t kt_redact_name(struct kt_str text, char *out, size_t cap);

/* Only the tokens of known families (no JWTs, remembered secrets or entropy): for the
 * non-secret strings recognition itself shows (JWT claims, Basic user names), which name
 * principals and must stay readable, yet may hold a pasted token. */
size_t kt_redact_families(struct kt_str text, char *out, size_t cap);

/* Shorthand: kt_redact_name() of a C string into a caller's buffer; returns out. */
const char *kt_redact_name_cstr(const char *s, char *out, size_t cap);

/* Appends the redacted text to rb (growing it). Returns false when memory runs out (nothing
 * of text is appended then). */
bool kt_redact_append(struct kt_rbuf *rb, struct kt_str text);

/* Number of secrets remembered for the run, and forgetting them all (tests). */
size_t kt_redact_known(void);
void kt_redact_forget_all(void);

#endif
