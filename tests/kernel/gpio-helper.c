// SPDX-License-Identifier: MIT
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
 *   gpio-lineinfo [-1] CHIPDEV OFFSET
 *       GPIO_V2_GET_LINEINFO_IOCTL: offset=N name="..." consumer="..." flags=a,b
 *       -1: the uAPI v1 GPIO_GET_LINEINFO_IOCTL instead (flags: used =
 *       GPIOLINE_FLAG_KERNEL, output, active-low); on failure
 *       "gpio-lineinfo: GPIO_GET_LINEINFO_IOCTL: errno=22 EINVAL (...)", exit 1
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
 *   gpio-grabfd PID
 *       Duplicate every GPIO line request fd of process PID into this one
 *       (pidfd_getfd; /proc/PID/fd links "anon_inode:gpio-line" for uAPI v2,
 *       "anon_inode:gpio-linehandle" for v1), print "READY pid=N grabbed=K"
 *       and keep them until SIGTERM (exit 0, closing them).  A request is
 *       released at its last close, so the lines stay requested, at the level
 *       PID drove them to last, after PID exits: gpio-sim puts a released line
 *       back to its pull, which would hide the level a program leaves behind.
 *   gpio-runas UID GID[,GID...] CMD [ARG...]
 *       setgroups(the GIDs after the first), setgid(GID), setuid(UID), then
 *       exec CMD: run a program as an unprivileged user (exit 126 on failure).
 *   gpio-no-uapi-v1 CMD [ARG...]
 *       Install a seccomp filter that fails the GPIO uAPI v1-only ioctls
 *       (GPIO_GET_LINEINFO_IOCTL, GPIO_GET_LINEHANDLE_IOCTL,
 *       GPIO_GET_LINEEVENT_IOCTL, GPIO_GET_LINEINFO_WATCH_IOCTL) with EINVAL,
 *       then exec CMD: what a kernel built without CONFIG_GPIO_CDEV_V1 answers
 *       (gpiolib-cdev.c's gpio_ioctl() compiles those branches out and returns
 *       -EINVAL for a command it does not know).  Everything else, the v2 uAPI
 *       and GPIO_GET_CHIPINFO_IOCTL included, passes.
 *   gpio-no-legacy-sysfs CMD [ARG...]
 *       Run CMD in a mount namespace of its own in which /sys/class/gpio is a
 *       tmpfs holding only the kernel's chipN links (the per-chip sysfs ABI of
 *       Linux 6.17+): no export, unexport, gpiochipBASE or gpioN, what a kernel
 *       built without CONFIG_GPIO_SYSFS_LEGACY shows.  The links are copied when
 *       CMD starts: create the chips first.  The exports CMD makes through
 *       chipN/export are real (the kernel also makes its legacy gpioN, which
 *       CMD cannot see).
 *
 * Errors are printed as "errno=N NAME (text)".  Written for this project.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/gpio.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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
		"       gpio-lineinfo [-1] CHIPDEV OFFSET\n"
		"       gpio-chipinfo CHIPDEV\n"
		"       gpio-sample PATH INTERVAL_US DURATION_MS\n"
		"       gpio-sample-all INTERVAL_US DURATION_MS PATH...\n"
		"       gpio-now\n"
		"       gpio-write PATH DATA\n"
		"       gpio-fdtest PATH\n"
		"       gpio-grabfd PID\n"
		"       gpio-runas UID GID[,GID...] CMD [ARG...]\n"
		"       gpio-no-uapi-v1 CMD [ARG...]\n"
		"       gpio-no-legacy-sysfs CMD [ARG...]\n");
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

static int lineinfo_v1(const char *dev, const char *off)
{
	struct gpioline_info info;
	int fd;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die_errno("open chip");
	memset(&info, 0, sizeof(info));
	info.line_offset = (uint32_t)parse_long(off, "offset");
	if (ioctl(fd, GPIO_GET_LINEINFO_IOCTL, &info) < 0)
		return die_errno("GPIO_GET_LINEINFO_IOCTL");
	printf("offset=%u name=\"%s\" consumer=\"%s\" flags=%s%s%s\n", info.line_offset, info.name,
	       info.consumer, (info.flags & GPIOLINE_FLAG_KERNEL) ? "used," : "",
	       (info.flags & GPIOLINE_FLAG_ACTIVE_LOW) ? "active-low," : "",
	       (info.flags & GPIOLINE_FLAG_IS_OUT) ? "output" : "input");
	return 0;
}

static int cmd_lineinfo(int argc, char **argv)
{
	struct gpio_v2_line_info info;
	char flags[256];
	int fd;

	if (argc == 4 && strcmp(argv[1], "-1") == 0)
		return lineinfo_v1(argv[2], argv[3]);
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

/* Next sampling instant on an absolute grid, so sampling does not drift either. */
static void sleep_until_next(struct timespec *next, long interval_us)
{
	next->tv_nsec += interval_us * 1000;
	while (next->tv_nsec >= 1000000000L) {
		next->tv_nsec -= 1000000000L;
		next->tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL);
}

static void print_sample_summary(long samples, long changes, int64_t duration_us, int64_t max_gap)
{
	printf("# samples=%ld changes=%ld duration_us=%" PRId64 " max_gap_us=%" PRId64 "\n",
	       samples, changes, duration_us, max_gap);
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
		sleep_until_next(&next, interval_us);
	}
	print_sample_summary(samples, changes, t - start, max_gap);
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
		sleep_until_next(&next, interval_us);
	}
	print_sample_summary(samples, changes, t - start, max_gap);
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

