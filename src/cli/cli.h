#ifndef LA_CLI_CLI_H
#define LA_CLI_CLI_H

/* The command line: the only place (with serve/) that prints or exits. */
int la_cli_main(int argc, char **argv);

#endif
