#ifndef LA_SERVE_SERVE_INTERNAL_H
#define LA_SERVE_SERVE_INTERNAL_H

/* Shared by serve.c and open.c; not for other modules. */

#include <stddef.h>

#include <jansson.h>

/* The page assets, embedded at build time by embed.py (serve-assets.c). */
extern const char la_serve_page_html[];
extern const size_t la_serve_page_html_len;
extern const char la_serve_page_css[];
extern const size_t la_serve_page_css_len;
extern const char la_serve_page_js[];
extern const size_t la_serve_page_js_len;

/* $TMPDIR when it is an absolute path, else "/tmp". */
const char *la_serve_tmpdir(void);

/*
 * Start the desktop opener (xdg-open; `open` on macOS) on target, detached
 * in its own session so Ctrl-C on the server does not reach the browser.
 * No shell is involved.  Returns 0 when the opener was executed, -1 (errno
 * set) when it could not be started.
 */
int la_serve_spawn_opener(const char *target);

/*
 * Replace every occurrence of prefix in every string of v (recursively) by
 * nothing: turns the private temp paths of uploaded files back into the names
 * the user gave.  Returns 0, or -1 on OOM.
 */
int la_serve_strip_prefix(json_t *v, const char *prefix);

/* Write all n bytes of p to fd, retrying on EINTR and short writes.  0, or -1 (errno set). */
int la_serve_write_all(int fd, const char *p, size_t n);

#endif
