/*
 * explain: what an error code means, rendered for a person.
 *
 * Input is an array of the entries la_explain() builds (analyze/explain.h: query, known,
 * space, note, code, number, spaces, names, meanings, collides, stage, family, causes,
 * ladder, collect); output is one of four forms, appended to a la_buf:
 *
 *   text      `loganalyze explain CODE...`: the opening, then every section, wrapped at a
 *             fixed width (88 columns unless opts->width says otherwise), entries separated
 *             by a rule
 *   markdown  `explain --format markdown`: the same content for a ticket or a comment,
 *             everything after the opening folded in a <details>
 *   html      the fragment `loganalyze serve` returns for /explain: the opening, then
 *             folded: meanings with their sources, stage, family, the five likeliest
 *             causes, the first step in full, the logs to collect
 *
 * Every form opens the same way, for someone who only saw "error 4013": one plain sentence
 * (what the code means and its most common cause) and the cheapest steps of the ladder in
 * short (SHORT_STEPS, each cut at its first ": " or ". "); the sources come after.
 *   json      {"schema": "loganalyze.explain/1", "codes": [entries]}, indented
 *
 * The CLI and the web page both render through here, so an entry looks the same wherever it
 * is shown and the escaping lives in one place: every string taken from the entry is
 * escaped for its target (la_escape_markdown, la_escape_html); the text form is for a
 * terminal, and the one string in it that is not the catalogue's own, the query the user
 * typed, goes through la_escape_terminal.
 *
 * Entries are read leniently (report-internal.h): a missing string reads as "", so an entry
 * whose query could not be stored renders instead of crashing.  Sections are
 * shown when their key is present, as the entries are built; that decides the layout, not
 * whether a value is empty.  On failure out is back at its entry length.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report/report-internal.h"

#define EXPLAIN_WIDTH 88u              /* text: columns, when opts gives none */
#define EXPLAIN_SCHEMA "loganalyze.explain/1"
#define EXPLAIN_SEPARATOR "\n----------------------------------------\n\n"
#define HTML_MAX_CAUSES 5u             /* causes on the web page */
#define SHOWN_NEXT_TESTS 3u            /* causes whose next test is shown (text, html) */

/* ------------------------------------------------------------ numbering spaces */

/* The query as a person reads it back: as typed, or the number a pasted dialog shows. */
static const char *shown_query(const json_t *o, char *buf, size_t size)
{
    if (la_report_bool(o, "pasted") && la_report_is_int(o, "code")) {
        snprintf(buf, size, "%lld", la_report_int(o, "code"));
        return buf;
    }
    return la_report_str(o, "query");
}

/* "TSS 94 (error 3194)" / "Error 4013": how the entry names its code. */
static enum la_rc code_title(struct la_buf *b, const json_t *o)
{
    const json_t *sp = json_object_get(o, "space");

    if (!sp || !strcmp(la_report_str(sp, "id"), "dialog"))
        return la_buf_addf(b, "Error %lld", la_report_int(o, "code"));
    if (la_report_space_hex(la_report_str(sp, "id")) && la_report_int(o, "code") >= 0)
        LA_TRY(la_buf_addf(b, "%s 0x%llx", la_report_str(sp, "name"), la_report_int(o, "code")));
    else
        LA_TRY(la_buf_addf(b, "%s %lld", la_report_str(sp, "name"), la_report_int(o, "code")));
    if (la_report_is_int(o, "number") && la_report_int(o, "number") != la_report_int(o, "code"))
        LA_TRY(la_buf_addf(b, " (error %lld)", la_report_int(o, "number")));
    return LA_OK;
}

/* The code's title escaped for a target (the space's name comes from the entry). */
static enum la_rc escaped_title(struct la_buf *b, const json_t *o,
                                enum la_rc (*esc)(struct la_buf *, const char *))
{
    struct la_buf t = LA_BUF_INIT;
    enum la_rc rc = code_title(&t, o);

    if (rc == LA_OK)
        rc = esc(b, t.buf);
    la_buf_release(&t);
    return rc;
}

/*
 * A bare number's readings in the numbering spaces, as one line: "the restore error number
 * 50 (AMRestore, device-status); BBUpdater 50 (explain bbu:50)".  Empty when the number
 * means something in no space but the error number itself (the meanings already say that).
 */
