/*
 * gpio-helper.c - tiny static multi-call helper for the gpio-blinkd kernel
 * test harness guests (tests/kernel/qemu-gpio-run).  Built statically for
 * each guest architecture and installed in the initramfs as
 * /usr/local/bin/gpio-helper plus one symlink per command (busybox style):
 *
 *   gpio-hold [-i] [-v 0|1] CHIPDEV OFFSET [CONSUMER]
 *       Request one line through the v2 character-device uAPI
 *       (GPIO_V2_GET_LINE_IOCTL), as output (default, initial value -v,
 *       default 0) or input (-i), print "READY pid=N fd=N" and sleep until
 *       SIGTERM/SIGINT (exit 0, releasing the line).
 *       SIGUSR1: toggle the value with GPIO_V2_LINE_SET_VALUES_IOCTL and print
 *                "SET value=V ok" or "SET value=V errno=N NAME".
 *       SIGUSR2: GPIO_V2_LINE_GET_VALUES_IOCTL, print "GET value=V" or errno.
 *   gpio-lineinfo CHIPDEV OFFSET
 *       GPIO_V2_GET_LINEINFO_IOCTL: offset=N name="..." consumer="..." flags=a,b
 *   gpio-chipinfo CHIPDEV
 *       GPIO_GET_CHIPINFO_IOCTL: name=... label="..." lines=N
 *   gpio-sample PATH INTERVAL_US DURATION_MS
 *       Sample a sysfs-style value file (pread at offset 0) every INTERVAL_US
 *       for DURATION_MS; print "T_US VALUE" for the first sample and for each
 *       change (T_US relative to the start), then
 *       "# samples=N changes=N duration_us=N max_gap_us=N".
 *   gpio-sample-all INTERVAL_US DURATION_MS PATH...
 *       The same for up to 16 value files read in one pass, so their edges
 *       share one clock (phases, inverted lines): "T_US V1 V2 ..." for the
 *       first pass and for each pass in which any value changed, then the
 *       same "# samples=..." summary (changes = passes with a change).
 *   gpio-now
 *       Print CLOCK_MONOTONIC in microseconds (for latency measurements).
 *   gpio-write PATH DATA
 *       open(O_WRONLY) + one write(); prints "OK" (exit 0) or the errno name,
 *       e.g. "EBUSY" (exit 1).  For sysfs export/unexport/direction/value.
 *   gpio-fdtest PATH
 *       open(O_RDWR) and keep the fd; print "READY pid=N".  On each SIGUSR1
 *       run write("1"), pwrite("0",0), pread(0), lseek(0)+read, poll(POLLPRI,0)
 *       on the held fd and print one result line per call
 *       ("write rc=1 ok" / "write rc=-1 errno=19 ENODEV").  SIGTERM: exit 0.
 *
 * Errors are printed as "errno=N NAME (text)".  Written for this project.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/gpio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "gpio-helper";

static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

static int usage(void)
{
	fprintf(stderr,
		"usage: gpio-hold [-i] [-v 0|1] CHIPDEV OFFSET [CONSUMER]\n"
		"       gpio-lineinfo CHIPDEV OFFSET\n"
		"       gpio-chipinfo CHIPDEV\n"
		"       gpio-sample PATH INTERVAL_US DURATION_MS\n"
		"       gpio-sample-all INTERVAL_US DURATION_MS PATH...\n"
		"       gpio-now\n"
		"       gpio-write PATH DATA\n"
		"       gpio-fdtest PATH\n");
	return 2;
}

static int die_errno(const char *what)
{
	int e = errno;
	printf("%s: %s: errno=%d %s (%s)\n", prog, what, e, ename(e), strerror(e));
	return 1;
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "%s: bad %s '%s'\n", prog, what, s);
		exit(2);
	}
	return v;
}

static volatile sig_atomic_t got_usr1, got_usr2, got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGUSR2)
		got_usr2 = 1;
	else
		got_term = 1;
}

/* Block the signals, install handlers; caller waits with sigsuspend(old). */
static void setup_signals(sigset_t *old)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void print_result(const char *what, long rc, int e)
{
	if (rc < 0)
		printf("%s rc=%ld errno=%d %s (%s)\n", what, rc, e, ename(e), strerror(e));
	else
		printf("%s rc=%ld ok\n", what, rc);
}

