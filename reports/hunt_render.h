/*
 * The incident report of `keytrail hunt`, rendered from its model: one json-c document whose
 * shape tests/fixtures/hunt_report.json shows (every member the hunt writes, with example
 * values). The model is built by the hunt (src/hunt_*.c); this file turns it into the formats
 * a responder attaches to a ticket, chosen by the output file's extension:
 *
 *   .json            the model itself, pretty-printed
 *   .md .markdown    Markdown
 *   .html .htm       one self-contained HTML file (inline CSS and SVG, no script, no fetch)
 *
 * Renderers write through a stdio stream the caller opened with kt_out_fopen, so every byte is
 * redacted on its way out; text from the logs (agents, resources, errors) is escaped for the
 * target format. Missing members render as "none"/"-": a model from an older or partial hunt
 * still renders.
 */
#ifndef KEYTRAIL_HUNT_RENDER_H
#define KEYTRAIL_HUNT_RENDER_H

#include <stdio.h>

#include <json-c/json.h>

#include <keytrail/credential.h>
#include <keytrail/error.h>

enum kt_hunt_format {
    KT_HUNT_FMT_JSON = 0,
    KT_HUNT_FMT_MARKDOWN,
    KT_HUNT_FMT_HTML,
};

/* The format for an output path by its extension (case-insensitive); false when none fits. */
bool kt_hunt_format_for_path(const char *path, enum kt_hunt_format *out);

/* Renders doc to out and flushes it. KT_EIO when writing fails, KT_EINVAL for a NULL doc or
 * out or an unknown fmt (err filled). */
enum kt_rc kt_hunt_render(struct json_object *doc, enum kt_hunt_format fmt, FILE *out,
                          struct kt_err *err);

/*
 * Adds the family's rotation guidance to a key's object as "guidance": where to rotate, the
 * steps, what to check next (see the fixture). The hunt calls it for every key it reports.
 * Replaces an existing "guidance". KT_OK, KT_ENOMEM, or KT_EINVAL when key is not an object.
 */
enum kt_rc kt_hunt_guidance_add(struct json_object *key, enum kt_family fam);

#endif
