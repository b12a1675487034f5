/*
 * tracev3 on disk: the strings store of a log folder, for a .tracev3 file read from a file
 * system (a .logarchive folder, /var/db/diagnostics beside /var/db/uuidtext, or a copy).
 *
 * The root is the nearest parent folder of the .tracev3 file (up to four levels up) that
 * holds a `timesync` or `dsc` folder, or a `uuidtext` folder with them.  uuidtext files are
 * then <root>/XX/YYYY… (or <root>/uuidtext/XX/YYYY…), dsc files <root>/dsc/UUID, and every .timesync
 * file in <root>/timesync is read at once.  Files are read whole when first needed
 * (bounded by LA_TV3_MAX_FILE each and the store's cache).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "tracev3/tracev3.h"

struct folder {
    char *root;        /* the folder uuidtext XX folders and dsc are in */
};

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static enum la_rc read_file(const char *path, void **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct la_buf b;
    char tmp[65536];
    size_t got;

    if (!f)
        return errno == ENOENT ? LA_EOF : LA_FAILED;
    la_buf_init(&b, LA_TV3_MAX_FILE);
    while ((got = fread(tmp, 1, sizeof tmp, f)) > 0) {
        enum la_rc rc = la_buf_add(&b, tmp, got);
        if (rc != LA_OK) {
            fclose(f);
            la_buf_release(&b);
            return rc;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        la_buf_release(&b);
        return LA_FAILED;
    }
    *data = la_buf_detach(&b, len);
    return *data ? LA_OK : LA_FATAL;
}

static enum la_rc load(void *user, enum la_tv3_kind kind, const uint8_t uuid[16], void **data,
                       size_t *len)
{
    const struct folder *fo = user;
    char hex[33], path[4096];

    static const char digits[] = "0123456789ABCDEF";

    for (int i = 0; i < 16; i++) {
        hex[2 * i] = digits[uuid[i] >> 4];
        hex[2 * i + 1] = digits[uuid[i] & 15];
    }
    hex[32] = '\0';
    int n = kind == LA_TV3_DSC ? snprintf(path, sizeof path, "%s/dsc/%s", fo->root, hex)
                               : snprintf(path, sizeof path, "%s/%.2s/%s", fo->root, hex, hex + 2);
    return n < (int)sizeof path ? read_file(path, data, len) : LA_EOF;
}

static int is_timesync(const char *name, void *user)
{
    size_t n = strlen(name);

    (void)user;
    return n > 9 && !strcmp(name + n - 9, ".timesync");
}

/* Read the timesync folder beside the strings; damaged files are skipped. */
static enum la_rc add_timesync(struct la_tv3_strings *s, const char *dir)
{
    struct la_dir_list l;
    char path[4096];

    if (la_dir_list(dir, is_timesync, NULL, 4096, &l, NULL) != LA_OK)
        return LA_OK;
    for (size_t i = 0; i < l.n; i++) {
        void *data = NULL;
        size_t len = 0;
        const char *err = NULL;
        if (snprintf(path, sizeof path, "%s/%s", dir, l.names[i]) >= (int)sizeof path)
            continue;
        enum la_rc rc = read_file(path, &data, &len);
        if (rc == LA_OK)
            rc = la_tv3_strings_add_timesync(s, data, len, &err);
        la_free(data);
        if (rc == LA_FATAL) {
            la_dir_list_release(&l);
            return LA_FATAL;
        }
    }
    la_dir_list_release(&l);
    return LA_OK;
}

/* The log folder's root for a .tracev3 path, or NULL; *uuidtext the strings folder. */
static char *find_root(const char *tracev3, char **uuidtext)
{
    char *dir = la_strdup(tracev3);
    char probe[4096];

    *uuidtext = NULL;
    if (!dir)
        return NULL;
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        else {
            la_free(dir);
            dir = la_strdup(".");
            if (!dir)
                return NULL;
        }
        const char *d = dir[0] ? dir : "/";
        snprintf(probe, sizeof probe, "%s/uuidtext", d);
        if (is_dir(probe)) {
            *uuidtext = la_strdup(probe);
            return dir;
        }
        snprintf(probe, sizeof probe, "%s/timesync", d);
        int ts = is_dir(probe);
        snprintf(probe, sizeof probe, "%s/dsc", d);
        if (ts || is_dir(probe)) {
            *uuidtext = la_strdup(d);
            return dir;
        }
        if (!slash)
            break;
    }
    la_free(dir);
    return NULL;
}

struct la_tv3_folder {
    struct folder fo;
    struct la_tv3_strings *s;
};

struct la_tv3_folder *la_tv3_folder_open(const char *tracev3_path)
{
    struct la_tv3_folder *f = la_calloc(1, sizeof *f);
    char *strings = NULL, *root;
    char probe[4096];

    if (!f)
        return NULL;
    root = find_root(tracev3_path, &strings);
    f->fo.root = strings;
    f->s = la_tv3_strings_new(strings ? load : NULL, &f->fo);
    if (!f->s || (root && !strings)) {
        la_free(root);
        la_tv3_folder_close(f);
        return NULL;
    }
    if (root) {
        snprintf(probe, sizeof probe, "%s/timesync", root);
        if (add_timesync(f->s, probe) != LA_OK) {
            la_free(root);
            la_tv3_folder_close(f);
            return NULL;
        }
        /* /var/db/diagnostics beside /var/db/uuidtext: the timesync is in diagnostics. */
    }
    la_free(root);
    return f;
}

void la_tv3_folder_close(struct la_tv3_folder *f)
{
    if (!f)
        return;
    la_tv3_strings_free(f->s);
    la_free(f->fo.root);
    la_free(f);
}

const struct la_tv3_strings *la_tv3_folder_strings(const struct la_tv3_folder *f)
{
    return f->s;
}

const char *la_tv3_folder_root(const struct la_tv3_folder *f)
{
    return f->fo.root;
}
