#ifndef NUDGE_CSYSTEMD_SHIM_H
#define NUDGE_CSYSTEMD_SHIM_H

#include <sys/uio.h>
#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-bus.h>

#endif