static enum la_rc spaces_line(struct la_buf *b, const json_t *o)
{
    const json_t *arr = la_report_arr(o, "spaces"), *r, *m;
    size_t i, k, other = 0;

    json_array_foreach(arr, i, r)
        other += strcmp(la_report_str(r, "space"), "dialog") != 0;
    if (!other)
        return LA_OK;
    json_array_foreach(arr, i, r) {
        const char *id = la_report_str(r, "space");
        if (i)
            LA_TRY(la_buf_adds(b, "; "));
        if (!strcmp(id, "dialog")) {
            LA_TRY(la_buf_addf(b, "the restore error number %lld", la_report_int(r, "code")));
            json_array_foreach(la_report_arr(r, "meanings"), k, m)
                LA_TRY(la_buf_addf(b, "%s%s", k ? ", " : " (", json_string_value(m)
                                                                ? json_string_value(m) : ""));
            if (la_report_len(la_report_arr(r, "meanings")))
                LA_TRY(la_buf_addc(b, ')'));
            continue;
        }
        LA_TRY(la_buf_addf(b, "%s %lld", la_report_str(r, "name"), la_report_int(r, "code")));
        if (la_report_is_int(r, "number"))
            LA_TRY(la_buf_addf(b, " = error %lld", la_report_int(r, "number")));
        LA_TRY(la_buf_addf(b, " (explain %s:%lld)", id, la_report_int(r, "code")));
    }
    return LA_OK;
}

/* ------------------------------------------------------------ the opening */

/*
 * The entry in one plain sentence: what the code means (its family's title, else the first
 * sentence of its first meaning) and its most common cause by the priors: "Error 4013:
 * Device did not reach the expected mode (…); most often: USB connection: … (32 %)".
 * Nothing for an entry the catalogue does not know (its own line says so).
 */
static enum la_rc plain_sentence(struct la_buf *b, const json_t *o)
{
    const json_t *fam = json_object_get(o, "family");
    const json_t *m = json_array_get(la_report_arr(o, "meanings"), 0);
    const json_t *top = json_array_get(la_report_arr(o, "causes"), 0);
    const char *what = fam ? la_report_str(fam, "title") : la_report_str(m, "text");
    const char *end = strstr(what, ". ");
    size_t len = end ? (size_t)(end - what) : strlen(what);

    if (!la_report_bool(o, "known"))
        return LA_OK;
    LA_TRY(code_title(b, o));
    if (len && what[len - 1] == '.')
        len--;
    if (len) {
        LA_TRY(la_buf_adds(b, ": "));
        LA_TRY(la_buf_add(b, what, len));
    }
    if (top)
        LA_TRY(la_buf_addf(b, "%smost often: %s (%.0f %%)", len ? "; " : ": ",
                           la_report_str(top, "title"), la_report_real(top, "prior") * 100));
    return la_buf_addc(b, '.');
}

/* A step of the ladder in short: its text up to the first ": " or ". ", as a sentence. */
static enum la_rc short_step(struct la_buf *b, const char *text)
{
    const char *colon = strstr(text, ": "), *stop = strstr(text, ". ");
    size_t len = strlen(text);

    if (colon && (!stop || colon < stop))
        len = (size_t)(colon - text);
    else if (stop)
        len = (size_t)(stop - text);
    LA_TRY(la_buf_add(b, text, len));
    return len && text[len - 1] == '.' ? LA_OK : la_buf_addc(b, '.');
}

#define SHORT_STEPS 5u                 /* steps in the opening's short list */

/* ------------------------------------------------------------ text */

/*
 * s wrapped at width: the first line after first, the others after an indent as wide.  Words
 * are split at spaces only; a word longer than the line stands alone on it.
 */
static enum la_rc wrap(struct la_buf *b, const char *first, const char *s, unsigned width)
{
    size_t il = strlen(first), col = il;
    int line_start = 1;

    LA_TRY(la_buf_adds(b, first));
    while (*s) {
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        size_t wl = (size_t)(s - w);
        if (!line_start && col + 1 + wl > width) {
            LA_TRY(la_buf_addf(b, "\n%*s", (int)il, ""));
            col = il;
            line_start = 1;
        } else if (!line_start) {
            LA_TRY(la_buf_addc(b, ' '));
            col++;
        }
        LA_TRY(la_buf_add(b, w, wl));
        col += wl;
        line_start = 0;
        while (*s == ' ')
            s++;
    }
    return la_buf_addc(b, '\n');
}

