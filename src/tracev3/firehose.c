/*
 * tracev3 entries: firehose tracepoints (log, activity, signpost, trace, loss), statedump
 * and simpledump chunks, each turned into a struct la_tv3_entry with its process (from the
 * catalog), subsystem and category, wall-clock time and rendered message.
 */

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "tracev3/reader-internal.h"

#define TV3_MAX_ARGS 64u

static const char unresolved[] = "<unresolved>";

void tv3_names_clear(struct la_tv3_reader *r)
{
    if (r->names) {
        for (size_t i = 0; i < r->nnames; i++)
            la_free(r->names[i].name);
        la_free(r->names);
        r->names = NULL;
        r->nnames = 0;
    }
}

void tv3_oversize_clear(struct la_tv3_reader *r)
{
    for (size_t i = 0; i < r->nov; i++)
        la_free(r->ov[i].data);
    r->nov = r->ov_next = r->ov_bytes = 0;
}

/* Keep an oversize chunk's items (d: its data) until the entry that names it comes. */
static enum la_rc oversize(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    r->st.oversize++;
    if (n < 34)
        return LA_OK;
    size_t len = tv3_u16(d + 28);
    if (len > n - 32) {
        r->st.damaged++;
        tv3_note(r, "oversize chunk data of %zu bytes runs past the chunk", len);
        return LA_OK;
    }
    struct tv3_oversize *o = &r->ov[r->ov_next];
    if (r->nov == TV3_MAX_OVERSIZE) {
        r->ov_bytes -= o->len;
        la_free(o->data);
    } else
        r->nov++;
    /* Past the byte cap the oldest go first. */
    for (size_t i = 1; r->ov_bytes + len > TV3_MAX_OVERSIZE_BYTES && i < r->nov; i++) {
        struct tv3_oversize *old = &r->ov[(r->ov_next + i) % TV3_MAX_OVERSIZE];
        r->ov_bytes -= old->len;
        la_free(old->data);
        old->data = NULL;
        old->len = 0;
    }
    o->id1 = tv3_u64(d);
    o->id2 = tv3_u32(d + 8);
    o->ref = tv3_u32(d + 24);
    o->data = la_memdup(d + 32, len ? len : 1);
    o->len = o->data ? len : 0;
    r->ov_next = (r->ov_next + 1) % TV3_MAX_OVERSIZE;
    if (!o->data)
        return LA_FATAL;
    r->ov_bytes += len;
    return LA_OK;
}

static const struct tv3_oversize *find_oversize(const struct la_tv3_reader *r, uint64_t id1,
                                                uint32_t id2, uint32_t ref)
{
    for (size_t i = 0; i < r->nov; i++)
        if (r->ov[i].data && r->ov[i].ref == ref && r->ov[i].id1 == id1 && r->ov[i].id2 == id2)
            return &r->ov[i];
    return NULL;
}

static const struct tv3_proc *find_proc(const struct la_tv3_reader *r, uint64_t id1,
                                        uint32_t id2, size_t *idx)
{
    for (size_t i = 0; i < r->cat.nprocs; i++)
        if (r->cat.procs[i].id1 == id1 && r->cat.procs[i].id2 == id2) {
            *idx = i;
            return &r->cat.procs[i];
        }
    return NULL;
}

static const uint8_t *cat_uuid(const struct la_tv3_reader *r, uint16_t i)
{
    return i < r->cat.nuuids ? r->cat.uuids[i] : NULL;
}

/* The process's image name (the main executable's basename), cached per catalog. */
static enum la_rc proc_name(struct la_tv3_reader *r, const struct tv3_proc *p, size_t idx,
                            struct la_sv *out)
{
    *out = la_sv_cstr(unresolved);
    if (!p)
        return LA_OK;
    if (!r->names) {
        r->names = la_calloc(r->cat.nprocs, sizeof *r->names);
        if (!r->names)
            return LA_FATAL;
        r->nnames = r->cat.nprocs;
    }
    if (!r->names[idx].name) {
        const uint8_t *u = cat_uuid(r, p->main_uuid);
        size_t len = 0;
        const char *path = u ? tv3_uuidtext_path(r->strings, u, &len) : NULL;
        if (path) {
            size_t base = len;
            while (base && path[base - 1] != '/')
                base--;
            path += base;
            len -= base;
        }
        r->names[idx].name = path ? la_strndup(path, len) : la_strdup(unresolved);
        if (!r->names[idx].name)
            return LA_FATAL;
    }
    *out = la_sv_cstr(r->names[idx].name);
    return LA_OK;
}