static int cmd_hold(int argc, char **argv)
{
	struct gpio_v2_line_request req;
	struct gpio_v2_line_values vals;
	const char *consumer = "gpio-hold";
	int input = 0, value = 0, opt, fd, e;
	unsigned int offset;
	sigset_t old;

	while ((opt = getopt(argc, argv, "iv:")) != -1) {
		if (opt == 'i')
			input = 1;
		else if (opt == 'v')
			value = parse_long(optarg, "value") ? 1 : 0;
		else
			return usage();
	}
	if (argc - optind < 2 || argc - optind > 3)
		return usage();
	offset = (unsigned int)parse_long(argv[optind + 1], "offset");
	if (argc - optind == 3)
		consumer = argv[optind + 2];

	fd = open(argv[optind], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open chip");

	memset(&req, 0, sizeof(req));
	req.offsets[0] = offset;
	req.num_lines = 1;
	snprintf(req.consumer, sizeof(req.consumer), "%s", consumer);
	if (input) {
		req.config.flags = GPIO_V2_LINE_FLAG_INPUT;
	} else {
		req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT;
		req.config.num_attrs = 1;
		req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
		req.config.attrs[0].attr.values = (uint64_t)value;
		req.config.attrs[0].mask = 1;
	}
	setup_signals(&old);
	if (ioctl(fd, GPIO_V2_GET_LINE_IOCTL, &req) < 0)
		return die_errno("GPIO_V2_GET_LINE_IOCTL");
	close(fd);
	printf("READY pid=%d fd=%d\n", (int)getpid(), req.fd);
	fflush(stdout);

	while (!got_term) {
		sigsuspend(&old);
		if (got_usr1) {
			got_usr1 = 0;
			if (!input)
				value = !value;
			memset(&vals, 0, sizeof(vals));
			vals.mask = 1;
			vals.bits = (uint64_t)value;
			if (ioctl(req.fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &vals) < 0) {
				e = errno;
				printf("SET value=%d errno=%d %s (%s)\n", value, e, ename(e), strerror(e));
			} else {
				printf("SET value=%d ok\n", value);
			}
		}
		if (got_usr2) {
			got_usr2 = 0;
			memset(&vals, 0, sizeof(vals));
			vals.mask = 1;
			if (ioctl(req.fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &vals) < 0) {
				e = errno;
				printf("GET errno=%d %s (%s)\n", e, ename(e), strerror(e));
			} else {
				printf("GET value=%d\n", (int)(vals.bits & 1));
			}
		}
		fflush(stdout);
	}
	close(req.fd);
	return 0;
}

static void flag_str(uint64_t f, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ GPIO_V2_LINE_FLAG_USED, "used" },
		{ GPIO_V2_LINE_FLAG_ACTIVE_LOW, "active-low" },
		{ GPIO_V2_LINE_FLAG_INPUT, "input" },
		{ GPIO_V2_LINE_FLAG_OUTPUT, "output" },
		{ GPIO_V2_LINE_FLAG_EDGE_RISING, "edge-rising" },
		{ GPIO_V2_LINE_FLAG_EDGE_FALLING, "edge-falling" },
		{ GPIO_V2_LINE_FLAG_OPEN_DRAIN, "open-drain" },
		{ GPIO_V2_LINE_FLAG_OPEN_SOURCE, "open-source" },
		{ GPIO_V2_LINE_FLAG_BIAS_PULL_UP, "pull-up" },
		{ GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN, "pull-down" },
		{ GPIO_V2_LINE_FLAG_BIAS_DISABLED, "bias-disabled" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].bit))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "", names[i].name);
	}
	if (n == 0)
		snprintf(buf, len, "none");
}

