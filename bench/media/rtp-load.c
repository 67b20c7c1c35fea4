/*
 * RTP load generator and receiver for bench/media/relay-bench.ts (the phones of every call).
 *
 * Why C and not a Node process: the phones must cost far less than the exchange they
 * measure, and their receive times must not include their own scheduling delays. A Node
 * generator stamps a packet when its event loop gets to it (its own loop delay, 3-4 ms
 * p99 at 500 calls, was inflating the "added jitter" it reported) and pays two system
 * calls per packet (60 % of a core at 500 calls on the 2-core bench machine, the core the
 * exchange needed). Here packets are sent in batches with sendmmsg(2), received with
 * recvmmsg(2), and every arrival is stamped by the kernel (SO_TIMESTAMPNS) when it reaches
 * the socket, so transit = kernel arrival - send time, whatever this process is doing.
 *
 * Protocol (lines on stdin/stdout):
 *   in : setup <calls> <ptA> <ptB> <pbxPortA0> <pbxPortB0> <pbxPortA1> ...
 *   out: ready <phonePortA0> <phonePortB0> ...
 *   in : start <warmupMs> <durationMs>
 *   out: one JSON object with the results, then exit.
 *
 * Stream s (0..2*calls-1) is sent by phone s towards the exchange's leg s (even s: leg A
 * of call s/2, odd: leg B) at 50 packets/s with a random phase; the exchange relays it to
 * the other phone of the call. Every packet carries an RTP header extension (forwarded
 * untouched by the relay) with its stream id and packet number. Phones share SOCKETS
 * sockets (phone s sends and receives on socket s % SOCKETS): the exchange latches each
 * leg to its phone's address whatever other legs use, and sharing lets one sendmmsg carry
 * many phones' packets.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SOCKETS 8
#define PACKET 184 /* 12 RTP header + 4 extension header + 8 extension + 160 G.711 bytes */
#define PERIOD_NS 20000000LL
#define TICK_NS 200000LL /* send what is due every 0.2 ms: phones are not synchronised */
#define BATCH 64

static int64_t now_ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(double *sorted, size_t n, double p) {
  if (n == 0) return -1;
  size_t i = (size_t)(p * n);
  return sorted[i >= n ? n - 1 : i];
}

static int calls, streams, capacity;
static int socks[SOCKETS];
static struct sockaddr_in *pbx; /* destination of stream s */
static int64_t *send_at, *recv_at; /* [s * capacity + n], CLOCK_REALTIME ns; 0 = not yet */
static int *sent;
static int64_t *phase;
static int pt[2];

