/* Wireshark 4.0 decodes the RDP negotiation on 3389 but shows the TLS that
 * follows as "TPKT Continuation". A second postdissector, with the RDP
 * negotiation fields as its wanted fields, sees the Connection Confirm on the
 * first pass and tells the TLS dissector that TLS starts after this frame
 * (ssl_starttls_ack, as STARTTLS protocols do). The frames up to and including
 * the confirm keep their TPKT/X.224/RDP decoding.
 *
 * MS-RDPBCGR 2.2.1.2.1: every selectedProtocol other than PROTOCOL_RDP (0)
 * -- SSL, HYBRID, RDSTLS, HYBRID_EX, RDSAAD -- starts with a TLS handshake
 * (MS-RDPBCGR 5.4.5). */
#include "starttls.h"
#include "ws_compat.h"

#include <epan/conversation.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/dissectors/packet-tls-utils.h>

static int hf_selected_protocol = -1;      /* rdp.negReq.selectedProtocol (RDP_NEG_RSP) */
static dissector_handle_t starttls_handle; /* this postdissector */
static dissector_handle_t tls_handle;
static dissector_handle_t tpkt_handle;     /* what TLS carries: CredSSP, then TPKT */

static int
dissect_rdpcap_starttls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    GPtrArray *selected;
    guint i;
    gboolean tls = FALSE;

    (void)tvb;
    (void)data;
    if (PINFO_FD_VISITED(pinfo) || tree == NULL || hf_selected_protocol < 0 ||
        tls_handle == NULL || tpkt_handle == NULL || pinfo->ptype != PT_TCP)
        return 0;
    selected = proto_get_finfo_ptr_array(tree, hf_selected_protocol);
    if (selected == NULL)
        return 0;
    for (i = 0; i < selected->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(selected, i);
        if (fi != NULL && fvalue_get_uinteger(RDPCAP_FI_FVALUE(fi)) != 0)
            tls = TRUE;
    }
    if (tls) {
        ssl_starttls_ack(tls_handle, pinfo, tpkt_handle);
        /* ssl_starttls_ack sets TLS as the conversation's dissector from frame
         * 0. On later passes a dissector of the X.224 Connection Request
         * resets the frame-0 entry, and the TLS would be "TPKT Continuation"
         * again (tshark -2, GUI clicks). An entry keyed after this frame
         * keeps TLS for the rest of the connection. */
        conversation_set_dissector_from_frame_number(find_or_create_conversation(pinfo), pinfo->num + 1,
                                                     tls_handle);
    }
    return 0;
}

void
rdpcap_starttls_register(int proto)
{
    starttls_handle = register_dissector("rdpcap_starttls", dissect_rdpcap_starttls, proto);
    register_postdissector(starttls_handle);
}

void
rdpcap_starttls_handoff(void)
{
    GArray *wanted;

    tls_handle = find_dissector("tls");
    tpkt_handle = find_dissector("tpkt");
    hf_selected_protocol = proto_registrar_get_id_byname("rdp.negReq.selectedProtocol");
    if (hf_selected_protocol < 0)
        return;
    wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    g_array_append_val(wanted, hf_selected_protocol);
    set_postdissector_wanted_hfids(starttls_handle, wanted);
}