/* The query's numbering space, a note on the code, the spaces a bare number has a meaning in. */
static enum la_rc text_spaces(struct la_buf *b, const json_t *o, unsigned width)
{
    const json_t *sp = json_object_get(o, "space");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc;

    if (sp && strcmp(la_report_str(sp, "id"), "dialog"))
        LA_TRY(wrap(b, "Numbering space: ", la_report_str(sp, "title"), width));
    if (json_object_get(o, "note"))
        LA_TRY(wrap(b, "Note: ", la_report_str(o, "note"), width));
    rc = spaces_line(&line, o);
    if (rc == LA_OK && line.len)
        rc = wrap(b, "Numbering spaces: ", line.buf, width);
    la_buf_release(&line);
    return rc;
}

/*
 * An unknown number's nearby entries (analyze/explain.h "nearby"): each code with the first
 * sentence of its meaning, so a mistyped digit is seen at once.
 */
static enum la_rc text_nearby(struct la_buf *b, const json_t *o, unsigned width)
{
    const json_t *near = la_report_arr(o, "nearby"), *v;
    struct la_buf first = LA_BUF_INIT, sentence = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    size_t i;

    if (!la_report_len(near))
        return LA_OK;
    LA_TRY(la_buf_adds(b, "Nearby codes in the catalogue:\n"));
    json_array_foreach(near, i, v) {
        const char *m = la_report_str(v, "meaning"), *dot = strstr(m, ". ");
        la_buf_reset(&first);
        la_buf_reset(&sentence);
        rc = la_buf_addf(&first, "  %-6lld", (long long)la_report_int(v, "code"));
        if (rc == LA_OK)
            rc = la_buf_add(&sentence, m, dot ? (size_t)(dot - m) + 1 : strlen(m));
        if (rc == LA_OK)
            rc = wrap(b, first.buf, sentence.buf, width);
        if (rc != LA_OK)
            break;
    }
    la_buf_release(&first);
    la_buf_release(&sentence);
    return rc;
}

/* The code's own part: what it means in each numbering space, clashes, the stage. */
static enum la_rc text_meanings(struct la_buf *b, const json_t *o, unsigned width)
{
    const json_t *names = la_report_arr(o, "names"), *v;
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    size_t i;

    LA_TRY(code_title(b, o));
    if (la_report_len(names))
        LA_TRY(la_buf_addf(b, " (%s)", la_report_item_str(names, 0)));
    LA_TRY(la_buf_adds(b, "\n"));
    LA_TRY(text_spaces(b, o, width));
    LA_TRY(la_buf_adds(b, "\nWhat it means:\n"));
    json_array_foreach(la_report_arr(o, "meanings"), i, v) {
        const char *txt = la_report_str(v, "text");
        la_buf_reset(&line);
        rc = la_buf_addf(&line, "[%s] %s%s", la_report_str(v, "space"), txt,
                         la_report_bool(v, "confirmed") || strstr(txt, "unconfirmed")
                             ? "" : " (unconfirmed: no primary source)");
        if (rc == LA_OK)
            rc = wrap(b, "  - ", line.buf, width);
        la_buf_reset(&line);
        if (rc == LA_OK)
            rc = la_buf_addf(&line, "source: %s", la_report_str(v, "source"));
        if (rc == LA_OK)
            rc = wrap(b, "    ", line.buf, width);
        if (rc != LA_OK)
            break;
    }
    la_buf_release(&line);
    LA_TRY(rc);
    if (json_object_get(o, "collides")) {
        LA_TRY(la_buf_adds(b, "\nNumbering clash:\n"));
        LA_TRY(wrap(b, "  ", la_report_str(o, "collides"), width));
    }
    if (json_object_get(o, "stage")) {
        LA_TRY(la_buf_adds(b, "\nWhen it usually appears:\n"));
        LA_TRY(wrap(b, "  ", la_report_str(o, "stage"), width));
    }
    return LA_OK;
}

