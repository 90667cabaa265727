/*
 * kt_hunt_render and kt_hunt_format_for_path (hunt_render.h): the choice of format by file
 * extension, and one error path for all three writers (a write error latches in the stream;
 * it is checked once at the end, after a flush).
 */
#include "hunt_render.h"

#include <string.h>
#include <strings.h>

#include "hunt_formats.h"

static const struct {
    const char *ext;
    enum kt_hunt_format fmt;
} extensions[] = {
    {".json", KT_HUNT_FMT_JSON}, {".md", KT_HUNT_FMT_MARKDOWN}, {".markdown", KT_HUNT_FMT_MARKDOWN},
    {".html", KT_HUNT_FMT_HTML}, {".htm", KT_HUNT_FMT_HTML},
};

bool kt_hunt_format_for_path(const char *path, enum kt_hunt_format *out)
{
    const char *dot = path != NULL ? strrchr(path, '.') : NULL;
    if (dot == NULL || strchr(dot, '/') != NULL) {
        return false;
    }
    for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
        if (strcasecmp(dot, extensions[i].ext) == 0) {
            *out = extensions[i].fmt;
            return true;
        }
    }
    return false;
}

enum kt_rc kt_hunt_render(struct json_object *doc, enum kt_hunt_format fmt, FILE *out,
                          struct kt_err *err)
{
    if (doc == NULL || out == NULL) {
        return kt_err_set(err, KT_EINVAL, "no model or no output for the hunt report");
    }
    switch (fmt) {
    case KT_HUNT_FMT_JSON: kt_hunt_write_json(doc, out); break;
    case KT_HUNT_FMT_MARKDOWN: kt_hunt_write_markdown(doc, out); break;
    case KT_HUNT_FMT_HTML: kt_hunt_write_html(doc, out); break;
    default: return kt_err_set(err, KT_EINVAL, "unknown hunt report format %d", (int)fmt);
    }
    if (fflush(out) != 0 || ferror(out)) {
        return kt_err_set(err, KT_EIO, "cannot write the report");
    }
    return KT_OK;
}