static int cmd_lineinfo(int argc, char **argv)
{
	struct gpio_v2_line_info info;
	char flags[256];
	int fd;

	if (argc != 3)
		return usage();
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open chip");
	memset(&info, 0, sizeof(info));
	info.offset = (uint32_t)parse_long(argv[2], "offset");
	if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &info) < 0)
		return die_errno("GPIO_V2_GET_LINEINFO_IOCTL");
	flag_str(info.flags, flags, sizeof(flags));
	printf("offset=%u name=\"%s\" consumer=\"%s\" flags=%s\n", info.offset, info.name,
	       info.consumer, flags);
	return 0;
}

static int cmd_chipinfo(int argc, char **argv)
{
	struct gpiochip_info ci;
	int fd;

	if (argc != 2)
		return usage();
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open chip");
	memset(&ci, 0, sizeof(ci));
	if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) < 0)
		return die_errno("GPIO_GET_CHIPINFO_IOCTL");
	printf("name=%s label=\"%s\" lines=%u\n", ci.name, ci.label, ci.lines);
	return 0;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmd_sample(int argc, char **argv)
{
	long interval_us, duration_ms, samples = 0, changes = 0;
	int64_t start, t, last_t, max_gap = 0;
	struct timespec next;
	char buf[8];
	int fd, prev = -1, v;
	ssize_t n;

	if (argc != 4)
		return usage();
	interval_us = parse_long(argv[2], "interval");
	duration_ms = parse_long(argv[3], "duration");
	if (interval_us <= 0 || duration_ms <= 0)
		return usage();
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open");

	clock_gettime(CLOCK_MONOTONIC, &next);
	start = now_us();
	last_t = start;
	for (;;) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		t = now_us();
		if (n < 0)
			return die_errno("pread");
		samples++;
		if (t - last_t > max_gap)
			max_gap = t - last_t;
		last_t = t;
		v = (n > 0 && buf[0] == '1') ? 1 : 0;
		if (v != prev) {
			if (prev != -1)
				changes++;
			printf("%" PRId64 " %d\n", t - start, v);
			prev = v;
		}
		if (t - start >= (int64_t)duration_ms * 1000)
			break;
		next.tv_nsec += interval_us * 1000;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	printf("# samples=%ld changes=%ld duration_us=%" PRId64 " max_gap_us=%" PRId64 "\n",
	       samples, changes, t - start, max_gap);
	return 0;
}

#define SAMPLE_MAX_FILES 16

