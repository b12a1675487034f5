/*
 * `loganalyze completion bash|zsh|fish`: the shell completion scripts, written from the same
 * tables as --help, so they cannot drift from the program: the commands (la_cli_commands[],
 * the hidden ones left out), the options (la_cli_opts[] with the kind of value each takes),
 * the report formats, levels, --limit names and input format ids (la_cli_list()), and from
 * the knowledge data the --tried steps and the error codes `explain` knows.  meson runs it at
 * build time and installs the three scripts where each shell looks (data/meson.build).
 *
 * `loganalyze completion options` prints every long option, one a line: the man page test
 * (tests/e2e/run-docs.sh) checks docs/loganalyze.1 against it.
 *
 * Every word written comes from our own tables or data files; none holds a quote, so the
 * scripts quote them with single quotes.  Descriptions are cut to their first clause and
 * stripped of the characters each shell's syntax gives a meaning to.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "rules/kb.h"

/* The words every script needs, each list space-separated. */
struct words {
    struct la_buf cmds, rules_subs, opts, steps, codes, spaces;
};

/* The --color words. */
#define COLOR_WORDS "auto always never"

static enum la_rc add_word(struct la_buf *b, const char *w)
{
    return la_buf_addf(b, "%s%s", b->len ? " " : "", w);
}

static enum la_rc gather(struct words *w, const struct la_kb *kb)
{
    enum la_rc rc = LA_OK;
    char num[32];

    for (size_t i = 0; i < la_cli_n_commands && rc == LA_OK; i++) {
        const struct la_cli_command *c = &la_cli_commands[i];
        const char *sp = c->name ? strchr(c->name, ' ') : NULL;
        if (!c->name || !c->summary)
            continue;
        if (!sp) {
            rc = add_word(&w->cmds, c->name);
            continue;
        }
        if (strncmp(c->name, "rules ", 6))
            continue;                  /* the one two-word command is `rules` */
        rc = add_word(&w->rules_subs, sp + 1);
        if (rc == LA_OK && !w->rules_subs.buf[strlen(sp + 1)])
            rc = add_word(&w->cmds, "rules");     /* once, with its first subcommand */
    }
    for (size_t i = 0; i < la_cli_n_opts && rc == LA_OK; i++) {
        rc = la_buf_addf(&w->opts, "%s--%s", w->opts.len ? " " : "", la_cli_opts[i].name);
        if (rc == LA_OK && la_cli_opts[i].id < 256)
            rc = la_buf_addf(&w->opts, " -%c", la_cli_opts[i].id);
    }
    for (size_t i = 0; i < la_kb_n_steps(kb) && rc == LA_OK; i++)
        rc = add_word(&w->steps, la_kb_step_at(kb, i)->id);
    for (size_t i = 0; i < la_kb_n_codes(kb) && rc == LA_OK; i++) {
        const struct la_code *c = la_kb_code_at(kb, i);
        if (c->space)
            continue;                  /* off the error-number line: SPACE:CODE */
        snprintf(num, sizeof num, "%ld", c->code);
        rc = add_word(&w->codes, num);
    }
    for (size_t i = 0; i < la_space_count() && rc == LA_OK; i++)
        rc = la_buf_addf(&w->spaces, "%s%s:", w->spaces.len ? " " : "", la_space_at(i)->id);
    return rc;
}

static void release(struct words *w)
{
    la_buf_release(&w->cmds);
    la_buf_release(&w->rules_subs);
    la_buf_release(&w->opts);
    la_buf_release(&w->steps);
    la_buf_release(&w->codes);
    la_buf_release(&w->spaces);
}

/* The words an option's value completes from (space-separated), into b; 0 when none. */
static int value_words(const struct la_cli_opt *op, const struct words *w, struct la_buf *b)
{
    const char *names[LA_CLI_MAX_LIST];
    size_t n;

    la_buf_reset(b);
    switch (op->values) {
    case 'F': case 'L': case 'M': case 'I':
        n = la_cli_list(op->values, names);
        for (size_t i = 0; i < n; i++)
            if (la_buf_addf(b, "%s%s%s", i ? " " : "", names[i], op->values == 'M' ? "=" : "")
                != LA_OK)
                return 0;
        return 1;
    case 'S': return la_buf_adds(b, w->steps.buf) == LA_OK;
    case 'C': return la_buf_adds(b, COLOR_WORDS) == LA_OK;
    default: return 0;
    }
}

