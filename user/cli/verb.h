/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one option layer of every verb, and what the offline verbs share.
 *
 * A verb is data (struct verb): its name, operands, help, examples and
 * options, each option a row of a table (struct opt) saying where its
 * value goes and what type it has, as xdp-tools' params tables do. main.c
 * parses the command line against that table (verb_parse()), prints help
 * and usage errors, and calls the verb with its parsed options; no verb
 * parses argv itself. The same tables generate the help text, the man
 * page and the shell completion (`xvnet help --man`, `--completion`).
 *
 * The offline verbs then open a session: load the topology with its
 * diagnostics, build the route engine, resolve names typed by the user.
 */
#ifndef XVNET_VERB_H
#define XVNET_VERB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "model.h"
#include "print.h"
#include "topo.h"

enum opt_type {
	OPT_FLAG,	/* bool, no value */
	OPT_STRING,	/* const char * */
	OPT_LAB,	/* const char *, a valid lab name */
	OPT_INT,	/* long, within [min, max] */
	OPT_SIZE,	/* size_t, bytes with an optional K, M or G */
	OPT_CHOICE,	/* int: the index of the value in choices */
	OPT_FORMAT,	/* enum print_format (-o) */
	OPT_SET,	/* int: set to min, no value (-j: -o json) */
};

/* What a shell completes an option's value (or an operand) with. */
enum complete {
	COMPLETE_NONE,
	COMPLETE_FILE,		/* a file */
	COMPLETE_LAB,		/* a running lab's name */
	COMPLETE_TARGET,	/* VNET/SUBNET or a VM of the topology */
	COMPLETE_NODE,		/* a node of the lab */
	COMPLETE_CHOICE,	/* one of the option's choices */
	COMPLETE_COMMAND,	/* a command and its arguments */
};

struct opt {
	const char *name;	/* long name: --name */
	char letter;		/* short name: -letter, 0: none */
	enum opt_type type;
	size_t off;		/* where the value goes: offsetof(struct verb_opts, ...),
				 * or into the verb's own struct when own is set */
	const char *arg;	/* the value's name in help ("FILE"), NULL for flags */
	const char *help;	/* one or more lines, without the option column */
	const char *const *choices; /* OPT_CHOICE, OPT_FORMAT: NULL-terminated */
	long min, max;		/* OPT_INT: the range; OPT_SET: the value */
	enum complete complete;
	bool own;		/* off is into verb_opts.own */
};

/* Common options a verb takes (struct verb.common). */
#define VERB_TOPOLOGY	(1u << 0) /* -t FILE, --max-input N */
#define VERB_LAB	(1u << 1) /* --lab NAME */
#define VERB_OUTPUT	(1u << 2) /* -o FORMAT, -j */

/* struct verb.flags */
#define VERB_ROOT	(1u << 0) /* needs root: refused early, saying so */
#define VERB_REST	(1u << 1) /* after nfixed operands, the rest of the line is operands */

struct verb_opts;

struct verb {
	const char *name;
	const char *summary;	/* one line for `xvnet help` */
	const char *operands;	/* their names in the usage line: "TARGET DESTINATION_IP" */
	int nmin, nmax;		/* how many operands; nmax -1: any */
	int nfixed;		/* VERB_REST: operands before the rest */
	enum complete operand_complete[3]; /* what each of the first operands is */
	const char *help;	/* what it does: paragraphs, lines of at most 78 characters */
	const char *const *examples; /* command lines, NULL-terminated */
	const struct opt *opts;	/* its own options, ended by a NULL name */
	unsigned int common;	/* VERB_TOPOLOGY ... */
	unsigned int flags;	/* VERB_ROOT ... */
	size_t own_size;	/* the verb's own options struct (pktgen) ... */
	const void *own_defaults; /* ... and its defaults, copied before parsing */
	int (*run)(struct verb_opts *o);
};

/* Every option's value, after parsing; zero means "not given". */
struct verb_opts {
	const struct verb *verb;
	const char *topology;	/* -t, else the lab's recorded file, else $XVNET_TOPOLOGY */
	const char *lab;	/* --lab */
	enum print_format format; /* -o, -j */
	size_t max_input;	/* --max-input */
	bool stats;		/* check --stats */
	bool round_trip;	/* path --round-trip */
	int proto;		/* -p (enum fw_proto: FW_ANY when not given) */
	long port;		/* path --port */
	bool watch;		/* stats --watch */
	long count;		/* trace --count */
	const char *node;	/* trace --node */
	bool drops;		/* trace --drops */
	bool no_arp;		/* trace --no-arp */
	bool all;		/* destroy --all */
	bool any_owner;		/* destroy --all, cleanup: every user's labs */
	char **args;		/* the operands */
	int nargs;
	void *own;		/* the verb's own options (own_size bytes) */
};