/* The causes, the remediation ladder (with the ids for --tried) and the logs to collect. */
static enum la_rc text_advice(struct la_buf *b, const json_t *o, unsigned width)
{
    const json_t *v, *collect = la_report_arr(o, "collect");
    size_t i;

    LA_TRY(la_buf_adds(b, "\nLikely causes, most likely first:\n"));
    json_array_foreach(la_report_arr(o, "causes"), i, v) {
        LA_TRY(la_buf_addf(b, "  %zu. %s (%.0f %%)\n", i + 1, la_report_str(v, "title"),
                           la_report_real(v, "prior") * 100));
        if (i < SHOWN_NEXT_TESTS)
            LA_TRY(wrap(b, "     ", la_report_str(v, "next_test"), width));
    }
    LA_TRY(la_buf_adds(b, "\nWhat to try, cheapest first:\n"));
    json_array_foreach(la_report_arr(o, "ladder"), i, v) {
        LA_TRY(wrap(b, "  [ ] ", la_report_str(v, "text"), width));
        LA_TRY(wrap(b, "      why: ", la_report_str(v, "why"), width));
        LA_TRY(wrap(b, "      if it still fails: ", la_report_str(v, "if_still_fails"), width));
        LA_TRY(la_buf_addf(b, "      (done it already? add --tried %s when you analyse the "
                              "logs)\n", la_report_str(v, "id")));
    }
    if (la_report_len(collect)) {
        LA_TRY(la_buf_adds(b, "\nLogs that tell the causes apart:\n"));
        json_array_foreach(collect, i, v)
            LA_TRY(wrap(b, "  - ", json_is_string(v) ? json_string_value(v) : "", width));
    }
    return LA_OK;
}

/* The opening: the plain sentence and the cheapest steps in short, numbered. */
static enum la_rc text_opening(struct la_buf *b, const json_t *o, unsigned width)
{
    const json_t *ladder = la_report_arr(o, "ladder");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc = plain_sentence(&line, o);
    size_t n = la_report_len(ladder);

    if (rc == LA_OK && line.len)
        rc = wrap(b, "", line.buf, width);
    if (rc == LA_OK && n)
        rc = la_buf_adds(b, "\nTry these first, cheapest first:\n");
    for (size_t i = 0; i < n && i < SHORT_STEPS && rc == LA_OK; i++) {
        char num[16];

        la_buf_reset(&line);
        snprintf(num, sizeof(num), "  %zu. ", i + 1);
        rc = short_step(&line, la_report_str(json_array_get(ladder, i), "text"));
        if (rc == LA_OK)
            rc = wrap(b, num, line.buf, width);
    }
    if (rc == LA_OK && n)
        rc = la_buf_addf(b, "  (%s step%s in full, with why, below)\n",
                         n > SHORT_STEPS ? "all" : "each", n > SHORT_STEPS ? "s" : "");
    la_buf_release(&line);
    return rc;
}

static enum la_rc text_entry(struct la_buf *b, const json_t *o, unsigned width)
{
    if (la_report_bool(o, "known")) {
        LA_TRY(text_opening(b, o, width));
        LA_TRY(la_buf_addc(b, '\n'));
    }
    if (!la_report_bool(o, "known")) {
        const json_t *fam = json_object_get(o, "family");
        if (json_object_get(o, "space")) {
            LA_TRY(code_title(b, o));
            LA_TRY(la_buf_adds(b, " is not in the error-code catalogue.\n"));
        } else {
            char nb[32];
            const char *q = shown_query(o, nb, sizeof(nb));
            LA_TRY(la_escape_terminal(b, q, strlen(q)));   /* the user's argument, as typed */
            LA_TRY(la_buf_addf(b, " is not in the error-code catalogue%s.\n",
                               la_report_len(la_report_arr(o, "spaces"))
                                   ? " as a restore error number" : ""));
        }
        LA_TRY(text_spaces(b, o, width));
        if (fam)
            LA_TRY(la_buf_addf(b, "It falls in the range of: %s.\n",
                               la_report_str(fam, "title")));
        LA_TRY(text_nearby(b, o, width));
        LA_TRY(text_opening(b, o, width));
    } else {
        LA_TRY(text_meanings(b, o, width));
    }
    return text_advice(b, o, width);
}

/* ------------------------------------------------------------ markdown */