static void subsystem_of(const struct la_tv3_reader *r, const struct tv3_proc *p, int has,
                         uint16_t id, struct la_sv *sub, struct la_sv *cat)
{
    *sub = *cat = LA_SV_NULL;
    if (!p || !has)
        return;
    for (size_t i = 0; i < p->nsubs; i++) {
        if (p->subs[i].id != id)
            continue;
        size_t so = p->subs[i].subsystem, co = p->subs[i].category;
        if (so < r->cat.strings_len)
            *sub = la_sv_make(r->cat.strings + so, strnlen(r->cat.strings + so,
                                                           r->cat.strings_len - so));
        if (co < r->cat.strings_len)
            *cat = la_sv_make(r->cat.strings + co, strnlen(r->cat.strings + co,
                                                           r->cat.strings_len - co));
        return;
    }
}

static const char *level_of(unsigned record, unsigned t)
{
    switch (record) {
    case 0x02:
        return "Activity";
    case 0x03:
        return "Trace";
    case 0x06:
        return "Signpost";
    case 0x07:
        return "Loss";
    default:
        break;
    }
    switch (t) {
    case 0x01:
        return "Info";
    case 0x02:
        return "Debug";
    case 0x10:
        return "Error";
    case 0x11:
        return "Fault";
    default:
        return "Default";
    }
}

static const char *kind_of(unsigned record)
{
    switch (record) {
    case 0x02:
        return "activity";
    case 0x03:
        return "trace";
    case 0x06:
        return "signpost";
    case 0x07:
        return "loss";
    default:
        return "log";
    }
}

/* Where a tracepoint's format string is, as its flags say. */
struct tv3_where {
    unsigned flags;
    uint32_t ref;           /* format string reference, lower 32 bits */
    uint64_t pc;            /* load address (lower 32, upper 16 when absolute) */
    int has_large;
    uint16_t large;         /* large offset data */
    int has_large_sc;
    uint16_t large_sc;      /* large shared cache data */
    const uint8_t *uuid;    /* uuid_relative: the image's UUID */
};

/* Copy the format string into r->fmt; 0 when it is not found. */
static int find_format(struct la_tv3_reader *r, const struct tv3_proc *p,
                       const struct tv3_where *w)
{
    unsigned type = w->flags & 0x0e;
    const char *s = NULL;
    size_t len = 0;

    la_buf_reset(&r->fmt);
    if ((w->ref & 0x80000000u) && !w->has_large && !w->has_large_sc)
        return la_buf_adds(&r->fmt, "%s") == LA_OK;
    uint64_t off = (uint64_t)(w->has_large ? w->large : 0) << 31 | (w->ref & 0x7fffffffu);
    if (type == 0x0c)
        off = (uint64_t)w->large_sc << 31 | (w->ref & 0x7fffffffu);
    if (!p && type != 0x0a)
        return 0;
    switch (type) {
    case 0x02: {
        const uint8_t *u = cat_uuid(r, p->main_uuid);
        s = u ? tv3_uuidtext_format(r->strings, u, off, &len) : NULL;
        break;
    }
    case 0x08:
        for (size_t i = 0; i < p->nuuids && !s; i++) {
            const struct tv3_uuidinfo *ui = &p->uuids[i];
            const uint8_t *u = cat_uuid(r, ui->uuid);
            if (u && w->pc >= ui->load && w->pc - ui->load < ui->size)
                s = tv3_uuidtext_format(r->strings, u, off, &len);
        }
        break;
    case 0x0a:
        s = w->uuid ? tv3_uuidtext_format(r->strings, w->uuid, off, &len) : NULL;
        break;
    case 0x04:
    case 0x0c: {
        const uint8_t *u = cat_uuid(r, p->dsc_uuid);
        s = u ? tv3_dsc_format(r->strings, u, off, &len) : NULL;
        break;
    }
    default:
        break;
    }
    if (!s)
        return 0;
    if (len > LA_TV3_MAX_MESSAGE - 1)
        len = LA_TV3_MAX_MESSAGE - 1;
    return la_buf_add(&r->fmt, s, len) == LA_OK;
}

