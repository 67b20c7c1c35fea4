/*
 * The phones of the conference part of bench/media/call-mix.ts: one UDP socket per
 * conference leg, each sending a µ-law tone every 20 ms to its leg and recording what the
 * exchange's mixer sends back — sequence numbers (loss) and arrival times.
 *
 * Why C (as rtp-load.c): arrival is stamped by the kernel when the packet reaches the
 * socket (SO_TIMESTAMPNS), so the figure is the exchange's jitter and not this process's own
 * scheduling delay. The Node phones it replaces (conference-phones.ts) stamped packets when
 * their event loop saw them, and their own loop delay (3.5–5 ms p99 on the bench machine)
 * made the figure an upper bound only.
 *
 * Two figures per packet:
 * - jitter, the inter-arrival deviation |Δarrival − Δtimestamp/8 ms| (RFC 3550 §6.4.1's D,
 *   unsmoothed; RFC 3550's reported J is its running mean /16, far smaller). It compares
 *   each packet with the one before only, so a mixer whose every frame comes 0.5 ms late
 *   scores 0.5 ms while its stream falls behind its timestamps by 25 ms a second;
 * - delay variation, how late each packet arrives against its RTP timestamp compared with
 *   the stream's earliest packet: arrival − timestamp/8 − min over the stream. That is the
 *   depth a phone's jitter buffer must have to play the conference without a gap, and the
 *   same definition as the relay's "added jitter" (rtp-load.c: transit − its best) with
 *   the mixer's RTP timestamp as the send time. A drifting mixer shows here as a figure
 *   growing with the run's length; `driftMsPerS` gives the drift itself.
 *
 * Protocol: argv = the exchange's ports, each optionally `PORT:GROUP` (GROUP 0..7: the
 * results are also given per group, e.g. members mixed in their own worker and members
 * reached through the loopback path); prints `ready <port…>`; on stdin `start <warmupMs>
 * <durationMs>` it measures and prints one JSON line, then exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_STREAMS 256
#define PERIOD_NS 20000000LL
#define BATCH 32
#define GROUPS 8

static int64_t now_ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const double *xs, size_t n, double p) {
  if (!n) return -1;
  size_t i = (size_t)(p * (double)n);
  return xs[i < n ? i : n - 1];
}

/* G.711 µ-law of one linear sample (ITU-T G.711, as src/media/g711.ts). */
static unsigned char ulaw(int pcm) {
  int sign = pcm < 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm;
  if (pcm > 32635) pcm = 32635;
  pcm += 0x84;
  int exp = 7;
  for (int mask = 0x4000; (pcm & mask) == 0 && exp > 0; mask >>= 1) exp--;
  int mant = (pcm >> (exp + 3)) & 0x0f;
  return (unsigned char)~(sign | exp << 4 | mant);
}

struct stream {
  int sock;
  int group;
  struct sockaddr_in to;
  uint16_t seq;
  /* received while measuring: kernel arrival (ns), RTP timestamp, sequence number */
  int64_t *at;
  uint32_t *ts;
  uint16_t *sq;
  size_t n, cap;
};

static struct stream st[MAX_STREAMS];
static int streams;
static int measuring;

static void drain(struct stream *s) {
  static unsigned char bufs[BATCH][512];
  static char ctrl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
      msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1, .msg_control = ctrl[i], .msg_controllen = sizeof ctrl[i]};
    }
    int got = recvmmsg(s->sock, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (got <= 0) return;
    for (int i = 0; i < got && measuring; i++) {
      if (msgs[i].msg_len < 12 || s->n >= s->cap) continue;
      unsigned char *b = bufs[i];
      /* RTCP (second byte 192..223, RFC 5761 §4): another leg's reports reach a phone whose
         port is that leg's phone's port + 1. Counted as RTP, its SSRC read as a timestamp
         made whole runs' figures meaningless. */
      if (b[1] >= 192 && b[1] <= 223) continue;
      int64_t at = -1;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec t;
          memcpy(&t, CMSG_DATA(c), sizeof t);
          at = (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
        }
      if (at < 0) continue; /* no kernel stamp: not counted rather than stamped late */
      s->at[s->n] = at;
      s->sq[s->n] = (uint16_t)(b[2] << 8 | b[3]);
      s->ts[s->n] = (uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7];
      s->n++;
    }
    if (got < BATCH) return;
  }
}