/*
 * An option's description: its help text up to the first clause (":", ";", a line break or an
 * unclosed " ("), a closed "(...)" left out, and without [ ] ' " ` $ \ (zsh and fish syntax).
 */
static enum la_rc describe(struct la_buf *b, const struct la_cli_opt *op)
{
    const char *h = op->help && op->help[0] != '%' ? op->help : op->arg ? op->arg : "";
    size_t n = strcspn(h, ":;\n");

    la_buf_reset(b);
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '(') {
            const char *close = memchr(h + i, ')', n - i);
            if (!close)
                break;
            i = (size_t)(close - h);
            continue;
        }
        if (!strchr("[]'\"`$\\", h[i]) && la_buf_addc(b, h[i]) != LA_OK)
            return LA_FATAL;
    }
    while (b->len && b->buf[b->len - 1] == ' ')
        b->buf[--b->len] = 0;
    for (char *p = strstr(b->buf, "  "); p; p = strstr(p, "  ")) {
        memmove(p, p + 1, strlen(p + 1) + 1);    /* "the  report" once "(single)" is out */
        b->len--;
    }
    return LA_OK;
}

/* ------------------------------------------------------------ bash */

static enum la_rc bash(struct la_buf *o, const struct words *w)
{
    struct la_buf v = LA_BUF_INIT, with_arg = LA_BUF_INIT;
    enum la_rc rc = la_buf_addf(o,
        "# bash completion for loganalyze (written by `loganalyze completion bash`)\n"
        "_loganalyze() {\n"
        "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
        "    local i w cmd= sub= skip=\n"
        "    if [[ $prev == = && $COMP_CWORD -ge 2 ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
        "    [[ $cur == = ]] && cur=\n"
        "    case $prev in\n");

    for (size_t i = 0; i < la_cli_n_opts && rc == LA_OK; i++) {
        const struct la_cli_opt *op = &la_cli_opts[i];
        if (!op->has_arg)
            continue;
        rc = la_buf_addf(&with_arg, "%s--%s", with_arg.len ? "|" : "", op->name);
        if (rc == LA_OK && op->id < 256)
            rc = la_buf_addf(&with_arg, "|-%c", op->id);
        if (rc != LA_OK)
            break;
        rc = la_buf_addf(o, "        --%s", op->name);
        if (rc == LA_OK && op->id < 256)
            rc = la_buf_addf(o, "|-%c", op->id);
        if (rc == LA_OK && op->values == 'S')
            rc = la_buf_addf(o, ")\n            local pre=; [[ $cur == *,* ]] && pre=${cur%%,*},\n"
                             "            COMPREPLY=($(compgen -P \"$pre\" -W '%s' -- "
                             "\"${cur##*,}\")); return ;;\n", w->steps.buf);
        else if (rc == LA_OK && value_words(op, w, &v))
            rc = la_buf_addf(o, ")\n            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))%s; "
                             "return ;;\n", v.buf,
                             op->values == 'M' ? "; compopt -o nospace 2>/dev/null" : "");
        else if (rc == LA_OK && (op->values == 'f' || op->values == 'd'))
            rc = la_buf_addf(o, ")\n            COMPREPLY=($(compgen -%c -- \"$cur\")); "
                             "return ;;\n", op->values);
        else if (rc == LA_OK)
            rc = la_buf_adds(o, ") return ;;\n");
    }
    if (rc == LA_OK)
        rc = la_buf_addf(o,
            "    esac\n"
            "    if [[ $cur == -* ]]; then\n"
            "        COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return\n"
            "    fi\n"
            "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "        w=${COMP_WORDS[i]}\n"
            "        if [[ $w == = ]]; then skip=1; continue; fi\n"
            "        if [[ -n $skip ]]; then skip=; continue; fi\n"
            "        case $w in\n"
            "            %s) skip=1 ;;\n"
            "            -*) ;;\n"
            "            *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi ;;\n"
            "        esac\n"
            "    done\n"
            "    case $cmd in\n"
            "        '') COMPREPLY=($(compgen -W '%s' -- \"$cur\") $(compgen -f -- \"$cur\")) ;;\n"
            "        explain) COMPREPLY=($(compgen -W '%s %s' -- \"$cur\")) ;;\n"
            "        rules) if [[ -z $sub ]]; then COMPREPLY=($(compgen -W '%s' -- \"$cur\"));\n"
            "               else COMPREPLY=($(compgen -f -- \"$cur\")); fi ;;\n"
            "        formats|logs|serve|completion) ;;\n"
            "        *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
            "    esac\n"
            "}\n"
            "complete -o filenames -F _loganalyze loganalyze\n",
            w->opts.buf, with_arg.buf, w->cmds.buf, w->codes.buf, w->spaces.buf,
            w->rules_subs.buf);
    la_buf_release(&v);
    la_buf_release(&with_arg);
    return rc;
}

