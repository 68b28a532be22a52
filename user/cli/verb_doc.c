// SPDX-License-Identifier: GPL-2.0
/*
 * What the verbs' tables (verb.h) also make: the man page (`xvnet help
 * --man`), and the candidates shell completion offers (`xvnet __complete
 * INDEX WORD...`, called by completion/xvnet.bash and completion/_xvnet):
 * verbs, options, option values, and operands: targets of the topology,
 * nodes and names of running labs. Reads the topology and the lab state
 * for those names; prints nothing but candidates (errors are silent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "netns.h"
#include "state.h"
#include "topo.h"
#include "verb.h"

/* ---- man page ------------------------------------------------------------ */

/* Text for troff: backslashes escaped, a line never starting with . or '. */
static void roff(FILE *f, const char *s, bool fill)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\n' && fill && s[1] == '\n')
			fputs("\n.PP", f);
		else
			fputc(*s, f);
	}
}

static void man_opt(FILE *f, const struct opt *op)
{
	fputs(".TP\n", f);
	if (op->letter)
		fprintf(f, "\\fB\\-%c\\fR, ", op->letter);
	fputs("\\fB\\-\\-", f);
	roff(f, op->name, false);
	fputs("\\fR", f);
	if (op->arg) {
		fputs(" \\fI", f);
		roff(f, op->arg, false);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, op->help, false);
	fputc('\n', f);
}

void verb_man(FILE *f, const struct verb *const *verbs, const char *version)
{
	fprintf(f, ".TH XVNET 1 \"\" \"xvnet %s\" \"User Commands\"\n", version);
	fputs(".SH NAME\nxvnet \\- Azure virtual\\-network routing on your own Linux box\n"
	      ".SH SYNOPSIS\n\\fBxvnet\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n"
	      ".br\n\\fBxvnet help\\fR [\\fICOMMAND\\fR]\n.br\n\\fBxvnet \\-\\-version\\fR\n"
	      ".SH DESCRIPTION\n"
	      "xvnet computes the effective routes of Azure virtual networks described in one\n"
	      "YAML file, as Azure does, and brings them up as a lab of network namespaces\n"
	      "joined by an XDP fabric that forwards with those routes.\n"
	      "Options may come before or after the arguments.\n"
	      ".SH COMMANDS\n", f);
	for (int i = 0; verbs[i]; i++) {
		const struct verb *v = verbs[i];
		const struct opt *tables[6];

		fprintf(f, ".SS \"xvnet %s [OPTIONS]%s", v->name, v->operands ? " " : "");
		roff(f, v->operands ? v->operands : "", false);
		fputs("\"\n", f);
		roff(f, v->help, true);
		verb_opt_tables(v, tables);
		for (int t = 0; tables[t]; t++)
			for (const struct opt *op = tables[t]; op->name; op++)
				man_opt(f, op);
		if (v->examples && v->examples[0]) {
			fputs(".PP\nExamples:\n.RS\n.nf\n", f);
			for (int k = 0; v->examples[k]; k++) {
				roff(f, v->examples[k], false);
				fputc('\n', f);
			}
			fputs(".fi\n.RE\n", f);
		}
	}
	fputs(".SH EXIT STATUS\n0: success; 1: a failed operation or check (path: the packet is dropped);\n"
	      "2: bad usage or bad input.\n"
	      ".SH ENVIRONMENT\n.TP\n.B XVNET_TOPOLOGY\nthe topology file when \\fB\\-t\\fR is not given.\n"
	      ".TP\n.B NO_COLOR\nwhen set, never colour output (jsonc).\n"
	      ".TP\n.B SUDO_UID\nthe owner recorded for a lab deployed through sudo.\n"
	      ".SH FILES\n.TP\n.I /run/xvnet\nthe state of running labs.\n", f);
}

/* ---- completion ------------------------------------------------------------ */

static void print_matches(const char *const *names, size_t stride, int n, const char *cur)
{
	for (int i = 0; i < n; i++) {
		const char *s = *(const char *const *)((const char *)names + (size_t)i * stride);

		if (s && !strncmp(s, cur, strlen(cur)))
			printf("%s\n", s);
	}
}

/* VMs, VNET/SUBNET names and site hosts of the topology file. */
static void complete_targets(const char *file, const char *cur)
{
	struct diags d = { 0 };
	struct topology t;

	if (!file || topo_load(file, &t, &d)) {
		diags_free(&d);
		return;
	}
	diags_free(&d);
	print_matches((const char *const *)&t.vms[0].name, sizeof(t.vms[0]), t.nvms, cur);
	for (int i = 0; i < t.nsubnets; i++) {
		char name[256];

		snprintf(name, sizeof(name), "%s/%s", t.vnets[t.subnets[i].vnet].name,
			 t.subnets[i].name);
		if (!strncmp(name, cur, strlen(cur)))
			printf("%s\n", name);
	}
	for (int s = 0; s < t.nsites; s++)
		print_matches((const char *const *)&t.sites[s].hosts[0].name, sizeof(struct host),
			      t.sites[s].nhosts, cur);
	topo_free(&t);
}

