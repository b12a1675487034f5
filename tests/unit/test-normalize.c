/*
 * Unit tests: line normalisation's vector scanner (src/formats/special.c) and the copy-free
 * normaliser (la_normalize_view(), src/formats/normalize.c).
 *
 * Every scanner variant this build can run (SSE2 on x86-64, NEON on aarch64, the portable
 * loop everywhere) is checked against a byte-at-a-time model: a special byte at every
 * position of lines from 0 to 80 bytes (shorter and longer than a vector), beside high-bit
 * bytes and the neighbours of the special values.  Each line is in storage of exactly its
 * length, so a read past its end shows under ASan.  The normaliser is checked against the
 * copying implementation it replaced (ref_normalize below, kept as the model; it decodes
 * entities with the normaliser's own la_normalize_entity() and typography with its
 * la_normalize_typo(), which the literal cases of quote_markers and typography pin) on fixed
 * and pseudo-random lines, and a clean line must come back as a view of the input.
 */
#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

/* ------------------------------------------------------------ the model */

static size_t model_special(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0 || c == 0x1b || c == '\r' || c == '&' || c == '[' || c == 0xc2 ||
            c == 0xe2 || c == 0xef)
            return i;
    }
    return n;
}

static int ref_progress_at(const char *s, size_t n, size_t i, size_t *end)
{
    size_t j = i + 1;

    if (s[i] != '[')
        return 0;
    while (j < n && (s[j] == '=' || s[j] == ' ' || s[j] == '#' || s[j] == '-' || s[j] == '>'))
        j++;
    if (j >= n || s[j] != ']' || j - i < 6)
        return 0;
    j++;
    j = la_formats_skip_sp(s, n, j);
    size_t k = j;
    while (k < n && (isdigit((unsigned char)s[k]) || s[k] == '.'))
        k++;
    if (k == j || k >= n || s[k] != '%')
        return 0;
    *end = k + 1;
    return 1;
}

/* Past the quote markers at s[i]. */
static size_t ref_unquote(const char *s, size_t n, size_t i)
{
    for (;;) {
        size_t j = la_formats_skip_sp(s, n, i);
        if (j < n && s[j] == '>' &&
            (j + 1 == n || s[j + 1] == ' ' || s[j + 1] == '>' || s[j + 1] == '[' ||
             isalnum((unsigned char)s[j + 1])) &&
            j - i < 4) {
            i = j + 1;
            if (i < n && s[i] == ' ')
                i++;
            continue;
        }
        return i;
    }
}

/*
 * The normaliser before the copy-free one: every line copied (the model of the output), and
 * quote markers taken off before the copy and again after it (an escaped or coloured one).
 */
static int ref_normalize(const char *s, size_t n, char *d, size_t *ret_len)
{
    size_t i = ref_unquote(s, n, 0), o = 0;
    {
        size_t j = la_formats_skip_sp(s, n, i);
        if (n - j >= 3 && (!memcmp(s + j, "```", 3) || !memcmp(s + j, "~~~", 3))) {
            size_t k = j + 3;
            while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '`' || s[k] == '~' ||
                             s[k] == '-' || s[k] == '_'))
                k++;
            if (la_formats_skip_sp(s, n, k) == n)
                return 0;
        }
    }
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t end;
        int k;
        if (c == 0x1b) {
            i++;
            if (i < n && s[i] == '[') {
                i++;
                while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
                    i++;
                if (i < n)
                    i++;
            } else if (i < n && s[i] == ']') {
                while (i < n && s[i] != 0x07)
                    i++;
                if (i < n)
                    i++;
            } else if (i < n) {
                i++;
            }
        } else if (c == '\r') {
            d[o++] = ' ';
            i++;
        } else if (c == '&') {
            d[o++] = la_normalize_entity(s, n, &i);
        } else if (c == '[' && ref_progress_at(s, n, i, &end)) {
            i = la_formats_skip_sp(s, n, end);
        } else if (c == 0) {
            i++;
        } else if (c >= 0x80 && (k = la_normalize_typo(s, n, &i, d + o)) >= 0) {
            o += (size_t)k;
        } else {
            d[o++] = (char)c;
            i++;
        }
    }
    while (o && (d[o - 1] == ' ' || d[o - 1] == '\t'))
        o--;
    i = ref_unquote(d, o, 0);
    memmove(d, d + i, o - i);
    *ret_len = o - i;
    return 1;
}