/* The data items of a log or signpost tracepoint into args; values follow the items. */
static size_t read_items(struct tv3_cur *c, struct tv3_arg *args)
{
    tv3_get(c, 1);
    size_t n = (size_t)tv3_get(c, 1), k = 0;
    struct {
        uint8_t type;
        const uint8_t *data;
        uint8_t size;
    } it[255];

    for (size_t i = 0; i < n && !c->bad; i++) {
        it[i].type = (uint8_t)tv3_get(c, 1);
        it[i].size = (uint8_t)tv3_get(c, 1);
        it[i].data = tv3_take(c, it[i].size);
    }
    if (c->bad)
        return 0;
    /* Range offsets are from the start of the values data, which is what is left. */
    for (size_t i = 0; i < n && k < TV3_MAX_ARGS; i++, k++) {
        struct tv3_arg *a = &args[k];
        a->type = it[i].type;
        a->data = NULL;
        a->len = 0;
        if (TV3_ARG_PRIVATE(a->type))
            continue;
        if (a->type < 0x20) {
            a->data = it[i].data;
            a->len = it[i].size;
        } else if (it[i].size == 4) {
            size_t off = tv3_u16(it[i].data), len = tv3_u16(it[i].data + 2);
            if (off <= c->n && len <= c->n - off) {
                a->data = c->p + off;
                a->len = len;
            }
        }
    }
    return k;
}

static enum la_rc emit(struct la_tv3_reader *r, struct la_tv3_entry *e, const struct tv3_proc *p,
                       size_t pidx, uint64_t ct)
{
    enum la_rc rc = proc_name(r, p, pidx, &e->process);

    if (rc != LA_OK)
        return rc;
    tv3_wall(r, ct, &e->time_ns, &e->tz_minutes);
    /* A damaged clock: 1970 to 2200 only, so callers can add the zone without overflow. */
    if (e->time_ns < 0 || e->time_ns > LA_TV3_MAX_TIME_NS)
        e->time_ns = e->time_ns < 0 ? 0 : LA_TV3_MAX_TIME_NS;
    if (e->tz_minutes <= -1440 || e->tz_minutes >= 1440)
        e->tz_minutes = 0;
    if (!e->pid && p)
        e->pid = (long)p->pid;
    r->st.entries++;
    if (!e->resolved)
        r->st.unresolved++;
    return r->fn ? r->fn(r->user, e) : LA_OK;
}

