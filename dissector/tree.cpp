#include "tree.hpp"

#include <cinttypes>
#include <set>
#include <string>
#include <vector>

#include <epan/expert.h>
#include <epan/proto.h>

namespace rdpcap::plugin {

namespace {

int hf_connection = -1;
int hf_client = -1;
int hf_server = -1;
int hf_verdict = -1;
int hf_verdict_text = -1;
int hf_stage = -1;
int hf_tls_version = -1;
int hf_tls_cipher = -1;
int hf_decryption = -1;
int hf_decrypted = -1;
int hf_event = -1;
int hf_event_from = -1;
int hf_event_failure = -1;
int hf_finding = -1;
int hf_severity = -1;
int hf_title = -1;
int hf_evidence = -1;
int hf_evidence_key = -1;
int hf_evidence_frame = -1;
int hf_remediation = -1;
int hf_client_error = -1;
int hf_server_event = -1;
int hf_finding_moved = -1;
int hf_finding_late = -1;
int hf_first_pass = -1;
int hf_stream = -1;
int hf_withdrawn = -1;

int ett_rdpcap = -1;
int ett_connection = -1;
int ett_finding = -1;
int ett_evidence = -1;

// One expert info per code of the finding catalog (rules/catalog.cpp), named
// rdpcap.expert.<code>, with the catalog's severity and group. A code missing
// from the catalog, or reported with another severity, uses one of the
// group x severity experts. The text always starts with the code
// ("cert.expired: ..."), so tshark -z expert lists each code on its own line.
constexpr int n_groups = 5, n_levels = 3;
expert_field ei[n_groups][n_levels];
expert_field* ei_code = nullptr;  // [rules::finding_catalog().size()], never freed
size_t n_codes = 0;

const value_string tls_version_names[] = {
    {0x0002, "SSL 2.0"}, {0x0300, "SSL 3.0"}, {0x0301, "TLS 1.0"}, {0x0302, "TLS 1.1"},
    {0x0303, "TLS 1.2"}, {0x0304, "TLS 1.3"}, {0, nullptr}};

int pi_group(ExpertGroup g) {
  switch (g) {
    case ExpertGroup::security: return PI_SECURITY;
    case ExpertGroup::sequence: return PI_SEQUENCE;
    case ExpertGroup::response_code: return PI_RESPONSE_CODE;
    case ExpertGroup::malformed: return PI_MALFORMED;
    case ExpertGroup::protocol: break;
  }
  return PI_PROTOCOL;
}

int pi_severity(rules::Severity s) {
  switch (s) {
    case rules::Severity::error: return PI_ERROR;
    case rules::Severity::warning: return PI_WARN;
    case rules::Severity::info: break;
  }
  return PI_NOTE;
}

// Letters, digits, '_' and inner dots: what a field abbreviation may hold.
bool valid_field_part(const char* code) {
  if (!code || !*code || *code == '.') return false;
  char last = 0;
  for (const char* p = code; *p; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    (c == '.' && last != '.');
    if (!ok) return false;
    last = c;
  }
  return last != '.';
}

expert_field* expert_for(const FindingView& f) {
  if (f.catalog_index >= 0 && static_cast<size_t>(f.catalog_index) < n_codes &&
      ei_code[f.catalog_index].ei != EI_INIT_EI)
    return &ei_code[f.catalog_index];
  return &ei[static_cast<int>(f.group)][static_cast<int>(f.level)];
}

// Longjmp zone helpers: only raw pointers and integers as locals.
void add_finding(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const FindingView& f) {
  proto_item* item = proto_tree_add_string_format(tree, hf_finding, tvb, 0, 0, f.code.c_str(),
                                                   "Finding: %s (%s): %s", f.code.c_str(),
                                                   f.severity.c_str(), f.title.c_str());
  proto_tree* sub = proto_item_add_subtree(item, ett_finding);
  proto_tree_add_string(sub, hf_severity, tvb, 0, 0, f.severity.c_str());
  proto_tree_add_string(sub, hf_title, tvb, 0, 0, f.title.c_str());
  for (const EvidenceView& e : f.evidence) {
    proto_item* ev = proto_tree_add_string_format(sub, hf_evidence, tvb, 0, 0, e.value.c_str(),
                                                  "%s: %s", e.key.c_str(), e.value.c_str());
    proto_item* k = proto_tree_add_string(sub, hf_evidence_key, tvb, 0, 0, e.key.c_str());
    proto_item_set_hidden(k);  // filterable, not shown: the line above says it
    if (e.frame != 0) {
      proto_item_append_text(ev, " (frame %u)", static_cast<guint32>(e.frame));
      proto_tree* evt = proto_item_add_subtree(ev, ett_evidence);
      proto_item* fr = proto_tree_add_uint(evt, hf_evidence_frame, tvb, 0, 0, static_cast<guint32>(e.frame));
      proto_item_set_generated(fr);  // a link to the frame in the GUI
    }
  }
  if (!f.remediation.empty()) proto_tree_add_string(sub, hf_remediation, tvb, 0, 0, f.remediation.c_str());
  if (!f.client_error.empty()) proto_tree_add_string(sub, hf_client_error, tvb, 0, 0, f.client_error.c_str());
  if (!f.server_event.empty()) proto_tree_add_string(sub, hf_server_event, tvb, 0, 0, f.server_event.c_str());
  if (f.moved) {
    proto_item* m = proto_tree_add_boolean(sub, hf_finding_moved, tvb, 0, 0, TRUE);
    proto_item_set_generated(m);
  }
  if (f.late != FindingView::Late::no) {
    const bool wide = f.late == FindingView::Late::capture_wide;
    proto_item* l = proto_tree_add_string_format_value(
        sub, hf_finding_late, tvb, 0, 0, wide ? "capture-wide" : "capture-end",
        wide ? "capture-wide (what the whole capture showed of this server; a second pass only)"
             : "capture-end (known when the capture ended; a second pass only)");
    proto_item_set_generated(l);
  }
  expert_add_info_format(pinfo, item, expert_for(f), "%s: %s", f.code.c_str(), f.title.c_str());
  col_append_fstr(pinfo->cinfo, COL_INFO, " [rdpcap: %s]", f.code.c_str());
}

void add_connection(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const ConnectionView& c,
                    const FrameEntry& e) {
  proto_item* ci = proto_tree_add_uint_format(tree, hf_connection, tvb, 0, 0, static_cast<guint32>(c.id),
                                              "Connection %u: %s \u2192 %s", static_cast<guint32>(c.id),
                                              c.client.c_str(), c.server.c_str());
  proto_tree* ct = proto_item_add_subtree(ci, ett_connection);
  proto_tree_add_string(ct, hf_client, tvb, 0, 0, c.client.c_str());
  proto_tree_add_string(ct, hf_server, tvb, 0, 0, c.server.c_str());
  proto_tree_add_string_format_value(ct, hf_verdict, tvb, 0, 0, c.outcome.c_str(), "%s (%s)", c.outcome.c_str(),
                                     c.verdict.c_str());
  proto_item* vt = proto_tree_add_string(ct, hf_verdict_text, tvb, 0, 0, c.verdict.c_str());
  proto_item_set_hidden(vt);  // the Verdict line shows it
  proto_tree_add_string(ct, hf_stage, tvb, 0, 0, c.stage.c_str());
  if (c.tls_version)
    proto_tree_add_uint_format_value(ct, hf_tls_version, tvb, 0, 0, *c.tls_version, "%s",
                                     c.tls_version_text.c_str());
  if (c.tls_cipher)
    proto_tree_add_uint_format_value(ct, hf_tls_cipher, tvb, 0, 0, *c.tls_cipher, "%s",
                                     c.tls_cipher_text.c_str());
  if (!c.decryption.empty()) proto_tree_add_string(ct, hf_decryption, tvb, 0, 0, c.decryption.c_str());
  for (const std::string& line : c.decrypted)
    proto_tree_add_string_format(ct, hf_decrypted, tvb, 0, 0, line.c_str(), "Decrypted: %s", line.c_str());
  for (const EventView& ev : e.events) {
    proto_tree_add_string_format(ct, hf_event, tvb, 0, 0, ev.what.c_str(), "Event (%s): %s%s", ev.from.c_str(),
                                 ev.what.c_str(), ev.failure ? "  \u2190 failure" : "");
    // Filterable, not shown: the Event line says both.
    proto_item* from = proto_tree_add_string(ct, hf_event_from, tvb, 0, 0, ev.from.c_str());
    proto_item_set_hidden(from);
    proto_item* fail = proto_tree_add_boolean(ct, hf_event_failure, tvb, 0, 0, ev.failure);
    proto_item_set_hidden(fail);
  }
  for (const FindingView& f : e.findings) add_finding(tvb, pinfo, ct, f);
}

}  // namespace

void add_diagnostics(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, int proto, const FileState& st,
                     const FrameRecord& record) {
  proto_item* top = proto_tree_add_item(tree, proto, tvb, 0, 0, ENC_NA);
  proto_tree* tt = proto_item_add_subtree(top, ett_rdpcap);
  guint findings = 0;
  for (const FrameEntry& e : record.entries) {
    if (e.connection >= st.connections.size()) continue;
    const ConnectionView& c = st.connections[e.connection];
    if (findings == 0 && !e.findings.empty())
      proto_item_append_text(top, ": %s", e.findings.front().code.c_str());
    else if (findings == 0 && record.entries.size() == 1)
      proto_item_append_text(top, ": %s", c.outcome.c_str());
    findings += static_cast<guint>(e.findings.size());
    add_connection(tvb, pinfo, tt, c, e);
  }
  if (findings > 1) proto_item_append_text(top, " (+%u more)", findings - 1);
}

// First pass: only what became known at this frame (the connection's final
// verdict and the capture-wide refinements come with the second pass).
void add_first_pass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, int proto,
                    const std::vector<FirstPassFinding>& found) {
  proto_item* top = proto_tree_add_item(tree, proto, tvb, 0, 0, ENC_NA);
  proto_tree* tt = proto_item_add_subtree(top, ett_rdpcap);
  proto_item* fp = proto_tree_add_boolean_format_value(
      tt, hf_first_pass, tvb, 0, 0, TRUE,
      "yes: what became known at this frame; the verdict and capture-wide refinements need a second pass");
  proto_item_set_generated(fp);
  guint shown = 0;
  for (const FirstPassFinding& r : found) {
    proto_item* ci = proto_tree_add_uint_format(tt, hf_stream, tvb, 0, 0, static_cast<guint32>(r.stream_id),
                                                "Connection (stream %u): %s \u2192 %s",
                                                static_cast<guint32>(r.stream_id), r.client.c_str(), r.server.c_str());
    proto_tree* ct = proto_item_add_subtree(ci, ett_connection);
    proto_tree_add_string(ct, hf_client, tvb, 0, 0, r.client.c_str());
    proto_tree_add_string(ct, hf_server, tvb, 0, 0, r.server.c_str());
    if (r.withdrawn) {
      proto_item* w = proto_tree_add_string_format_value(ct, hf_withdrawn, tvb, 0, 0, r.finding.code.c_str(),
                                                         "%s (given earlier; a later fact contradicts it)",
                                                         r.finding.code.c_str());
      proto_item_set_generated(w);
      continue;
    }
    if (shown++ == 0) proto_item_append_text(top, ": %s", r.finding.code.c_str());
    add_finding(tvb, pinfo, ct, r.finding);
  }
  if (shown > 1) proto_item_append_text(top, " (+%u more)", shown - 1);
}