static int cmd_sample_all(int argc, char **argv)
{
	long interval_us, duration_ms, samples = 0, changes = 0;
	int64_t start, t, last_t, max_gap = 0;
	struct timespec next;
	char buf[8];
	int fds[SAMPLE_MAX_FILES], prev[SAMPLE_MAX_FILES], cur[SAMPLE_MAX_FILES];
	int nfiles, i, changed, first = 1;
	ssize_t n;

	if (argc < 4 || argc - 3 > SAMPLE_MAX_FILES)
		return usage();
	interval_us = parse_long(argv[1], "interval");
	duration_ms = parse_long(argv[2], "duration");
	if (interval_us <= 0 || duration_ms <= 0)
		return usage();
	nfiles = argc - 3;
	for (i = 0; i < nfiles; i++) {
		fds[i] = open(argv[3 + i], O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return die_errno(argv[3 + i]);
		prev[i] = -1;
	}

	clock_gettime(CLOCK_MONOTONIC, &next);
	start = now_us();
	last_t = start;
	for (;;) {
		for (i = 0; i < nfiles; i++) {
			n = pread(fds[i], buf, sizeof(buf) - 1, 0);
			if (n < 0)
				return die_errno(argv[3 + i]);
			cur[i] = (n > 0 && buf[0] == '1') ? 1 : 0;
		}
		t = now_us();
		samples++;
		if (t - last_t > max_gap)
			max_gap = t - last_t;
		last_t = t;
		changed = first;
		for (i = 0; i < nfiles; i++)
			changed |= cur[i] != prev[i];
		if (changed) {
			if (!first)
				changes++;
			printf("%" PRId64, t - start);
			for (i = 0; i < nfiles; i++) {
				printf(" %d", cur[i]);
				prev[i] = cur[i];
			}
			printf("\n");
			first = 0;
		}
		if (t - start >= (int64_t)duration_ms * 1000)
			break;
		next.tv_nsec += interval_us * 1000;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	printf("# samples=%ld changes=%ld duration_us=%" PRId64 " max_gap_us=%" PRId64 "\n",
	       samples, changes, t - start, max_gap);
	return 0;
}

static int cmd_now(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage();
	printf("%" PRId64 "\n", now_us());
	return 0;
}

static int cmd_write(int argc, char **argv)
{
	size_t len;
	int fd;

	if (argc != 3)
		return usage();
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("%s\n", ename(errno));
		return 1;
	}
	len = strlen(argv[2]);
	if (write(fd, argv[2], len) != (ssize_t)len) {
		printf("%s\n", errno ? ename(errno) : "SHORT");
		return 1;
	}
	if (close(fd) < 0) {
		printf("%s\n", ename(errno));
		return 1;
	}
	printf("OK\n");
	return 0;
}

static int cmd_fdtest(int argc, char **argv)
{
	struct pollfd pfd;
	char buf[16];
	sigset_t old;
	long rc;
	int fd;

	if (argc != 2)
		return usage();
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open");
	setup_signals(&old);
	printf("READY pid=%d\n", (int)getpid());
	fflush(stdout);
	while (!got_term) {
		sigsuspend(&old);
		if (!got_usr1)
			continue;
		got_usr1 = 0;
		errno = 0;
		rc = write(fd, "1", 1);
		print_result("write", rc, errno);
		errno = 0;
		rc = pwrite(fd, "0", 1, 0);
		print_result("pwrite", rc, errno);
		errno = 0;
		rc = pread(fd, buf, sizeof(buf) - 1, 0);
		print_result("pread", rc, errno);
		errno = 0;
		rc = lseek(fd, 0, SEEK_SET);
		print_result("lseek", rc, errno);
		errno = 0;
		rc = read(fd, buf, sizeof(buf) - 1);
		print_result("read", rc, errno);
		pfd.fd = fd;
		pfd.events = POLLPRI | POLLERR;
		pfd.revents = 0;
		errno = 0;
		rc = poll(&pfd, 1, 0);
		printf("poll rc=%ld revents=0x%x%s%s%s\n", rc, (unsigned int)pfd.revents,
		       (pfd.revents & POLLPRI) ? " POLLPRI" : "", (pfd.revents & POLLERR) ? " POLLERR" : "",
		       (pfd.revents & POLLNVAL) ? " POLLNVAL" : "");
		printf("DONE\n");
		fflush(stdout);
	}
	close(fd);
	return 0;
}

static int dispatch(const char *name, int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "gpio-hold", cmd_hold },         { "gpio-lineinfo", cmd_lineinfo },
		{ "gpio-chipinfo", cmd_chipinfo }, { "gpio-sample", cmd_sample },
		{ "gpio-write", cmd_write },       { "gpio-fdtest", cmd_fdtest },
		{ "gpio-sample-all", cmd_sample_all }, { "gpio-now", cmd_now },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		/* accept "gpio-hold" and "hold" */
		if (strcmp(name, cmds[i].name) == 0 || strcmp(name, cmds[i].name + 5) == 0) {
			prog = cmds[i].name;
			return cmds[i].fn(argc, argv);
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	int rc;

	base = base ? base + 1 : argv[0];
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = dispatch(base, argc, argv);
	if (rc < 0 && argc >= 2)	/* gpio-helper CMD ARGS... */
		rc = dispatch(argv[1], argc - 1, argv + 1);
	return rc < 0 ? usage() : rc;
}