/* One log, activity, signpost or trace tracepoint (d: its data). */
static enum la_rc tracepoint(struct la_tv3_reader *r, const struct tv3_proc *p, size_t pidx,
                             const uint8_t *h, const uint8_t *d, size_t n, uint64_t ct)
{
    unsigned record = h[0], ltype = h[1], flags = tv3_u16(h + 2);
    struct tv3_where w = { .flags = flags, .ref = tv3_u32(h + 4) };
    struct tv3_cur c = { d, n, 0 };
    struct la_tv3_entry e = { .kind = kind_of(record), .level = level_of(record, ltype),
                              .thread = tv3_u64(h + 8) };
    struct tv3_arg args[TV3_MAX_ARGS];
    size_t nargs = 0;
    int has_sub = 0;
    uint16_t sub = 0;
    uint32_t ovref = 0;

    if (flags & 0x0001)
        tv3_get(&c, 8);                       /* current activity */
    if (record == 0x02) {
        if (flags & 0x0010)
            e.pid = (long)tv3_get(&c, 8);     /* unique pid */
        if (flags & 0x0200)
            tv3_get(&c, 8);                   /* other activity */
        if (ltype != 0x03)
            tv3_get(&c, 8);                   /* new activity */
    } else if (record != 0x03 && (flags & 0x0100))
        tv3_get(&c, 4);                       /* private data range */
    w.pc = tv3_get(&c, 4);
    if (record != 0x03) {
        if (flags & 0x0020) {
            w.has_large = 1;
            w.large = (uint16_t)tv3_get(&c, 2);
        }
        switch (flags & 0x0e) {
        case 0x08:
            w.pc |= tv3_get(&c, 2) << 32;
            break;
        case 0x0a:
            w.uuid = tv3_take(&c, 16);
            break;
        case 0x0c:
            w.has_large_sc = 1;
            w.large_sc = (uint16_t)tv3_get(&c, 2);
            break;
        default:
            break;
        }
    }
    if (record == 0x04 || record == 0x06) {
        if (flags & 0x0200) {
            has_sub = 1;
            sub = (uint16_t)tv3_get(&c, 2);
        }
        if (record == 0x06)
            tv3_get(&c, 8);                   /* signpost id */
        if (flags & 0x0400)
            tv3_get(&c, 1);                   /* ttl */
        if (flags & 0x0800)
            ovref = (uint32_t)tv3_get(&c, 2); /* oversize reference */
        if (record == 0x06 && (flags & 0x8000))
            tv3_get(&c, (flags & 0x0020) ? 6 : 4);   /* name reference */
        if (c.n >= 2)
            nargs = read_items(&c, args);
        /* The arguments of a long message are in an oversize chunk read before. */
        const struct tv3_oversize *ov = (flags & 0x0800) && !nargs && p
                                            ? find_oversize(r, p->id1, p->id2, ovref) : NULL;
        if (ov && ov->len >= 2) {
            struct tv3_cur oc = { ov->data, ov->len, 0 };
            nargs = read_items(&oc, args);
        }
    } else if (record == 0x03 && c.n >= 1) {
        /* Trace: values front to back, their sizes, then their count, at the end. */
        size_t cnt = c.p[c.n - 1];
        if (cnt < c.n && cnt <= TV3_MAX_ARGS) {
            const uint8_t *sizes = c.p + c.n - 1 - cnt;
            size_t off = 0;
            for (size_t i = 0; i < cnt && off + sizes[i] <= (size_t)(sizes - c.p); i++) {
                args[nargs++] = (struct tv3_arg){ 0x00, c.p + off, sizes[i] };
                off += sizes[i];
            }
        }
    }
    if (c.bad) {
        r->st.damaged++;
        tv3_note(r, "a firehose tracepoint's fields run past its data");
        return LA_OK;
    }
    subsystem_of(r, p, has_sub, sub, &e.subsystem, &e.category);
    e.resolved = find_format(r, p, &w);
    la_buf_reset(&r->msg);
    enum la_rc rc = tv3_render(&r->msg, e.resolved ? r->fmt.buf : NULL, r->fmt.len, args, nargs);
    if (rc == LA_FATAL)
        return rc;
    e.message = la_sv_make(r->msg.buf, r->msg.len);
    return emit(r, &e, p, pidx, ct);
}

static enum la_rc loss(struct la_tv3_reader *r, const struct tv3_proc *p, size_t pidx,
                       const uint8_t *h, const uint8_t *d, size_t n, uint64_t ct)
{
    struct la_tv3_entry e = { .kind = "loss", .level = "Loss", .thread = tv3_u64(h + 8),
                              .resolved = 1 };

    if (n < 24)
        return LA_OK;
    la_buf_reset(&r->msg);
    if (la_buf_addf(&r->msg, "lost %llu unreliable messages",
                    (unsigned long long)tv3_u64(d + 16)) != LA_OK)
        return LA_FATAL;
    e.message = la_sv_make(r->msg.buf, r->msg.len);
    return emit(r, &e, p, pidx, ct);
}