static void setup_sockets(void) {
  for (int k = 0; k < SOCKETS; k++) {
    socks[k] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (socks[k] < 0) die("socket");
    int size = 16 << 20, on = 1;
    if (setsockopt(socks[k], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
      setsockopt(socks[k], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt(socks[k], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
      setsockopt(socks[k], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (setsockopt(socks[k], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0) die("SO_TIMESTAMPNS");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(socks[k], (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  }
}

static int local_port(int k) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(socks[k], (struct sockaddr *)&a, &len);
  return ntohs(a.sin_port);
}

/* Receive everything waiting on socket k, stamping each packet with its kernel arrival time. */
static void drain(int k) {
  static unsigned char bufs[BATCH][2048];
  static char ctrl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
      msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctrl[i], .msg_controllen = sizeof ctrl[i]};
    }
    int got = recvmmsg(socks[k], msgs, BATCH, MSG_DONTWAIT, NULL);
    if (got <= 0) return;
    int64_t fallback = now_ns(CLOCK_REALTIME);
    for (int i = 0; i < got; i++) {
      if (msgs[i].msg_len < 24) continue;
      unsigned char *b = bufs[i];
      uint32_t s = (uint32_t)b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19];
      uint32_t n = (uint32_t)b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
      if (s >= (uint32_t)streams || n >= (uint32_t)capacity) continue;
      int64_t at = fallback;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec t;
          memcpy(&t, CMSG_DATA(c), sizeof t);
          at = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
        }
      int64_t *slot = &recv_at[(size_t)s * capacity + n];
      if (*slot == 0) *slot = at;
    }
    if (got < BATCH) return;
  }
}

/* Send every packet due by `mono` (CLOCK_MONOTONIC ns), batched per socket. */
static int64_t late_max;
static double *lateness;
static size_t lateness_n, lateness_cap;
static void send_due(int64_t t0, int64_t end, int64_t mono) {
  static unsigned char pkts[SOCKETS][BATCH][PACKET];
  static struct mmsghdr msgs[SOCKETS][BATCH];
  static struct iovec iov[SOCKETS][BATCH];
  static int stream_of[SOCKETS][BATCH], number_of[SOCKETS][BATCH];
  int count[SOCKETS] = {0};
  for (int s = 0; s < streams; s++) {
    for (;;) {
      int n = sent[s];
      int64_t due = t0 + phase[s] + (int64_t)n * PERIOD_NS;
      if (n >= capacity || due > mono || due >= end) break;
      int k = s % SOCKETS, i = count[k]++;
      unsigned char *b = pkts[k][i];
      memset(b + 24, 0x55, PACKET - 24);
      b[0] = 0x90; /* V=2, X=1 */
      b[1] = (unsigned char)pt[s % 2];
      b[2] = n >> 8, b[3] = n;
      uint32_t ts = (uint32_t)n * 160u, ssrc = 0x1000u + s;
      b[4] = ts >> 24, b[5] = ts >> 16, b[6] = ts >> 8, b[7] = ts;
      b[8] = ssrc >> 24, b[9] = ssrc >> 16, b[10] = ssrc >> 8, b[11] = ssrc;
      b[12] = 0x10, b[13] = 0x00, b[14] = 0, b[15] = 2; /* profile 0x1000, 2 words */
      b[16] = s >> 24, b[17] = s >> 16, b[18] = s >> 8, b[19] = s;
      b[20] = n >> 24, b[21] = n >> 16, b[22] = n >> 8, b[23] = n;
      iov[k][i] = (struct iovec){b, PACKET};
      msgs[k][i].msg_hdr = (struct msghdr){.msg_name = &pbx[s], .msg_namelen = sizeof pbx[s], .msg_iov = &iov[k][i], .msg_iovlen = 1};
      stream_of[k][i] = s;
      number_of[k][i] = n;
      sent[s] = n + 1;
      if (lateness_n < lateness_cap) lateness[lateness_n++] = (mono - due) / 1e6;
      if (mono - due > late_max) late_max = mono - due;
      if (count[k] == BATCH) {
        int64_t at = now_ns(CLOCK_REALTIME);
        for (int j = 0; j < BATCH; j++) send_at[(size_t)stream_of[k][j] * capacity + number_of[k][j]] = at;
        if (sendmmsg(socks[k], msgs[k], BATCH, 0) < 0) perror("sendmmsg");
        count[k] = 0;
      }
    }
  }
  for (int k = 0; k < SOCKETS; k++) {
    if (!count[k]) continue;
    int64_t at = now_ns(CLOCK_REALTIME);
    for (int j = 0; j < count[k]; j++) send_at[(size_t)stream_of[k][j] * capacity + number_of[k][j]] = at;
    if (sendmmsg(socks[k], msgs[k], count[k], 0) < 0) perror("sendmmsg");
  }
}

static void run(int warmup_ms, int duration_ms) {
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  int64_t t0 = now_ns(CLOCK_MONOTONIC) + 50000000LL;
  int64_t end = t0 + (int64_t)(warmup_ms + duration_ms) * 1000000LL;
  int64_t stop = end + 2000000000LL; /* drain: late packets still count as received */
  /* Wake on a timer only, never on a socket: nobody sleeps on the sockets' wait queues,
   * so the exchange's sends do not pay for waking this process (on a VM an IPI per
   * wakeup: 16 % of the exchange's CPU when this waited in epoll). Arrival times come
   * from the kernel, so reading them up to one tick later changes nothing. */
  for (int64_t next = t0;; next += TICK_NS) {
    struct timespec at = {next / 1000000000LL, next % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {}
    int64_t mono = now_ns(CLOCK_MONOTONIC);
    if (mono >= stop) break;
    if (mono < end) send_due(t0, end, mono);
    for (int k = 0; k < SOCKETS; k++) drain(k);
    if (mono > next + TICK_NS) next = mono; /* we overslept: do not burst to catch up */
  }
  getrusage(RUSAGE_SELF, &ru1);
  double cpu_ms = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e3 +
                  (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e3;

  int first = warmup_ms / 20;
  long expected = 0, lost = 0, late = 0, sent_total = 0;
  size_t cap = (size_t)streams * capacity, nt = 0, nj = 0;
  double *transit = malloc(cap * sizeof *transit), *jitter = malloc(cap * sizeof *jitter);
  for (int s = 0; s < streams; s++) {
    sent_total += sent[s];
    double best = 1e18;
    size_t from = nt;
    for (int n = first; n < sent[s]; n++) {
      expected++;
      int64_t r = recv_at[(size_t)s * capacity + n], w = send_at[(size_t)s * capacity + n];
      if (r == 0) {
        lost++;
        continue;
      }
      double t = (r - w) / 1e6;
      if (t > 200) late++;
      transit[nt++] = t;
      if (t < best) best = t;
    }
    /* Added jitter: how far each packet's transit strays above its stream's best. */
    for (size_t i = from; i < nt; i++) jitter[nj++] = transit[i] - best;
  }
  qsort(transit, nt, sizeof *transit, cmp_double);
  qsort(jitter, nj, sizeof *jitter, cmp_double);
  qsort(lateness, lateness_n, sizeof *lateness, cmp_double);
  double wall_ms = (stop - t0) / 1e6 + 50;
  printf("{\"expected\":%ld,\"lost\":%ld,\"lossPct\":%.6f,\"late\":%ld,\"sentTotal\":%ld,"
         "\"transitP50\":%.4f,\"transitP99\":%.4f,\"transitMax\":%.4f,\"addedJitterP99\":%.4f,"
         "\"generatorCpuPct\":%.2f,\"sendLatenessP99Ms\":%.4f,\"sendLatenessMaxMs\":%.4f}\n",
         expected, lost, 100.0 * lost / (expected ? expected : 1), late, sent_total, pct(transit, nt, 0.5),
         pct(transit, nt, 0.99), nt ? transit[nt - 1] : -1, pct(jitter, nj, 0.99), 100 * cpu_ms / wall_ms,
         pct(lateness, lateness_n, 0.99), late_max / 1e6);
  fflush(stdout);
}

int main(void) {
  char *line = NULL;
  size_t len = 0;
  if (getline(&line, &len, stdin) < 0) die("no setup line");
  char *p = line;
  if (strncmp(p, "setup ", 6) != 0) {
    fprintf(stderr, "expected setup, got: %s", line);
    return 1;
  }
  p += 6;
  calls = (int)strtol(p, &p, 10);
  pt[0] = (int)strtol(p, &p, 10);
  pt[1] = (int)strtol(p, &p, 10);
  streams = calls * 2;
  pbx = calloc(streams, sizeof *pbx);
  sent = calloc(streams, sizeof *sent);
  phase = calloc(streams, sizeof *phase);
  srand48(now_ns(CLOCK_REALTIME));
  for (int s = 0; s < streams; s++) {
    int port = (int)strtol(p, &p, 10);
    if (port <= 0 || port > 65535) {
      fprintf(stderr, "bad port for stream %d\n", s);
      return 1;
    }
    pbx[s] = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    phase[s] = (int64_t)(drand48() * PERIOD_NS);
  }
  setup_sockets();
  printf("ready");
  for (int s = 0; s < streams; s++) printf(" %d", local_port(s % SOCKETS));
  printf("\n");
  fflush(stdout);

  if (getline(&line, &len, stdin) < 0) die("no start line");
  int warmup_ms = 0, duration_ms = 0;
  if (sscanf(line, "start %d %d", &warmup_ms, &duration_ms) != 2) {
    fprintf(stderr, "expected start, got: %s", line);
    return 1;
  }
  capacity = (warmup_ms + duration_ms) / 20 + 10;
  send_at = calloc((size_t)streams * capacity, sizeof *send_at);
  recv_at = calloc((size_t)streams * capacity, sizeof *recv_at);
  lateness_cap = (size_t)streams * capacity;
  lateness = malloc(lateness_cap * sizeof *lateness);
  if (!send_at || !recv_at || !lateness) die("calloc");
  run(warmup_ms, duration_ms);
  return 0;
}