int main(int argc, char **argv) {
  streams = argc - 1;
  if (streams < 1 || streams > MAX_STREAMS) {
    fprintf(stderr, "usage: conf-phones PORT... (1..%d)\n", MAX_STREAMS);
    return 2;
  }
  unsigned char tone[160];
  for (int i = 0; i < 160; i++) tone[i] = ulaw((int)lround(3000 * sin(2 * M_PI * 440 * i / 8000.0)));
  printf("ready");
  for (int s = 0; s < streams; s++) {
    int port = atoi(argv[s + 1]);
    const char *colon = strchr(argv[s + 1], ':');
    st[s].group = colon ? atoi(colon + 1) : 0;
    if (st[s].group < 0 || st[s].group >= GROUPS) {
      fprintf(stderr, "bad group in %s\n", argv[s + 1]);
      return 2;
    }
    if (port <= 0 || port > 65535) {
      fprintf(stderr, "bad port %s\n", argv[s + 1]);
      return 2;
    }
    st[s].sock = socket(AF_INET, SOCK_DGRAM, 0);
    int on = 1;
    setsockopt(st[s].sock, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(st[s].sock, (struct sockaddr *)&me, sizeof me) < 0) return perror("bind"), 1;
    socklen_t len = sizeof me;
    getsockname(st[s].sock, (struct sockaddr *)&me, &len);
    st[s].to = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    st[s].seq = (uint16_t)(s * 1000);
    printf(" %d", ntohs(me.sin_port));
  }
  printf("\n");
  fflush(stdout);

  /* Send from the start (the mixer latches each leg to its phone's address), measure later. */
  int warm_ms = -1, dur_ms = -1;
  int64_t t0 = now_ns(CLOCK_MONOTONIC), measure_from = INT64_MAX, measure_to = INT64_MAX;
  size_t late_n = 0, late_cap = 1 << 16;
  double *late = malloc(late_cap * sizeof *late);
  for (int64_t k = 0;; k++) {
    int64_t due = t0 + k * PERIOD_NS;
    /* Until it is time to send, receive (and read stdin for `start`). */
    for (;;) {
      int64_t mono = now_ns(CLOCK_MONOTONIC);
      if (mono >= due) break;
      struct pollfd fds[MAX_STREAMS + 1];
      for (int s = 0; s < streams; s++) fds[s] = (struct pollfd){st[s].sock, POLLIN, 0};
      fds[streams] = (struct pollfd){warm_ms < 0 ? 0 : -1, POLLIN, 0};
      int wait = (int)((due - mono + 999999) / 1000000);
      if (poll(fds, (nfds_t)streams + 1, wait) < 0) continue;
      for (int s = 0; s < streams; s++) if (fds[s].revents & POLLIN) drain(&st[s]);
      if (fds[streams].revents & (POLLIN | POLLHUP)) {
        char line[128] = {0};
        if (!fgets(line, sizeof line, stdin) || sscanf(line, "start %d %d", &warm_ms, &dur_ms) != 2) {
          fprintf(stderr, "expected: start <warmupMs> <durationMs>\n");
          return 2;
        }
        int64_t m = now_ns(CLOCK_MONOTONIC);
        measure_from = m + (int64_t)warm_ms * 1000000;
        measure_to = measure_from + (int64_t)dur_ms * 1000000;
        size_t cap = (size_t)dur_ms / 20 + 64;
        for (int s = 0; s < streams; s++) {
          st[s].cap = cap;
          st[s].at = malloc(cap * sizeof(int64_t));
          st[s].ts = malloc(cap * sizeof(uint32_t));
          st[s].sq = malloc(cap * sizeof(uint16_t));
        }
      }
    }
    int64_t mono = now_ns(CLOCK_MONOTONIC);
    if (mono >= measure_to) break;
    measuring = mono >= measure_from;
    if (measuring && late_n < late_cap) late[late_n++] = (double)(mono - due) / 1e6;
    for (int s = 0; s < streams; s++) {
      unsigned char b[172];
      uint32_t ts = (uint32_t)st[s].seq * 160u, ssrc = 0x5000u + (uint32_t)s;
      b[0] = 0x80, b[1] = 0;
      b[2] = st[s].seq >> 8, b[3] = st[s].seq & 0xff;
      b[4] = ts >> 24, b[5] = ts >> 16, b[6] = ts >> 8, b[7] = ts;
      b[8] = ssrc >> 24, b[9] = ssrc >> 16, b[10] = ssrc >> 8, b[11] = ssrc;
      memcpy(b + 12, tone, 160);
      st[s].seq++;
      sendto(st[s].sock, b, sizeof b, 0, (struct sockaddr *)&st[s].to, sizeof st[s].to);
    }
    if (mono > due + PERIOD_NS) t0 += (mono - due) / PERIOD_NS * PERIOD_NS; /* overslept: no burst */
  }

  size_t expected = 0, received = 0, nj = 0, cap = 0;
  for (int s = 0; s < streams; s++) cap += st[s].n;
  double *jitter = malloc((cap + 1) * sizeof *jitter), *dv = malloc((cap + 1) * sizeof *dv);
  /* per group: the same two figures, kept apart */
  double *gj[GROUPS], *gdv[GROUPS];
  size_t gn[GROUPS] = {0}, gdn[GROUPS] = {0}, gexp[GROUPS] = {0};
  for (int g = 0; g < GROUPS; g++) gj[g] = malloc((cap + 1) * sizeof(double)), gdv[g] = malloc((cap + 1) * sizeof(double));
  size_t ndv = 0;
  double drift_sum = 0;
  int drift_n = 0;
  for (int s = 0; s < streams; s++) {
    struct stream *x = &st[s];
    if (x->n < 2) continue;
    /* The mixer sends one packet per 20 ms, numbered in order; a frame it skipped (its thread
       held up, frame-ticker.ts) keeps the numbering but leaves a timestamp gap: audio lost too. */
    int span = 0;
    int64_t ts_span = 0;
    for (size_t i = 0; i < x->n; i++) {
      int d = (x->sq[i] - x->sq[0] + 65536) % 65536;
      if (d > span) span = d;
      int64_t t = (int32_t)(x->ts[i] - x->ts[0]);
      if (t > ts_span) ts_span = t;
    }
    size_t frames = (size_t)(ts_span / 160) + 1;
    size_t due_here = frames > (size_t)span + 1 ? frames : (size_t)span + 1;
    expected += due_here;
    gexp[x->group] += due_here;
    received += x->n;
    for (size_t i = 1; i < x->n; i++) {
      double arrival = (double)(x->at[i] - x->at[i - 1]) / 1e6;
      double sent = (double)(uint32_t)(x->ts[i] - x->ts[i - 1]) / 8.0;
      jitter[nj++] = fabs(arrival - sent);
      gj[x->group][gn[x->group]++] = fabs(arrival - sent);
    }
    /* Lateness against the RTP timestamp (unwrapped from the first packet), minus its best. */
    double best = 1e18, *late_of = malloc(x->n * sizeof *late_of);
    for (size_t i = 0; i < x->n; i++) {
      double l = (double)(x->at[i] - x->at[0]) / 1e6 - (double)(int32_t)(x->ts[i] - x->ts[0]) / 8.0;
      late_of[i] = l;
      if (l < best) best = l;
    }
    for (size_t i = 0; i < x->n; i++) {
      dv[ndv++] = late_of[i] - best;
      gdv[x->group][gdn[x->group]++] = late_of[i] - best;
    }
    double ts_ms = (double)(int32_t)(x->ts[x->n - 1] - x->ts[0]) / 8.0;
    if (ts_ms > 0) {
      drift_sum += 1000.0 * ((double)(x->at[x->n - 1] - x->at[0]) / 1e6 - ts_ms) / ts_ms;
      drift_n++;
    }
    free(late_of);
  }
  qsort(jitter, nj, sizeof *jitter, cmp_double);
  qsort(dv, ndv, sizeof *dv, cmp_double);
  qsort(late, late_n, sizeof *late, cmp_double);
  printf("{\"streams\":%d,\"expected\":%zu,\"received\":%zu,\"lossPct\":%.4f,\"addedJitterP50Ms\":%.4f,"
         "\"addedJitterP99Ms\":%.4f,\"addedJitterMaxMs\":%.4f,\"delayVariationP50Ms\":%.4f,\"delayVariationP99Ms\":%.4f,"
         "\"delayVariationMaxMs\":%.4f,\"driftMsPerS\":%.3f,\"phonesSendLatenessP99Ms\":%.4f,\"stamp\":\"kernel\",\"groups\":[",
         streams, expected, received, expected ? 100.0 * (double)(expected - received) / (double)expected : -1,
         pct(jitter, nj, 0.5), pct(jitter, nj, 0.99), nj ? jitter[nj - 1] : -1, pct(dv, ndv, 0.5), pct(dv, ndv, 0.99),
         ndv ? dv[ndv - 1] : -1, drift_n ? drift_sum / drift_n : 0, pct(late, late_n, 0.99));
  int comma = 0;
  for (int g = 0; g < GROUPS; g++) {
    if (!gn[g]) continue;
    qsort(gj[g], gn[g], sizeof(double), cmp_double);
    qsort(gdv[g], gdn[g], sizeof(double), cmp_double);
    printf("%s{\"group\":%d,\"packets\":%zu,\"lossPct\":%.4f,\"jitterP99Ms\":%.4f,\"delayVariationP99Ms\":%.4f}", comma++ ? "," : "", g,
           gdn[g], gexp[g] ? 100.0 * (double)(gexp[g] - gdn[g]) / (double)gexp[g] : -1, pct(gj[g], gn[g], 0.99), pct(gdv[g], gdn[g], 0.99));
  }
  printf("]}\n");
  return 0;
}