static enum la_rc md_esc(struct la_buf *b, const char *s)
{
    return la_escape_markdown(b, s, strlen(s));
}

/*
 * The numbering-space lines of an entry as list items, set apart by a blank line: before
 * them (after) when after is 0 (1); nothing when there are none.
 */
static enum la_rc md_spaces(struct la_buf *b, const json_t *o, int after)
{
    const json_t *sp = json_object_get(o, "space");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    size_t start = b->len;
    int any = 0;

    if (!after)
        LA_TRY(la_buf_adds(b, "\n"));

    if (sp && strcmp(la_report_str(sp, "id"), "dialog")) {
        LA_TRY(la_buf_adds(b, "- **Numbering space**: "));
        LA_TRY(md_esc(b, la_report_str(sp, "title")));
        LA_TRY(la_buf_adds(b, "\n"));
        any = 1;
    }
    if (json_object_get(o, "note")) {
        LA_TRY(la_buf_adds(b, "- **Note**: "));
        LA_TRY(md_esc(b, la_report_str(o, "note")));
        LA_TRY(la_buf_adds(b, "\n"));
        any = 1;
    }
    rc = spaces_line(&line, o);
    if (rc == LA_OK && line.len) {
        rc = la_buf_adds(b, "- **Numbering spaces**: ");
        if (rc == LA_OK)
            rc = md_esc(b, line.buf);
        if (rc == LA_OK)
            rc = la_buf_adds(b, "\n");
        any = 1;
    }
    la_buf_release(&line);
    LA_TRY(rc);
    if (!any)
        la_buf_truncate(b, start);
    return any && after ? la_buf_adds(b, "\n") : LA_OK;
}

/*
 * The opening: the plain sentence, the cheapest steps in short, then a <details> that
 * md_entry closes after the sources (GitHub renders Markdown inside it after a blank line).
 */
static enum la_rc md_opening(struct la_buf *b, const json_t *o)
{
    const json_t *ladder = la_report_arr(o, "ladder");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc = plain_sentence(&line, o);
    size_t n = la_report_len(ladder);

    if (rc == LA_OK && line.len)
        rc = md_esc(b, line.buf);
    if (rc == LA_OK && line.len)
        rc = la_buf_adds(b, "\n\n");
    if (rc == LA_OK && n)
        rc = la_buf_adds(b, "**Try these first, cheapest first:**\n\n");
    for (size_t i = 0; i < n && i < SHORT_STEPS && rc == LA_OK; i++) {
        la_buf_reset(&line);
        rc = short_step(&line, la_report_str(json_array_get(ladder, i), "text"));
        if (rc == LA_OK)
            rc = la_buf_addf(b, "%zu. ", i + 1);
        if (rc == LA_OK)
            rc = md_esc(b, line.buf);
        if (rc == LA_OK)
            rc = la_buf_adds(b, "\n");
    }
    if (rc == LA_OK)
        rc = la_buf_adds(b, "\n<details><summary>What it means, the likely causes, every step "
                            "and the sources</summary>\n\n");
    la_buf_release(&line);
    return rc;
}

static enum la_rc md_entry(struct la_buf *b, const json_t *o)
{
    const json_t *v, *collect = la_report_arr(o, "collect");
    size_t i;

