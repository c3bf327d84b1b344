#!/usr/bin/env bash
# Makes this machine a fair stand-in for the classroom, where the browsers (camera, headsets) are other
# devices: here they run beside the service on the same cores. Called by `npm test` and `npm run bench`.
#
# Scheduler autogroups (kernel.sched_autogroup_enabled) group tasks by session: Chromium (its own session)
# was one group and the service, its mediasoup workers and the test runner another. On the 2-core CI VM
# (Linux 6.18) a task of the second group, runnable, then waited up to 1.5 s for a core while Chromium's
# group was busy: a bare process sleeping 5 ms woke up to 1519 ms late, the SFU sent nothing for 2.1 s and a
# staying viewer stalled 1.1-2.0 s in the churn test. Without autogroups every task is scheduled on its own
# merit: worst wake-up 22-65 ms, stalls 28-39 ms. On a server the browsers are elsewhere; this is the test
# bench's setting, not the product's. Needs root; without it the tests run and say so.
set -uo pipefail
knob=/proc/sys/kernel/sched_autogroup_enabled
if [[ -e $knob ]] && [[ $(cat "$knob") != 0 ]]; then
  if sysctl -q -w kernel.sched_autogroup_enabled=0 2>/dev/null; then
    echo "[test-host] scheduler autogroups off (browsers and service share these cores)"
  else
    echo "[test-host] scheduler autogroups are on and cannot be turned off (not root): timing tests may stall"
  fi
fi
exit 0