/* ------------------------------------------------------------ the scanner */

typedef size_t scan_fn(const char *s, size_t n);

static const struct {
    const char *name;
    scan_fn *fn;
} variants[] = {
    { "portable", la_formats_find_special_portable },
#if LA_HAVE_SSE2_SPECIAL
    { "sse2", la_formats_find_special_sse2 },
#endif
#if LA_HAVE_NEON_SPECIAL
    { "neon", la_formats_find_special_neon },
#endif
    { "chosen", la_formats_find_special },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

/* Line of n bytes of filler in storage of exactly n bytes (NULL for n == 0 is fine too). */
static char *line_of(size_t n, unsigned char filler)
{
    char *s = malloc(n ? n : 1);
    assert_non_null(s);
    memset(s, filler, n);
    return s;
}

static void check_all(const char *s, size_t n, size_t want)
{
    for (size_t v = 0; v < NVARIANTS; v++) {
        size_t got = variants[v].fn(s, n);
        if (got != want)
            fail_msg("%s: length %zu: got %zu, want %zu", variants[v].name, n, got, want);
    }
}

/* A special byte at every position of lines shorter and longer than a vector. */
static void special_at_every_position(void **state)
{
    static const unsigned char specials[] = { 0x00, 0x1b, '\r', '&', '[', 0xc2, 0xe2, 0xef };
    static const unsigned char fillers[] = { 'a',  ' ',  0x80, 0xff, 0xc3, 0x7f, 'Z',  '\\',
                                             ']',  0x1a, 0x1c, 0x0c, 0x0e, '%',  '\'', '\n',
                                             '\t', 0xc1, 0xe1, 0xe3, 0xee, 0xf0 };
    (void)state;
    for (size_t n = 0; n <= 80; n++) {
        for (size_t f = 0; f < sizeof(fillers); f++) {
            char *s = line_of(n, fillers[f]);
            check_all(s, n, n);           /* no special byte at all */
            for (size_t sp = 0; sp < sizeof(specials); sp++)
                for (size_t at = 0; at < n; at++) {
                    s[at] = (char)specials[sp];
                    check_all(s, n, at);
                    /* A second one later changes nothing: the first is reported. */
                    if (at + 1 < n) {
                        s[n - 1] = (char)specials[(sp + 1) % sizeof(specials)];
                        check_all(s, n, at);
                        s[n - 1] = (char)fillers[f];
                    }
                    s[at] = (char)fillers[f];
                }
            free(s);
        }
    }
}

/* Every byte value, alone in a line at each place in and around a vector. */
static void every_byte_value(void **state)
{
    (void)state;
    for (unsigned c = 0; c < 256; c++)
        for (size_t n = 1; n <= 40; n += 13)
            for (size_t at = 0; at < n; at++) {
                char *s = line_of(n, 'x');
                s[at] = (char)c;
                check_all(s, n, model_special(s, n));
                free(s);
            }
    assert_string_not_equal(la_formats_special_variant(), "");
#if defined(LA_SIMD_PORTABLE)
    assert_string_equal(la_formats_special_variant(), "portable");
#elif LA_HAVE_SSE2_SPECIAL
    assert_string_equal(la_formats_special_variant(), "sse2");
#elif LA_HAVE_NEON_SPECIAL
    assert_string_equal(la_formats_special_variant(), "neon");
#endif
}

/* ------------------------------------------------------------ the normaliser */

/* Normalise s both ways; returns 1 when the view is into the input (not copied). */
static int same_as_model(const char *s, size_t n)
{
    char *in = line_of(n, 0), *want = malloc(n + 1);
    struct la_buf scratch = LA_BUF_INIT;
    struct la_sv v = { NULL, 0 };
    size_t wl = 0;
    int viewed;

    assert_non_null(want);
    memcpy(in, s, n);
    int wk = ref_normalize(in, n, want, &wl);
    int k = la_normalize_view(la_sv_make(in, n), &scratch, &v);
    assert_int_equal(k, wk);
    viewed = k == 1 && v.p >= in && v.p <= in + n;
    if (k == 1) {
        if (v.len != wl || memcmp(v.p, want, wl)) {
            for (size_t b = 0; b < n; b++)
                fprintf(stderr, "%02x ", (unsigned char)s[b]);
            fail_msg("line '%.*s': got '%.*s', want '%.*s'", (int)n, s, (int)v.len, v.p,
                     (int)wl, want);
        }
        /* The copying wrapper gives the same text, NUL-terminated. */
        struct la_buf out = LA_BUF_INIT;
        assert_int_equal(la_normalize_line(la_sv_make(in, n), &out), 1);
        assert_int_equal(out.len, wl);
        assert_memory_equal(out.buf, want, wl);
        assert_int_equal(out.buf[out.len], '\0');
        la_buf_release(&out);
    }
    la_buf_release(&scratch);
    free(in);
    free(want);
    return viewed;
}

#define S(lit) (lit), sizeof(lit) - 1

static void clean_lines_are_views(void **state)
{
    (void)state;
    /* Clean: no special byte, or ones that change nothing; short and long. */
    assert_true(same_as_model(S("")));
    assert_true(same_as_model(S("a")));
    assert_true(same_as_model(S("short line")));
    assert_true(same_as_model(S("Nov 25 13:45:49 host configd[53]: network changed: v4(en0)")));
    assert_true(same_as_model(S("GET https://x.example/a?b=1&c=2&d took 3 ms")));
    assert_true(same_as_model(S("caf\xc3\xa9 \xe2\x86\x92 \xff\x80 \xc2\xa9 high bytes")));
    assert_true(same_as_model(S("trailing blanks  \t ")));
    assert_true(same_as_model(S("> quoted reply line")));
    assert_true(same_as_model(S("[=====] not a progress bar without a percentage")));
    assert_true(same_as_model(S("&ampersand alone and &#4000; unknown")));
    /* Changed: copied into scratch. */
    assert_false(same_as_model(S("a\rb")));
    assert_false(same_as_model(S("\r")));
    assert_false(same_as_model(S("nul\0byte")));
    assert_false(same_as_model(S("0123456789abcdef0123456789abcdef\0")));
    assert_false(same_as_model(S("\x1b[31mred\x1b[0m text")));
    assert_false(same_as_model(S("\x1b]0;title\x07rest")));
    assert_false(same_as_model(S("x &lt;tag&gt; &amp; &quot;q&quot; &nbsp;")));
    assert_false(same_as_model(S("caf\xc3\xa9 \xe2\x80\x94 \xff\x80 high bytes")));
    assert_false(same_as_model(S("copying [==========>   ] 45.5% done")));
    assert_false(same_as_model(S("Nov 25 13:45:49 host proc[1]: a long enough line \r\n")));
    /* Dropped: a Markdown fence. */
    assert_false(same_as_model(S("```")));
    assert_false(same_as_model(S("  ~~~text")));
}

/* la_normalize_line() makes in want, never longer than in. */
static void normalizes_to(const char *in, const char *want)
{
    struct la_buf out = LA_BUF_INIT;
    size_t n = strlen(in);

    assert_int_equal(la_normalize_line(la_sv_make(in, n), &out), 1);
    if (out.len != strlen(want) || memcmp(out.buf, want, out.len))
        fail_msg("'%s': got '%.*s', want '%s'", in, (int)out.len, out.buf, want);
    assert_true(out.len <= n);
    la_buf_release(&out);
}

/* Quote markers as pasted: "> x", ">x", ">> x" and ">>x" are quotes; "->", ">=" are text. */
static void quote_markers(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "> Waiting for device...", "Waiting for device..." },
        { ">Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90",
          "Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90" },
        { ">> nested reply", "nested reply" },
        { ">>Error: x", "Error: x" },
        { "  >3 quoted after blanks", "3 quoted after blanks" },
        { "-> an arrow", "-> an arrow" },
        { ">= 12 is not a quote", ">= 12 is not a quote" },
        { ">-not a quote", ">-not a quote" },
        { ">[12:00:01.000] x", "[12:00:01.000] x" },
        { ">>> import usb", "import usb" },
        /* A quote marker HTML-escaped or coloured shows only once the line is cleaned. */
        { "&gt;Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90",
          "Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90" },
        { "&gt; &gt; nested &gt; reply", "nested > reply" },
        { "\x1b[0;31m>Error: x\x1b[0m", "Error: x" },
        { "&gt;= 12 is not a quote", ">= 12 is not a quote" },
        /* Numeric references to printable ASCII, as Python's html.escape writes them. */
        { "can&#x27;t &#34;x&#34; &#X3C;b&#x3e; &#38;", "can't \"x\" <b> &" },
        { "&#128; &#x1F600; &#; &#x; &#12 &#000039;", "&#128; &#x1F600; &#; &#x; &#12 &#000039;" },
        /* The named entities. */
        { "x &lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &nbsp;y &ampx", "x <tag> & \"q\" 'a'  y &ampx" },
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
        normalizes_to(cases[k].in, cases[k].want);
}