    if (la_report_bool(o, "known")) {
        LA_TRY(la_buf_adds(b, "## "));
        LA_TRY(escaped_title(b, o, md_esc));
        LA_TRY(la_buf_adds(b, "\n\n"));
        LA_TRY(md_opening(b, o));
        LA_TRY(md_spaces(b, o, 1));
        json_array_foreach(la_report_arr(o, "meanings"), i, v) {
            LA_TRY(la_buf_addf(b, "- **%s**: ", la_report_str(v, "space")));
            LA_TRY(md_esc(b, la_report_str(v, "text")));
            LA_TRY(la_buf_addf(b, "%s  \n  source: ",
                               la_report_bool(v, "confirmed") ? "" : " *(unconfirmed)*"));
            LA_TRY(md_esc(b, la_report_str(v, "source")));
            LA_TRY(la_buf_adds(b, "\n"));
        }
    } else {
        char nb[32];

        LA_TRY(la_buf_adds(b, "## "));
        LA_TRY(md_esc(b, shown_query(o, nb, sizeof(nb))));
        LA_TRY(la_buf_adds(b, "\n\nNot in the error-code catalogue.\n\n"));
        LA_TRY(md_opening(b, o));
        LA_TRY(md_spaces(b, o, 0));
        json_array_foreach(la_report_arr(o, "nearby"), i, v)
            LA_TRY(la_buf_addf(b, "%s%lld", i ? ", " : "\nNearby codes in the catalogue: ",
                               (long long)la_report_int(v, "code")));
        if (la_report_len(la_report_arr(o, "nearby")))
            LA_TRY(la_buf_adds(b, ".\n"));
    }
    LA_TRY(la_buf_adds(b, "\n### Likely causes\n\n| # | cause | prior |\n|---|---|---|\n"));
    json_array_foreach(la_report_arr(o, "causes"), i, v) {
        LA_TRY(la_buf_addf(b, "| %zu | ", i + 1));
        LA_TRY(md_esc(b, la_report_str(v, "title")));
        LA_TRY(la_buf_addf(b, " | %.0f %% |\n", la_report_real(v, "prior") * 100));
    }
    LA_TRY(la_buf_adds(b, "\n### What to try, cheapest first\n\n"));
    json_array_foreach(la_report_arr(o, "ladder"), i, v) {
        LA_TRY(la_buf_adds(b, "- [ ] "));
        LA_TRY(md_esc(b, la_report_str(v, "text")));
        LA_TRY(la_buf_addf(b, " (`%s`)\n", la_report_str(v, "id")));
    }
    if (la_report_len(collect)) {
        LA_TRY(la_buf_adds(b, "\n### Logs that tell the causes apart\n\n"));
        json_array_foreach(collect, i, v) {
            LA_TRY(la_buf_adds(b, "- "));
            LA_TRY(md_esc(b, la_report_item_str(collect, i)));
            LA_TRY(la_buf_adds(b, "\n"));
        }
    }
    return la_buf_adds(b, "\n</details>\n\n");
}

/* ------------------------------------------------------------ html */

static enum la_rc html_esc(struct la_buf *b, const char *s)
{
    return la_escape_html(b, s, strlen(s));
}

/* The numbering space of the query, a note, and the spaces a bare number has a meaning in. */
static enum la_rc html_spaces(struct la_buf *b, const json_t *o)
{
    const json_t *sp = json_object_get(o, "space");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc;

    if (sp && strcmp(la_report_str(sp, "id"), "dialog")) {
        LA_TRY(la_buf_adds(b, "<p><b>Numbering space:</b> "));
        LA_TRY(html_esc(b, la_report_str(sp, "title")));
        LA_TRY(la_buf_adds(b, "</p>"));
    }
    if (json_object_get(o, "note")) {
        LA_TRY(la_buf_adds(b, "<p><b>Note:</b> "));
        LA_TRY(html_esc(b, la_report_str(o, "note")));
        LA_TRY(la_buf_adds(b, "</p>"));
    }
    rc = spaces_line(&line, o);
    if (rc == LA_OK && line.len) {
        rc = la_buf_adds(b, "<p><b>Numbering spaces:</b> ");
        if (rc == LA_OK)
            rc = html_esc(b, line.buf);
        if (rc == LA_OK)
            rc = la_buf_adds(b, "</p>");
    }
    la_buf_release(&line);
    return rc;
}

/* The opening: the plain sentence and the cheapest steps in short. */
static enum la_rc html_opening(struct la_buf *b, const json_t *o)
{
    const json_t *ladder = la_report_arr(o, "ladder");
    struct la_buf line = LA_BUF_INIT;
    enum la_rc rc = plain_sentence(&line, o);
    size_t n = la_report_len(ladder);

