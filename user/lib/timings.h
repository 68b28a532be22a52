/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall time per step of a deploy (`xvnet deploy --timings`): where a lab's
 * bring-up spends its time, to find the step that grows faster than the lab.
 *
 * One clock per process. A step runs from timing_enter() until the next
 * step is entered; the time is charged to the step that was running, and
 * each timing_enter() counts one operation of its step. A nested step (an
 * XDP attach inside the fabric's load) goes back to the step it
 * interrupted with timing_resume(), which counts nothing. Until
 * timings_start() nothing is measured and the calls cost nothing.
 */
#ifndef XVNET_TIMINGS_H
#define XVNET_TIMINGS_H

enum deploy_step {
	STEP_NONE,		/* outside any step ("other") */
	STEP_TOPOLOGY,		/* loaded, checked, effective routes computed */
	STEP_PLAN,		/* the lab's nodes, links, addresses and routes */
	STEP_COMPILE,		/* the fabric's image, before anything exists */
	STEP_NAMESPACES,	/* a namespace per node: created, opened */
	STEP_SYSCTLS,		/* a node's sysctls */
	STEP_VETHS,		/* a veth pair per link */
	STEP_LINKS,		/* both ends looked up, named (ifalias), up */
	STEP_ETHTOOL,		/* transmit checksum offload off, per end */
	STEP_XDP_ATTACH,	/* a program attached to an end (fabric or pass) */
	STEP_ADDRESSES,
	STEP_ROUTES,
	STEP_NFT,		/* an NVA's ruleset: nft -f */
	STEP_MAPS,		/* the fabric: programs loaded, maps filled, pinned */
	STEP_STATE,		/* the state and names files */
	STEP_OUTPUT,		/* what runs, printed (inspect's view) */
	NSTEPS
};

/* Start the clock: STEP_NONE runs. */
void timings_start(void);
/* Run step s from now (one more operation of it); returns the step it interrupted. */
enum deploy_step timing_enter(enum deploy_step s);
/* Back to step s, interrupted by a nested step: no operation counted. */
void timing_resume(enum deploy_step s);
/*
 * Into the print path's current document: the table "timings" (step, ops,
 * seconds) of the steps that ran, "other" first, then the total since
 * timings_start() ("timings_total_s").
 */
void timings_print(void);

#endif
