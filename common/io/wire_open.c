/* wire_open.c - opening and closing a wire (sender + receiver). */
#include "wire_priv.h"

#include <libnet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int wire_pick_device(struct wire *w, const struct wire_cfg *cfg, struct err *e)
{
	if (!cfg->device)
		return cfg->v6 ? wire_find_device6(cfg->local6, w->device, e)
			       : wire_find_device(cfg->local, w->device, e);
	if (strlen(cfg->device) >= WIRE_IFNAMSIZ)
		return err_set(e, "device name '%.40s' is too long", cfg->device);
	snprintf(w->device, sizeof(w->device), "%s", cfg->device);
	return 0;
}

int wire_open(struct wire *w, const struct wire_cfg *cfg, struct err *e)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	static const uint8_t none6[16];

	if (cfg->v6 ? !memcmp(cfg->local6, none6, 16) : cfg->local == 0)
		return err_set(e, "wire: no local address given");
	w->local = cfg->local;
	w->v6 = cfg->v6;
	memcpy(w->local6, cfg->local6, 16);
	w->port = cfg->port;
	w->next_ip_id = 1;
	if (wire_pick_device(w, cfg, e) < 0)
		return -1;
	w->rxbuf = malloc(SEG_IP_MAX);
	if (!w->rxbuf)
		return err_set(e, "wire: out of memory");
	if (wire_tx_open(w, cfg->mark, e) < 0 || wire_rx_open(w, e) < 0) {
		wire_close(w);
		return err_wrap(e, "opening %s", w->device);
	}
	return 0;
}

void wire_close(struct wire *w)
{
	if (w->ln)
		libnet_destroy(w->ln);
	if (w->pc)
		pcap_close(w->pc);
	free(w->rxbuf);
	w->ln = NULL;
	w->pc = NULL;
	w->rxbuf = NULL;
	w->fd = -1;
}