    if (rc == LA_OK && line.len)
        rc = la_buf_adds(b, "<p class=\"plain\">");
    if (rc == LA_OK && line.len)
        rc = html_esc(b, line.buf);
    if (rc == LA_OK && line.len)
        rc = la_buf_adds(b, "</p>");
    if (rc == LA_OK && n)
        rc = la_buf_adds(b, "<h3>Try these first, cheapest first</h3><ol class=\"try\">");
    for (size_t i = 0; i < n && i < SHORT_STEPS && rc == LA_OK; i++) {
        la_buf_reset(&line);
        rc = short_step(&line, la_report_str(json_array_get(ladder, i), "text"));
        if (rc == LA_OK)
            rc = la_buf_adds(b, "<li>");
        if (rc == LA_OK)
            rc = html_esc(b, line.buf);
        if (rc == LA_OK)
            rc = la_buf_adds(b, "</li>");
    }
    if (rc == LA_OK && n)
        rc = la_buf_adds(b, "</ol>");
    la_buf_release(&line);
    return rc;
}

/*
 * The heading, the opening and the start of the folded part (<details>, which html_entry
 * closes) with the code's own meanings; *ret_more = 0 when nothing else is to be shown.
 */
static enum la_rc html_head(struct la_buf *b, const json_t *o, int *ret_more)
{
    const json_t *fam = json_object_get(o, "family"), *names = la_report_arr(o, "names"), *v;
    size_t i;

    *ret_more = 1;
    if (!la_report_bool(o, "known")) {
        char nb[32];

        LA_TRY(la_buf_adds(b, "<h2>"));
        LA_TRY(html_esc(b, shown_query(o, nb, sizeof(nb))));
        LA_TRY(la_buf_adds(b, " is not in the error-code catalogue</h2>"));
        LA_TRY(html_spaces(b, o));
        json_array_foreach(la_report_arr(o, "nearby"), i, v)
            LA_TRY(la_buf_addf(b, "%s%lld", i ? ", " : "<p>Nearby codes in the catalogue: ",
                               (long long)la_report_int(v, "code")));
        if (la_report_len(la_report_arr(o, "nearby")))
            LA_TRY(la_buf_adds(b, ".</p>"));
        if (!fam) {
            *ret_more = 0;
            return la_buf_adds(b, "<p>Check the number, or drop the logs below: the analysis "
                                  "does not need the code.</p>");
        }
        LA_TRY(la_buf_adds(b, "<p>It falls in the range of: "));
        LA_TRY(html_esc(b, la_report_str(fam, "title")));
        LA_TRY(la_buf_adds(b, ".</p>"));
        LA_TRY(html_opening(b, o));
        return la_buf_adds(b, "<details class=\"more\"><summary>The likely causes</summary>");
    }
    LA_TRY(la_buf_adds(b, "<h2>"));
    LA_TRY(escaped_title(b, o, html_esc));
    if (la_report_len(names)) {
        LA_TRY(la_buf_adds(b, " <small>("));
        LA_TRY(html_esc(b, la_report_item_str(names, 0)));
        LA_TRY(la_buf_adds(b, ")</small>"));
    }
    LA_TRY(la_buf_adds(b, "</h2>"));
    LA_TRY(html_opening(b, o));
    LA_TRY(la_buf_adds(b, "<details class=\"more\"><summary>What it means, the likely causes "
                          "and the sources</summary>"));
    LA_TRY(html_spaces(b, o));
    LA_TRY(la_buf_adds(b, "<h3>What it means</h3><ul class=\"meanings\">"));
    json_array_foreach(la_report_arr(o, "meanings"), i, v) {
        LA_TRY(la_buf_adds(b, "<li><b>"));
        LA_TRY(html_esc(b, la_report_str(v, "space")));
        LA_TRY(la_buf_adds(b, ":</b> "));
        LA_TRY(html_esc(b, la_report_str(v, "text")));
        if (!la_report_bool(v, "confirmed"))
            LA_TRY(la_buf_adds(b, " <span class=\"unconfirmed\">(unconfirmed: no primary "
                                  "source)</span>"));
        LA_TRY(la_buf_adds(b, "<br><span class=\"src\">source: "));
        LA_TRY(html_esc(b, la_report_str(v, "source")));
        LA_TRY(la_buf_adds(b, "</span></li>"));
    }
    LA_TRY(la_buf_adds(b, "</ul>"));
    if (json_object_get(o, "stage")) {
        LA_TRY(la_buf_adds(b, "<p><b>When it usually appears:</b> "));
        LA_TRY(html_esc(b, la_report_str(o, "stage")));
        LA_TRY(la_buf_adds(b, "</p>"));
    }
    if (fam) {
        LA_TRY(la_buf_adds(b, "<p><b>Family:</b> "));
        LA_TRY(html_esc(b, la_report_str(fam, "title")));
        LA_TRY(la_buf_adds(b, "</p>"));
    }
    return LA_OK;
}