void add_not_analysed(tvbuff_t* tvb, proto_tree* tree, int proto, uint64_t last_analysed) {
  proto_item* top = proto_tree_add_item(tree, proto, tvb, 0, 0, ENC_NA);
  proto_item_append_text(top, ": not analysed (the diagnosis covers frames 1-%" PRIu64
                              "; reload the file to include later frames)", last_analysed);
  proto_item_set_generated(top);
}

void register_fields(int proto) {
  static hf_register_info hf[] = {
      {&hf_connection, {"Connection", "rdpcap.connection", FT_UINT32, BASE_DEC, nullptr, 0x0,
                        "Connection number (order of first packet, as in rdpcap-analyze)", HFILL}},
      {&hf_client, {"Client", "rdpcap.client", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_server, {"Server", "rdpcap.server", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_verdict, {"Verdict", "rdpcap.verdict", FT_STRING, BASE_NONE, nullptr, 0x0,
                     "Outcome of the connection (established, failed_tcp, failed_negotiation, failed_tls, "
                     "failed_after_tls, incomplete)", HFILL}},
      {&hf_verdict_text, {"Verdict text", "rdpcap.verdict.text", FT_STRING, BASE_NONE, nullptr, 0x0,
                          "Outcome and most likely cause, one line", HFILL}},
      {&hf_stage, {"Stage", "rdpcap.stage", FT_STRING, BASE_NONE, nullptr, 0x0,
                   "Last connection-setup stage reached", HFILL}},
      {&hf_tls_version, {"Negotiated TLS version", "rdpcap.tls.version", FT_UINT16, BASE_HEX,
                         VALS(tls_version_names), 0x0, nullptr, HFILL}},
      {&hf_tls_cipher, {"Negotiated TLS cipher suite", "rdpcap.tls.cipher", FT_UINT16, BASE_HEX, nullptr, 0x0,
                        nullptr, HFILL}},
      {&hf_decryption, {"Decryption", "rdpcap.decryption", FT_STRING, BASE_NONE, nullptr, 0x0,
                        "With a TLS key log (tls.keylog_file or the capture's secrets): decrypted, no matching key, "
                        "or failed at a frame", HFILL}},
      {&hf_decrypted, {"Decrypted fact", "rdpcap.decrypted", FT_STRING, BASE_NONE, nullptr, 0x0,
                       "What the decrypted CredSSP/RDP records said", HFILL}},
      {&hf_event, {"Event", "rdpcap.event", FT_STRING, BASE_NONE, nullptr, 0x0,
                   "Connection timeline step seen in this frame", HFILL}},
      {&hf_event_from, {"From", "rdpcap.event.from", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_event_failure, {"Failure step", "rdpcap.event.failure", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                           "The step where the connection went wrong", HFILL}},
      {&hf_finding, {"Finding", "rdpcap.finding", FT_STRING, BASE_NONE, nullptr, 0x0,
                     "Finding code, as in rdpcap-analyze --json", HFILL}},
      {&hf_severity, {"Severity", "rdpcap.severity", FT_STRING, BASE_NONE, nullptr, 0x0,
                      "error, warning or info", HFILL}},
      {&hf_title, {"Title", "rdpcap.finding.title", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_evidence, {"Evidence", "rdpcap.evidence", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_evidence_key, {"Evidence key", "rdpcap.evidence.key", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr,
                          HFILL}},
      {&hf_evidence_frame, {"Evidence frame", "rdpcap.evidence.frame", FT_FRAMENUM, BASE_NONE, nullptr, 0x0,
                            nullptr, HFILL}},
      {&hf_remediation, {"Remediation", "rdpcap.remediation", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr,
                         HFILL}},
      {&hf_client_error, {"What the client most likely showed", "rdpcap.client_error", FT_STRING, BASE_NONE,
                          nullptr, 0x0, nullptr, HFILL}},
      {&hf_server_event, {"Server event to look for", "rdpcap.server_event", FT_STRING, BASE_NONE, nullptr,
                          0x0, nullptr, HFILL}},
      {&hf_finding_moved, {"Not tied to a frame (shown at the connection's first frame)",
                           "rdpcap.finding.unplaced", FT_BOOLEAN, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_finding_late, {"Second pass only", "rdpcap.finding.second_pass_only", FT_STRING, BASE_NONE, nullptr,
                          0x0, "Why the first pass could not show this finding: capture-wide (what the whole "
                          "capture showed of the server) or capture-end (known when the capture ended)", HFILL}},
      {&hf_first_pass, {"First pass", "rdpcap.first_pass", FT_BOOLEAN, BASE_NONE, nullptr, 0x0,
                        "Findings known at this frame while the capture was read once (tshark without -2, "
                        "Wireshark while loading)", HFILL}},
      {&hf_stream, {"Stream", "rdpcap.stream", FT_UINT32, BASE_DEC, nullptr, 0x0,
                    "The engine's connection number in the first pass (order it started following them)", HFILL}},
      {&hf_withdrawn, {"Withdrawn finding", "rdpcap.finding.withdrawn", FT_STRING, BASE_NONE, nullptr, 0x0,
                       "A finding given at an earlier frame that a later fact contradicts", HFILL}},
  };
  static int* ett[] = {&ett_rdpcap, &ett_connection, &ett_finding, &ett_evidence};
  proto_register_field_array(proto, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));

  static const char* const group_names[n_groups] = {"security", "sequence", "protocol", "response_code",
                                                     "malformed"};
  static const char* const level_names[n_levels] = {"info", "warning", "error"};
  static const ExpertGroup groups[n_groups] = {ExpertGroup::security, ExpertGroup::sequence,
                                               ExpertGroup::protocol, ExpertGroup::response_code,
                                               ExpertGroup::malformed};
  static const rules::Severity levels[n_levels] = {rules::Severity::info, rules::Severity::warning,
                                                   rules::Severity::error};
  // Registration keeps pointers to names and summaries: static storage, never freed.
  const auto catalog = rules::finding_catalog();
  static std::vector<std::string> strings;  // reserved below: c_str() pointers stay valid
  static std::vector<ei_register_info> eiinfo;
  strings.reserve(2 * (catalog.size() + n_groups * n_levels));
  eiinfo.reserve(catalog.size() + n_groups * n_levels);
  auto keep = [](std::string text) { return strings.emplace_back(std::move(text)).c_str(); };

  n_codes = catalog.size();
  ei_code = new expert_field[n_codes];
  std::set<std::string> registered;
  for (size_t i = 0; i < n_codes; ++i) {
    const rules::CodeInfo& info = catalog[i];
    ei_code[i] = EI_INIT;
    // Wireshark aborts at start-up on an invalid field name: a code that
    // would make one (or a repeated code) keeps the group x severity expert.
    if (!valid_field_part(info.code) || !registered.insert(info.code).second) continue;
    eiinfo.push_back(ei_register_info{
        &ei_code[i],
        expert_field_info{keep(std::string("rdpcap.expert.") + info.code), pi_group(info.group),
                          pi_severity(info.severity), keep(std::string(info.code) + ": " + info.meaning),
                          EXPFILL}});
  }
  for (int g = 0; g < n_groups; ++g) {
    for (int l = 0; l < n_levels; ++l) {
      expert_field* field = &ei[static_cast<int>(groups[g])][static_cast<int>(levels[l])];
      *field = EI_INIT;
      eiinfo.push_back(ei_register_info{
          field, expert_field_info{keep(std::string("rdpcap.expert.other.") + group_names[g] + "." + level_names[l]),
                                   pi_group(groups[g]), pi_severity(levels[l]),
                                   keep(std::string("RDP diagnosis (") + group_names[g] + ", " + level_names[l] + ")"),
                                   EXPFILL}});
    }
  }
  expert_module_t* module = expert_register_protocol(proto);
  expert_register_field_array(module, eiinfo.data(), static_cast<int>(eiinfo.size()));
}

}  // namespace rdpcap::plugin