static enum la_rc firehose(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    r->st.firehose++;
    if (n < 32) {
        r->st.damaged++;
        tv3_note(r, "firehose chunk of %zu bytes, too short", n);
        return LA_OK;
    }
    size_t pidx = 0;
    const struct tv3_proc *p = find_proc(r, tv3_u64(d), tv3_u32(d + 8), &pidx);
    size_t pub = tv3_u16(d + 16);
    uint64_t base = tv3_u64(d + 24);
    if (pub < 16 || pub - 16 > n - 32) {
        r->st.damaged++;
        tv3_note(r, "firehose public data size %zu runs past its chunk", pub);
        return LA_OK;
    }
    const uint8_t *t = d + 32;
    size_t tn = pub - 16, off = 0;
    while (off + 24 <= tn) {
        const uint8_t *h = t + off;
        unsigned record = h[0];
        size_t ds = tv3_u16(h + 22);
        if (record == 0)
            break;   /* remnant */
        if (ds > tn - off - 24) {
            r->st.damaged++;
            tv3_note(r, "firehose tracepoint of %zu bytes runs past the public data", ds);
            return LA_OK;
        }
        uint64_t ct = base + (tv3_u32(h + 16) | (uint64_t)tv3_u16(h + 20) << 32);
        enum la_rc rc = LA_OK;
        if (record == 0x07)
            rc = loss(r, p, pidx, h, h + 24, ds, ct);
        else if (record >= 0x02 && record <= 0x06 && record != 0x05)
            rc = tracepoint(r, p, pidx, h, h + 24, ds, ct);
        else
            r->st.unsupported++;
        if (rc != LA_OK)
            return rc;
        off += 24 + ds;
        off = (off + 7) & ~(size_t)7;
    }
    return LA_OK;
}

static enum la_rc statedump(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    r->st.statedump++;
    if (n < 248)
        return LA_OK;
    size_t pidx = 0;
    const struct tv3_proc *p = find_proc(r, tv3_u64(d), tv3_u32(d + 8), &pidx);
    struct la_tv3_entry e = { .kind = "statedump", .level = "State", .resolved = 1 };
    uint32_t type = tv3_u32(d + 48), size = tv3_u32(d + 52);
    la_buf_reset(&r->msg);
    if (la_buf_adds(&r->msg, "state dump: ") != LA_OK ||
        la_buf_add(&r->msg, d + 184, strnlen((const char *)d + 184, 64)) != LA_OK ||
        la_buf_addf(&r->msg, " (%s, %u bytes)",
                    type == 1 ? "plist" : type == 2 ? "protobuf" : "custom", size) != LA_OK)
        return LA_FATAL;
    e.message = la_sv_make(r->msg.buf, r->msg.len);
    return emit(r, &e, p, pidx, tv3_u64(d + 16));
}

static enum la_rc simpledump(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    r->st.simpledump++;
    if (n < 84)
        return LA_OK;
    size_t pidx = 0;
    const struct tv3_proc *p = find_proc(r, tv3_u64(d), tv3_u32(d + 8), &pidx);
    uint32_t sl = tv3_u32(d + 76), ml = tv3_u32(d + 80);
    if (sl > n - 84 || ml > n - 84 - sl) {
        r->st.damaged++;
        tv3_note(r, "simpledump strings run past the chunk");
        return LA_OK;
    }
    struct la_tv3_entry e = { .kind = "simpledump", .level = level_of(0x04, d[13]),
                              .thread = tv3_u64(d + 24), .resolved = 1 };
    e.subsystem = la_sv_make((const char *)d + 84, strnlen((const char *)d + 84, sl));
    e.message = la_sv_make((const char *)d + 84 + sl, strnlen((const char *)d + 84 + sl, ml));
    return emit(r, &e, p, pidx, tv3_u64(d + 16));
}

enum la_rc tv3_inner_chunk(struct la_tv3_reader *r, uint32_t tag, const uint8_t *d, size_t n)
{
    switch (tag) {
    case 0x6001:
        return firehose(r, d, n);
    case 0x6002:
        return oversize(r, d, n);
    case 0x6003:
        return statedump(r, d, n);
    case 0x6004:
        return simpledump(r, d, n);
    default:
        r->st.unsupported++;
        return LA_OK;
    }
}