/* Options several verbs declare alike (in their opts tables). */
extern const char *const verb_protocols[]; /* "any", "tcp", "udp", "icmp": enum fw_proto */
#define OPT_PROTOCOL(what) { .name = "protocol", .letter = 'p', .type = OPT_CHOICE, \
			     .off = offsetof(struct verb_opts, proto), .arg = "P", .help = what, \
			     .choices = verb_protocols, .complete = COMPLETE_CHOICE }

enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_BAD };

/*
 * Parse argv (argv[0] is the verb) into o against v's options: PARSE_RUN,
 * or PARSE_HELP after printing the help, or PARSE_BAD after printing the
 * error, the usage line and where to look. o->own is allocated here when
 * the verb has its own options: verb_opts_free().
 */
enum parse_result verb_parse(const struct verb *v, int argc, char **argv,
			     struct verb_opts *o);
void verb_opts_free(struct verb_opts *o);
/* Every option table of v, its own first, help last; NULL-terminated. */
void verb_opt_tables(const struct verb *v, const struct opt *t[6]);
/* The option --name (name, len) or -letter (name NULL) of v; NULL: none. */
const struct opt *verb_opt_find(const struct verb *v, const char *name, size_t len,
				char letter);
/* verb_doc.c: the man page, and completion candidates (`xvnet __complete`). */
void verb_man(FILE *f, const struct verb *const *verbs, const char *version);
int verb_complete(const struct verb *const *verbs, int argc, char **argv);
/* The verb's help (usage, description, options, examples) on f. */
void verb_help(const struct verb *v, FILE *f);
/* "xvnet VERB: MESSAGE", the usage line and "Try ..." on stderr; EXIT_USAGE. */
int verb_usage_error(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "xvnet VERB: MESSAGE" on stderr; EXIT_USAGE. */
int verb_bad_arg(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * "; did you mean 'x'?" when word is a likely typo of one of the n names
 * (an array of records whose first member is the name, stride apart), else "".
 */
const char *verb_did_you_mean(char *buf, size_t len, const char *word,
			      const void *names, size_t stride, int n);

/* A verb's working state: zeroed, then session_open() it. */
struct session {
	const struct verb *verb;
	struct verb_opts o;
	struct topology topo;
	struct engine eng;
	char *lab_file;		/* the file --lab recorded, when it is the topology */
	bool loaded, built;
};

/* Print every diagnostic line to stderr, free them; returns EXIT_USAGE. */
int verb_diagnostics(struct diags *d);
/*
 * The topology file: -t, else --lab's recorded file, else $XVNET_TOPOLOGY.
 * 0, or EXIT_USAGE saying what to give.
 */
int session_topology(struct session *s);
/* Load and validate the topology; diagnostics to stderr, EXIT_USAGE. */
int session_load(struct session *s);
/*
 * Compute every subnet's effective routes, and check what the model needs
 * beyond them (a public address for every VM that may reach the Internet):
 * EXIT_USAGE with a FILE:LINE:COL diagnostic on stderr.
 */
int session_build(struct session *s);
/* The same, the diagnostics into *d (-1) for the caller to print. */
int session_build_diags(struct session *s, struct diags *d);
/* All three in turn, from the options o: 0, or the exit code. */
int session_open(struct session *s, const struct verb_opts *o);
void session_close(struct session *s);

/* Report a bad argument of the verb and return EXIT_USAGE. */
int verb_bad_input(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* TARGET: "VNET/SUBNET" or a VM name. Sets *vm (-1 for a subnet). */
int verb_subnet(const struct session *s, const char *target, int *subnet, int *vm);
/* SOURCE of a flow: a VM or a site host, by name or by address; *src its address. */
int verb_origin(const struct session *s, const char *arg, struct origin *o, uint32_t *src);
/* A dotted-quad address argument. */
int verb_ipv4(const struct session *s, const char *arg, uint32_t *addr);

/* End the document; EXIT_FAIL when stdout cannot be written, else rc. */
int verb_print_end(int rc);

#endif