/* ------------------------------------------------------------ zsh */

static enum la_rc zsh(struct la_buf *o, const struct words *w)
{
    struct la_buf v = LA_BUF_INIT, d = LA_BUF_INIT;
    enum la_rc rc = la_buf_adds(o,
        "#compdef loganalyze\n"
        "# zsh completion for loganalyze (written by `loganalyze completion zsh`)\n"
        "_loganalyze_tried() {\n"
        "  local -a steps\n");

    if (rc == LA_OK)
        rc = la_buf_addf(o, "  steps=(%s)\n"
                         "  _values -s , 'step' $steps\n"
                         "}\n"
                         "_loganalyze() {\n"
                         "  local curcontext=$curcontext state line\n"
                         "  typeset -A opt_args\n"
                         "  _arguments -s -S \\\n", w->steps.buf);
    for (size_t i = 0; i < la_cli_n_opts && rc == LA_OK; i++) {
        const struct la_cli_opt *op = &la_cli_opts[i];
        const char *action = "";
        if ((rc = describe(&d, op)) != LA_OK)
            break;
        if (op->has_arg) {
            if (op->values == 'S')
                action = ":step:_loganalyze_tried";
            else if (op->values == 'f')
                action = ":file:_files";
            else if (op->values == 'd')
                action = ":folder:_files -/";
            else if (!value_words(op, w, &v))
                action = ":value: ";
        }
        if (op->id < 256)
            rc = la_buf_addf(o, "    '(-%c --%s)'{-%c,--%s%s}'[%s]", op->id, op->name, op->id,
                             op->name, op->has_arg ? "=" : "", d.buf);
        else
            rc = la_buf_addf(o, "    '--%s%s[%s]", op->name, op->has_arg ? "=" : "", d.buf);
        if (rc == LA_OK && op->has_arg && !*action)
            rc = la_buf_addf(o, ":value:(%s)", v.buf);
        if (rc == LA_OK)
            rc = la_buf_addf(o, "%s' \\\n", action);
    }
    if (rc == LA_OK)
        rc = la_buf_addf(o,
            "    '1: :->first' \\\n"
            "    '*:: :->rest' && return\n"
            "  case $state in\n"
            "    first)\n"
            "      _alternative 'commands:command:(%s)' 'files:file:_files' ;;\n"
            "    rest)\n"
            "      case $words[1] in\n"
            "        explain) _alternative 'codes:code:(%s %s)' ;;\n"
            "        rules) if (( CURRENT == 2 )); then _values 'rules command' %s;\n"
            "               else _files; fi ;;\n"
            "        formats|logs|serve|completion) ;;\n"
            "        *) _files ;;\n"
            "      esac ;;\n"
            "  esac\n"
            "}\n"
            "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
            "  _loganalyze \"$@\"\n"
            "else\n"
            "  compdef _loganalyze loganalyze\n"
            "fi\n",
            w->cmds.buf, w->codes.buf, w->spaces.buf, w->rules_subs.buf);
    la_buf_release(&v);
    la_buf_release(&d);
    return rc;
}