static enum la_rc html_entry(struct la_buf *b, const json_t *o)
{
    const json_t *causes = la_report_arr(o, "causes"), *collect = la_report_arr(o, "collect");
    const json_t *step = json_array_get(la_report_arr(o, "ladder"), 0), *v;
    int more;
    size_t i;

    LA_TRY(html_head(b, o, &more));
    if (!more)
        return LA_OK;
    if (la_report_len(causes))
        LA_TRY(la_buf_adds(b, "<h3>Likely causes, most likely first</h3><ol class=\"causes\">"));
    json_array_foreach(causes, i, v) {
        if (i >= HTML_MAX_CAUSES)
            break;
        LA_TRY(la_buf_adds(b, "<li><b>"));
        LA_TRY(html_esc(b, la_report_str(v, "title")));
        LA_TRY(la_buf_addf(b, "</b> (%.0f %%)", la_report_real(v, "prior") * 100));
        if (i < SHOWN_NEXT_TESTS && la_report_has_str(v, "next_test")) {
            LA_TRY(la_buf_adds(b, "<br>"));
            LA_TRY(html_esc(b, la_report_str(v, "next_test")));
        }
        LA_TRY(la_buf_adds(b, "</li>"));
    }
    if (la_report_len(causes))
        LA_TRY(la_buf_adds(b, "</ol>"));
    if (step) {
        LA_TRY(la_buf_adds(b, "<h3>The first step in full</h3><p>"));
        LA_TRY(html_esc(b, la_report_str(step, "text")));
        LA_TRY(la_buf_adds(b, "</p>"));
    }
    if (la_report_len(collect)) {
        LA_TRY(la_buf_adds(b, "<h3>Logs that tell the causes apart</h3><ul>"));
        json_array_foreach(collect, i, v) {
            LA_TRY(la_buf_adds(b, "<li>"));
            LA_TRY(html_esc(b, la_report_item_str(collect, i)));
            LA_TRY(la_buf_adds(b, "</li>"));
        }
        LA_TRY(la_buf_adds(b, "</ul>"));
    }
    return la_buf_adds(b, "</details>");
}

/* ------------------------------------------------------------ entry point */

static enum la_rc render_json(const json_t *entries, struct la_buf *out)
{
    json_t *doc = json_pack("{s:s,s:O}", "schema", EXPLAIN_SCHEMA, "codes", (json_t *)entries);
    enum la_rc rc;

    if (!doc)
        return LA_FATAL;
    rc = la_report_dump(out, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    LA_TRY(rc);
    return la_buf_addc(out, '\n');
}

static enum la_rc render(const char *format, const json_t *entries, unsigned width,
                         struct la_buf *out)
{
    const json_t *o;
    size_t i;

    if (!strcmp(format, "json"))
        return render_json(entries, out);
    json_array_foreach(entries, i, o) {
        if (!strcmp(format, "text")) {
            if (i)
                LA_TRY(la_buf_adds(out, EXPLAIN_SEPARATOR));
            LA_TRY(text_entry(out, o, width));
        } else if (!strcmp(format, "markdown")) {
            LA_TRY(md_entry(out, o));
        } else {
            LA_TRY(html_entry(out, o));
        }
    }
    return LA_OK;
}

static int known(const char *format)
{
    return format && (!strcmp(format, "text") || !strcmp(format, "markdown") ||
                      !strcmp(format, "html") || !strcmp(format, "json"));
}

enum la_rc la_report_explain(const char *format, const json_t *entries,
                             const struct la_report_opts *opts, struct la_buf *out)
{
    json_t *valid;
    size_t start;
    enum la_rc rc;

    if (!json_is_array(entries) || !out)
        return LA_FATAL;
    if (!known(format))
        return LA_FAILED;
    start = out->len;
    valid = la_report_valid(entries);
    rc = valid ? render(format, valid, opts && opts->width ? opts->width : EXPLAIN_WIDTH, out)
               : LA_FATAL;
    json_decref(valid);
    if (rc != LA_OK)
        la_buf_truncate(out, start);
    return rc;
}
