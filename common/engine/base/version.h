/* version.h - synlab's version string, printed by every program's --version. */
#ifndef SYNLAB_VERSION_H
#define SYNLAB_VERSION_H
#define SYNLAB_VERSION "0.1.0"
#endif