/* ------------------------------------------------------------ fish */

static enum la_rc fish(struct la_buf *o, const struct words *w)
{
    struct la_buf v = LA_BUF_INIT, d = LA_BUF_INIT;
    enum la_rc rc = la_buf_addf(o,
        "# fish completion for loganalyze (written by `loganalyze completion fish`)\n"
        "function __loganalyze_steps\n"
        "    printf '%%s\\n' %s\n"
        "end\n"
        "complete -c loganalyze -n __fish_use_subcommand -x -a '%s'\n"
        "complete -c loganalyze -n '__fish_seen_subcommand_from rules; and not "
        "__fish_seen_subcommand_from %s' -x -a '%s'\n"
        "complete -c loganalyze -n '__fish_seen_subcommand_from explain' -x -a '%s %s'\n",
        w->steps.buf, w->cmds.buf, w->rules_subs.buf, w->rules_subs.buf, w->codes.buf,
        w->spaces.buf);

    for (size_t i = 0; i < la_cli_n_opts && rc == LA_OK; i++) {
        const struct la_cli_opt *op = &la_cli_opts[i];
        if ((rc = describe(&d, op)) != LA_OK)
            break;
        rc = la_buf_addf(o, "complete -c loganalyze -l %s", op->name);
        if (rc == LA_OK && op->id < 256)
            rc = la_buf_addf(o, " -s %c", op->id);
        if (rc == LA_OK && op->has_arg) {
            if (op->values == 'S')
                rc = la_buf_adds(o, " -x -a '(__fish_complete_list , __loganalyze_steps)'");
            else if (op->values == 'f' || op->values == 'd')
                rc = la_buf_adds(o, " -r -F");
            else if (value_words(op, w, &v))
                rc = la_buf_addf(o, " -x -a '%s'", v.buf);
            else
                rc = la_buf_adds(o, " -x");
        }
        if (rc == LA_OK)
            rc = la_buf_addf(o, " -d '%s'\n", d.buf);
    }
    la_buf_release(&v);
    la_buf_release(&d);
    return rc;
}

int la_cli_completion(struct la_cli *cli, int argc, char **argv)
{
    struct la_engine *e = NULL;
    struct words w = { LA_BUF_INIT, LA_BUF_INIT, LA_BUF_INIT, LA_BUF_INIT, LA_BUF_INIT,
                       LA_BUF_INIT };
    struct la_buf out = LA_BUF_INIT;
    enum la_rc rc;
    int code = 2;

    if (argc != 1 || (strcmp(argv[0], "bash") && strcmp(argv[0], "zsh") &&
                      strcmp(argv[0], "fish") && strcmp(argv[0], "options"))) {
        la_cli_err(cli, LA_D_USAGE, NULL, "usage: loganalyze completion bash|zsh|fish|options");
        return 2;
    }
    if (!strcmp(argv[0], "options")) {
        for (size_t i = 0; i < la_cli_n_opts; i++)
            printf("--%s\n", la_cli_opts[i].name);
        return 0;
    }
    cli->o.eo.no_default_rules = 1;    /* the steps and codes are in the data files */
    if (la_engine_new(&e, &cli->o.eo, &cli->sink) != LA_OK)
        return 2;
    rc = gather(&w, la_engine_kb(e));
    if (rc == LA_OK)
        rc = !strcmp(argv[0], "bash") ? bash(&out, &w)
             : !strcmp(argv[0], "zsh") ? zsh(&out, &w) : fish(&out, &w);
    if (rc != LA_OK)
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
    else if (la_cli_write_file(cli, "-", "completion script", &out) == 0)
        code = 0;
    la_buf_release(&out);
    release(&w);
    la_engine_free(e);
    return code;
}
