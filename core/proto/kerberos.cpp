#include "proto/kerberos.hpp"

#include "proto/der.hpp"

namespace rdpcap::proto::kerberos {

using util::Bytes;
using util::ParseResult;
namespace D = der;

const char* message_name(uint32_t type) {
  switch (type) {
    case msg::as_req: return "AS-REQ";
    case msg::as_rep: return "AS-REP";
    case msg::tgs_req: return "TGS-REQ";
    case msg::tgs_rep: return "TGS-REP";
    case msg::ap_req: return "AP-REQ";
    case msg::ap_rep: return "AP-REP";
    case msg::krb_error: return "KRB-ERROR";
    default: return "unknown";
  }
}

namespace {

constexpr size_t kMaxNameParts = 8;
constexpr size_t kMaxString = 256;

// KerberosString (GeneralString, 5.2.1) or the UTF8String some stacks use.
bool kstring(const D::Tlv& t, std::string& out) {
  if (t.cls != D::Class::universal || (t.tag != D::tag::general_string && t.tag != D::tag::utf8_string)) return false;
  out = D::string_value(t, kMaxString);
  return true;
}

bool explicit_string(const D::Tlv& wrapper, std::string& out) {
  D::Tlv v;
  return D::inner(wrapper, v) && kstring(v, out);
}

std::optional<int64_t> explicit_int(const D::Tlv& wrapper) {
  D::Tlv v;
  if (!D::inner(wrapper, v)) return std::nullopt;
  return D::integer(v);
}

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
bool principal(const D::Tlv& wrapper, PrincipalName& out) {
  D::Tlv seq;
  if (!D::inner(wrapper, seq) || seq.tag != D::tag::sequence) return false;
  D::Reader r(seq.value);
  D::Tlv f;
  if (!r.next_context(0, f)) return false;
  if (auto v = explicit_int(f)) out.name_type = static_cast<int32_t>(*v);
  if (!r.next_context(1, f)) return false;
  D::Tlv parts;
  if (!D::inner(f, parts) || parts.tag != D::tag::sequence) return false;
  D::Reader pr(parts.value);
  D::Tlv part;
  for (size_t i = 0; i < kMaxNameParts && pr.next(part); ++i) {
    std::string s;
    if (!kstring(part, s)) return false;
    if (out.text.size() + s.size() > kMaxString) break;
    out.text += (i ? "/" : "") + s;
  }
  return true;
}

// Walks a SEQUENCE of context-tagged fields, calling f(n, field) in order.
template <typename F>
void fields(Bytes seq_value, F&& f) {
  D::Reader r(seq_value);
  D::Tlv field;
  for (int i = 0; i < 32 && r.next(field); ++i)
    if (field.cls == D::Class::context) f(field.tag, field);
}

// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
bool ticket(const D::Tlv& wrapper, ApReq& out) {
  D::Tlv app, seq;
  if (!D::inner(wrapper, app) || app.cls != D::Class::application || app.tag != 1) return false;
  if (!D::inner(app, seq) || seq.tag != D::tag::sequence) return false;
  bool have_sname = false;
  fields(seq.value, [&](uint32_t n, const D::Tlv& f) {
    if (n == 1) explicit_string(f, out.realm);
    if (n == 2) have_sname = principal(f, out.sname);
  });
  return have_sname;
}

// AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3], authenticator [4] }
bool ap_req(const D::Tlv& seq, ApReq& out) {
  bool ok = false;
  fields(seq.value, [&](uint32_t n, const D::Tlv& f) {
    if (n == 3) ok = ticket(f, out);
  });
  return ok;
}

// KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3], req-body [4] KDC-REQ-BODY }
// KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1], realm [2], sname [3], ... }
bool kdc_req(const D::Tlv& seq, KdcReq& out) {
  bool body = false;
  fields(seq.value, [&](uint32_t n, const D::Tlv& f) {
    if (n != 4) return;
    D::Tlv b;
    if (!D::inner(f, b) || b.tag != D::tag::sequence) return;
    body = true;
    fields(b.value, [&](uint32_t m, const D::Tlv& g) {
      if (m == 1) {
        PrincipalName p;
        if (principal(g, p)) out.cname = p;
      } else if (m == 2) {
        explicit_string(g, out.realm);
      } else if (m == 3) {
        PrincipalName p;
        if (principal(g, p)) out.sname = p;
      }
    });
  });
  return body;
}

// KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0], msg-type [1], ctime [2], cusec [3],
//   stime [4], susec [5], error-code [6], crealm [7], cname [8], realm [9], sname [10],
//   e-text [11], e-data [12] }
bool krb_error(const D::Tlv& seq, KrbError& out) {
  bool code = false;
  fields(seq.value, [&](uint32_t n, const D::Tlv& f) {
    D::Tlv v;
    switch (n) {
      case 2:
      case 4:
        if (D::inner(f, v) && v.tag == D::tag::generalized_time) (n == 2 ? out.ctime : out.stime) = D::string_value(v, 32);
        break;
      case 6:
        if (auto c = explicit_int(f)) {
          out.error_code = static_cast<int32_t>(*c);
          code = true;
        }
        break;
      case 7: explicit_string(f, out.crealm); break;
      case 8: {
        PrincipalName p;
        if (principal(f, p)) out.cname = p;
        break;
      }
      case 9: explicit_string(f, out.realm); break;
      case 10: principal(f, out.sname); break;
      case 11: explicit_string(f, out.e_text); break;
      default: break;
    }
  });
  return code;
}

}  // namespace

ParseResult<Message> parse_message(Bytes data) {
  auto top = D::read_tlv(data);
  if (top.is_need_more()) return ParseResult<Message>::need_more();
  if (!top.is_ok()) return ParseResult<Message>::invalid(top.reason(), top.offset());
  const D::Tlv& app = top.value();
  if (app.cls != D::Class::application) return ParseResult<Message>::invalid("not a Kerberos message", 0);
  D::Tlv seq;
  if (!D::inner(app, seq) || seq.cls != D::Class::universal || seq.tag != D::tag::sequence)
    return ParseResult<Message>::invalid("Kerberos message without its SEQUENCE", app.header_length);
  Message m;
  m.type = app.tag;
  bool ok = false;
  switch (app.tag) {
    case msg::ap_req: {
      ApReq a;
      if ((ok = ap_req(seq, a))) m.ap_req = a;
      break;
    }
    case msg::as_req:
    case msg::tgs_req: {
      KdcReq k;
      k.msg_type = app.tag;
      if ((ok = kdc_req(seq, k))) m.kdc_req = k;
      break;
    }
    case msg::krb_error: {
      KrbError e;
      if ((ok = krb_error(seq, e))) m.error = e;
      break;
    }
    case msg::as_rep:
    case msg::tgs_rep:  // KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2], crealm [3], ... }
      ok = true;
      fields(seq.value, [&](uint32_t n, const D::Tlv& f) {
        if (n == 3) explicit_string(f, m.rep_realm);
      });
      break;
    case msg::ap_rep: ok = true; break;
    default: return ParseResult<Message>::invalid("unknown Kerberos message type", 0);
  }
  if (!ok) return ParseResult<Message>::invalid(std::string(message_name(app.tag)) + " without its required fields", 0);
  return ParseResult<Message>::ok(std::move(m), top.consumed());
}

ParseResult<Bytes> frame_tcp_record(Bytes stream, size_t max_length) {
  util::ByteReader r(stream);
  uint32_t len = 0;
  if (!r.u32be(len)) return ParseResult<Bytes>::need_more();
  if (len & 0x80000000u) return ParseResult<Bytes>::invalid("reserved bit of the record mark set", 0);
  if (len == 0 || len > max_length) return ParseResult<Bytes>::invalid("record length out of range", 0);
  Bytes body;
  if (!r.bytes(len, body)) return ParseResult<Bytes>::need_more();
  return ParseResult<Bytes>::ok(body, 4 + size_t{len});
}

std::optional<GssKerberos> unwrap_gss(Bytes token) {
  D::Tlv app;
  if (!D::expect(token, D::Class::application, 0, app) || !app.constructed) return std::nullopt;
  auto oid = D::read_tlv(app.value);
  if (!oid.is_ok()) return std::nullopt;
  auto text = D::oid_text(oid.value());
  if (!text || (*text != "1.2.840.113554.1.2.2" && *text != "1.2.840.48018.1.2.2")) return std::nullopt;
  util::ByteReader r(app.value.subspan(oid.consumed()));
  GssKerberos g;
  g.mech_oid = *text;
  if (!r.u16be(g.tok_id)) return std::nullopt;
  g.message = r.rest();
  return g;
}

}  // namespace rdpcap::proto::kerberos
