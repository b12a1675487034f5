/*
 * The program's entry point: everything is in cli/ (the command table, options, output)
 * and below it the la-core library; see docs/design.md.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return la_cli_main(argc, argv);
}
