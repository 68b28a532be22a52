/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `xvnet bench` measures with, apart from the frame generator
 * (pktgen.h): the machine a figure was measured on, programs run in a
 * lab's namespaces (iperf3), frames counted where they arrive, round trips
 * timed with a UDP echo, and medians and percentiles. Not pure: it enters
 * namespaces (the calling thread only, and always comes back) and forks.
 */
#ifndef XVNET_BENCH_H
#define XVNET_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The machine: figures are only comparable on the same one. */
struct bench_machine {
	char cpu[128];		/* /proc/cpuinfo "model name" */
	int ncpus;		/* online */
	char kernel[80];	/* uname -r */
	char spectre_v2[160];	/* /sys/devices/system/cpu/vulnerabilities/spectre_v2 */
	char retbleed[160];	/* ... /retbleed: return thunks, Intel and older AMD */
	char srso[160];		/* ... /spec_rstack_overflow: return thunks, AMD Zen */
};

void bench_machine(struct bench_machine *m);
/* As an object "machine" (JSON) or one line "Machine: ..." (text). */
void bench_print_machine(const struct bench_machine *m);

/*
 * Start argv in the namespace nsfd (-1: this one), stdin and stderr on
 * /dev/null, stdout into *out_fd (a pipe; out_fd NULL: /dev/null).
 * Returns the pid, or -errno.
 */
pid_t bench_spawn(int nsfd, char *const argv[], int *out_fd);
/*
 * Run argv in nsfd to its end, at most timeout_s seconds (then killed);
 * *out: its stdout, malloc'd (NUL-terminated). Returns its exit status,
 * or -errno.
 */
int bench_capture(int nsfd, char *const argv[], double timeout_s, char **out);
/* Stop a process started by bench_spawn (SIGTERM, then reaped). */
void bench_stop(pid_t pid);

/* Frames received by every interface but lo of the namespace nsfd. */
int bench_rx_frames(int nsfd, uint64_t *frames);
/*
 * Frames received (rx[i]) and sent (tx[i]) by interface ifnames[i] of the
 * namespace nsfd; 0 for one that is not there.
 */
int bench_link_frames(int nsfd, const char *const *ifnames, int n, uint64_t *rx, uint64_t *tx);

/*
 * A UDP socket bound to addr:port (host order) in namespace nsfd that is
 * never read: frames to it are dropped when its buffer is full, without
 * the ICMP port unreachable (and its route lookup) a closed port costs.
 * The fd, or -errno.
 */
int bench_udp_sink(int nsfd, uint32_t addr, int port);

/*
 * The XDP receive sink (bpf/nic_sink.bpf.c) at the inner end of a NIC:
 * it counts and drops the UDP frames to one port, and lets everything
 * else up the stack. Attached in place of the NIC's own program (nic_pass,
 * or none), atomically: only over that program, and put back the same way.
 */
struct bench_sink;

/*
 * In namespace nsfd, replace ifname's XDP program with a sink for UDP
 * port (host order). -EBUSY when the program there is neither nic_pass
 * nor none (nothing is changed then). 0, or -errno.
 */
int bench_sink_attach(int nsfd, const char *ifname, int port, struct bench_sink **s);
/* The frames the sink counted and dropped so far. */
int bench_sink_count(const struct bench_sink *s, uint64_t *frames);
/*
 * Put the NIC's program back (only over this sink) and free s; s NULL:
 * nothing. 0, or -errno (the sink is then left attached, and said so).
 */
int bench_sink_detach(struct bench_sink *s);

/*
 * Round trips of `count` UDP probes, one every interval_s seconds, from
 * src (in namespace src_ns) to an echo in dst_ns bound to dst:port
 * (addresses in host byte order). rtt_us[] gets the answered probes'
 * round trips (microseconds), *answered how many. 0, or -errno.
 */
int bench_rtt(int src_ns, uint32_t src, int dst_ns, uint32_t dst, int port,
	      int count, double interval_s, double *rtt_us, int *answered);

/* The p-th percentile (0..100, nearest rank) of v[n], sorted in place; 0 when n is 0. */
double bench_percentile(double *v, int n, double p);

#endif