static void complete_labs(const char *cur)
{
	char **labs = state_labs(false);
	int n = 0;

	while (labs && labs[n])
		n++;
	print_matches((const char *const *)labs, sizeof(char *), n, cur);
	names_free(labs);
}

/* The nodes of lab (NULL: the only one running). */
static void complete_nodes(const char *lab, const char *cur)
{
	char **labs = NULL;
	struct lab_state st;

	if (!lab) {
		labs = state_labs(false);
		lab = labs && labs[0] && !labs[1] ? labs[0] : NULL;
	}
	if (lab && !state_read(lab, &st)) {
		print_matches((const char *const *)&st.nodes[0].name, sizeof(st.nodes[0]),
			      st.nnodes, cur);
		state_free(&st);
	}
	names_free(labs);
}

static void complete_value(const struct opt *op, const char *file, const char *lab,
			   const char *cur)
{
	switch (op->complete) {
	case COMPLETE_FILE:
		printf("__file__\n");
		break;
	case COMPLETE_LAB:
		complete_labs(cur);
		break;
	case COMPLETE_NODE:
		complete_nodes(lab, cur);
		break;
	case COMPLETE_TARGET:
		complete_targets(file, cur);
		break;
	case COMPLETE_CHOICE:
		for (int i = 0; op->choices[i]; i++)
			if (*op->choices[i] && !strncmp(op->choices[i], cur, strlen(cur)))
				printf("%s\n", op->choices[i]);
		break;
	default:
		break;
	}
}

static void complete_options(const struct verb *v, const char *cur)
{
	const struct opt *tables[6];

	verb_opt_tables(v, tables);
	for (int t = 0; tables[t]; t++)
		for (const struct opt *op = tables[t]; op->name; op++) {
			char name[64];

			snprintf(name, sizeof(name), "--%s", op->name);
			if (!strncmp(name, cur, strlen(cur)))
				printf("%s\n", name);
		}
}

/*
 * words[0] is the verb, words[index] the word being completed. Earlier
 * words are read as verb_parse() reads them, for -t, --lab and the
 * operands so far.
 */
static void complete_verb(const struct verb *v, int index, char **words)
{
	const char *cur = words[index], *file = getenv("XVNET_TOPOLOGY"), *lab = NULL;
	const struct opt *op = NULL;
	char *recorded = NULL;
	int operands = 0;

	for (int i = 1; i < index; i++) {
		const char *w = words[i];

		op = NULL;
		if (w[0] == '-' && w[1]) {
			bool is_long = !strncmp(w, "--", 2);

			if (is_long)
				op = verb_opt_find(v, w + 2, strcspn(w + 2, "="), 0);
			else
				op = verb_opt_find(v, NULL, 0, w[1]);
			/* its value is the next word: it names the file or the lab */
			if (op && op->arg && !strchr(w, '=') && (is_long || !w[2]) && i + 1 < index) {
				if (!strcmp(op->name, "topology"))
					file = words[i + 1];
				else if (!strcmp(op->name, "lab"))
					lab = words[i + 1];
				i++;
				op = NULL;
			}
			continue;
		}
		operands++;
	}
	if (lab && !file)
		file = recorded = state_topology(lab);
	if (op && op->arg)
		complete_value(op, file, lab, cur);
	else if (cur[0] == '-')
		complete_options(v, cur);
	else if ((v->flags & VERB_REST) && operands >= v->nfixed)
		printf("__command__\n");
	else if (operands < 3 && (v->nmax < 0 || operands < v->nmax))
		complete_value(&(struct opt){ .complete = v->operand_complete[operands] }, file,
			       lab, cur);
	free(recorded);
}

static void complete_verbs(const struct verb *const *verbs, const char *cur)
{
	for (int i = 0; verbs[i]; i++)
		if (!strncmp(verbs[i]->name, cur, strlen(cur)))
			printf("%s\n", verbs[i]->name);
}

int verb_complete(const struct verb *const *verbs, int argc, char **argv)
{
	int index = argc > 0 ? atoi(argv[0]) : -1;
	char **words = argv + 1;

	if (index < 0 || index >= argc - 1)
		return EXIT_USAGE;
	if (index == 0) {
		complete_verbs(verbs, words[0]);
		if (!strncmp("help", words[0], strlen(words[0])))
			printf("help\n");
	} else if (!strcmp(words[0], "help")) {
		if (index == 1)
			complete_verbs(verbs, words[1]);
	} else {
		for (int i = 0; verbs[i]; i++)
			if (!strcmp(verbs[i]->name, words[0]))
				complete_verb(verbs[i], index, words);
	}
	return EXIT_OK;
}