static int cmd_grabfd(int argc, char **argv)
{
	char path[300], link[128];
	struct dirent *de;
	int pidfd, fd, grabbed = 0;
	sigset_t old;
	pid_t pid;
	DIR *dir;

	if (argc != 2)
		return usage();
	pid = (pid_t)parse_long(argv[1], "pid");
	setup_signals(&old);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return die_errno("pidfd_open");
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return die_errno(path);
	while ((de = readdir(dir)) != NULL) {
		ssize_t n;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:gpio-line") != 0 &&
		    strcmp(link, "anon_inode:gpio-linehandle") != 0)
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)parse_long(de->d_name, "fd"), 0);
		if (fd < 0)
			return die_errno("pidfd_getfd");
		grabbed++;
	}
	closedir(dir);
	printf("READY pid=%d grabbed=%d\n", (int)getpid(), grabbed);
	fflush(stdout);
	while (!got_term)
		sigsuspend(&old);
	return 0; /* exit closes the duplicates: the requests are released */
}

static int cmd_runas(int argc, char **argv)
{
	gid_t gids[32];
	char *list, *tok, *save = NULL;
	uid_t uid;
	int n = 0;

	if (argc < 4)
		return usage();
	uid = (uid_t)parse_long(argv[1], "uid");
	list = argv[2];
	for (tok = strtok_r(list, ",", &save); tok && n < 32; tok = strtok_r(NULL, ",", &save))
		gids[n++] = (gid_t)parse_long(tok, "gid");
	if (n == 0)
		return usage();
	if (setgroups((size_t)(n - 1), gids + 1) != 0 || setgid(gids[0]) != 0 || setuid(uid) != 0) {
		fprintf(stderr, "%s: dropping to uid %d gid %d: %s\n", prog, (int)uid, (int)gids[0],
			strerror(errno));
		return 126;
	}
	if (getuid() != uid || geteuid() != uid || getegid() != gids[0]) {
		fprintf(stderr, "%s: still privileged after setuid\n", prog);
		return 126;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "%s: exec %s: %s\n", prog, argv[3], strerror(errno));
	return 126;
}

#if defined(__x86_64__)
#define HELPER_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HELPER_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define HELPER_AUDIT_ARCH AUDIT_ARCH_ARM
#else
#error "gpio-no-uapi-v1: unknown architecture"
#endif

static int cmd_no_uapi_v1(int argc, char **argv)
{
	/* The ioctl command is an unsigned int: the low 32 bits of args[1]
	 * (every guest architecture is little-endian). */
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, HELPER_AUDIT_ARCH, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GPIO_GET_LINEINFO_IOCTL, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GPIO_GET_LINEHANDLE_IOCTL, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GPIO_GET_LINEEVENT_IOCTL, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GPIO_GET_LINEINFO_WATCH_IOCTL, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EINVAL & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog_ = { (unsigned short)(sizeof(filter) / sizeof(filter[0])), filter };

	if (argc < 2)
		return usage();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog_) != 0) {
		fprintf(stderr, "%s: installing the seccomp filter: %s\n", prog, strerror(errno));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "%s: exec %s: %s\n", prog, argv[1], strerror(errno));
	return 126;
}

static int cmd_no_legacy_sysfs(int argc, char **argv)
{
	static const char class_dir[] = "/sys/class/gpio";
	char names[64][16], targets[64][256], path[64];
	struct dirent *entry;
	int n = 0, i;
	DIR *dir;

	if (argc < 2)
		return usage();
	dir = opendir(class_dir);
	if (!dir)
		return die_errno("opendir /sys/class/gpio");
	while ((entry = readdir(dir)) != NULL && n < 64) {
		ssize_t len;

		if (strncmp(entry->d_name, "chip", 4) != 0 || !entry->d_name[4] ||
		    strlen(entry->d_name) >= sizeof(names[0]) ||
		    strspn(entry->d_name + 4, "0123456789") != strlen(entry->d_name + 4))
			continue;
		snprintf(path, sizeof(path), "%s/%.15s", class_dir, entry->d_name);
		len = readlink(path, targets[n], sizeof(targets[n]) - 1);
		if (len < 0) {
			closedir(dir);
			return die_errno("readlink of a chipN link");
		}
		targets[n][len] = '\0';
		snprintf(names[n], sizeof(names[n]), "%.15s", entry->d_name);
		n++;
	}
	closedir(dir);
	if (n == 0) {
		fprintf(stderr, "%s: no chipN in %s: the kernel has no per-chip sysfs ABI (Linux 6.17+)\n",
			prog, class_dir);
		return 126;
	}
	/* Private, so the tmpfs never shows outside; the links stay relative, resolved
	 * from /sys/class/gpio as before. */
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("no-legacy-gpio", class_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") != 0) {
		fprintf(stderr, "%s: hiding the legacy sysfs ABI: %s\n", prog, strerror(errno));
		return 126;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%.15s", class_dir, names[i]);
		if (symlink(targets[i], path) != 0) {
			fprintf(stderr, "%s: symlink %s: %s\n", prog, path, strerror(errno));
			return 126;
		}
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "%s: exec %s: %s\n", prog, argv[1], strerror(errno));
	return 126;
}

static int dispatch(const char *name, int argc, char **argv)
{
	static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
		{ "gpio-hold", cmd_hold },         { "gpio-lineinfo", cmd_lineinfo },
		{ "gpio-chipinfo", cmd_chipinfo }, { "gpio-sample", cmd_sample },
		{ "gpio-write", cmd_write },       { "gpio-fdtest", cmd_fdtest },
		{ "gpio-sample-all", cmd_sample_all }, { "gpio-now", cmd_now },
		{ "gpio-grabfd", cmd_grabfd },     { "gpio-runas", cmd_runas },
		{ "gpio-no-uapi-v1", cmd_no_uapi_v1 }, { "gpio-no-legacy-sysfs", cmd_no_legacy_sysfs },
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