/* The typography a paste picks up: made ASCII; other characters, and broken UTF-8, stay. */
static void typography(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* A forum's curly quotes, dashes and ellipsis; the no-break space after a colon. */
        { "Unable to find \xe2\x80\x98iBEC\xe2\x80\x99 \xe2\x80\x9cx\xe2\x80\x9d",
          "Unable to find 'iBEC' \"x\"" },
        { "Waiting for device\xe2\x80\xa6", "Waiting for device..." },
        { "ERROR:\xc2\xa0Unable \xe2\x80\x93 x", "ERROR: Unable - x" },
        { "what=\xe2\x80\x94use-pwndfu was specified", "what=--use-pwndfu was specified" },
        { "Fail code \xe2\x88\x92" "2", "Fail code -2" },
        /* Ligatures and full-width forms, as OCR and East Asian input methods give them. */
        { "Unable to \xef\xac\x81nd \xef\xac\x82" "ash \xef\xac\x83x \xef\xac\x84y \xef\xac\x80z",
          "Unable to find flash ffix ffly ffz" },
        { "\xe6\x9c\xaa\xe7\x9f\xa5\xe9\x94\x99\xe8\xaf\xaf\xef\xbc\x88\xef\xbc\x94\xef\xbc\x90\xef\xbc\x91\xef\xbc\x93\xef\xbc\x89",
          "\xe6\x9c\xaa\xe7\x9f\xa5\xe9\x94\x99\xe8\xaf\xaf(4013)" },
        { "ERROR\xef\xbc\x9a x\xef\xbc\x8c y", "ERROR: x, y" },
        /* Zero-width characters and soft hyphens go. */
        { "fail\xe2\x80\x8b" "ed \xef\xbb\xbfto re\xc2\xadstore", "failed to restore" },
        /* Box drawing, arrows, other Latin-1 and broken sequences stay as they are. */
        { "  \xe2\x94\x82   x \xe2\x86\x92 y caf\xc3\xa9 \xc2\xa9", "  \xe2\x94\x82   x \xe2\x86\x92 y caf\xc3\xa9 \xc2\xa9" },
        { "cut \xe2\x80", "cut \xe2\x80" },
        { "bad \xc2x \xef\xbc", "bad \xc2x \xef\xbc" },
    };

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        normalizes_to(cases[k].in, cases[k].want);
        same_as_model(cases[k].in, strlen(cases[k].in));
    }
    /* A line whose only non-ASCII characters are left alone is handed on uncopied. */
    assert_true(same_as_model(S("  \xe2\x94\x82   Sending iBEC \xe2\x86\x92 done \xc2\xa9")));
    assert_false(same_as_model(S("Sending iBEC\xe2\x80\xa6")));
}

/* Pseudo-random lines over an alphabet heavy in the bytes that matter. */
static void random_lines_match_model(void **state)
{
    static const char alpha[] = "ab [=>#-]%9.&;gtlampquosn\r\x1b\x07\t>`~\x80\xc3\xc2\xa0\xad"
                                "\xe2\x80\x9c\x94\xef\xbc\x88\xac\x81\xbb\xbf";
    uint32_t x = 19;
    char line[96];

    (void)state;
    for (int t = 0; t < 40000; t++) {
        size_t n = (size_t)(t % 97 == 0 ? 0 : (x >> 8) % sizeof(line));
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            line[i] = (x >> 16) % 4 ? alpha[(x >> 20) % (sizeof(alpha) - 1)]
                                    : (char)('A' + (x >> 24) % 26);
            if ((x >> 12) % 211 == 0)
                line[i] = '\0';
        }
        x = x * 1103515245u + 12345u;
        same_as_model(line, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(special_at_every_position),
        cmocka_unit_test(every_byte_value),
        cmocka_unit_test(clean_lines_are_views),
        cmocka_unit_test(quote_markers),
        cmocka_unit_test(typography),
        cmocka_unit_test(random_lines_match_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
