#include "proto/credssp.hpp"

#include "proto/der.hpp"
#include "proto/kerberos.hpp"
#include "proto/ntlm.hpp"

namespace rdpcap::proto::credssp {

using util::Bytes;
using util::ParseResult;
namespace D = der;

ParseResult<size_t> frame_length(Bytes data, size_t max_length) {
  util::ByteReader r(data);
  uint8_t id = 0, b = 0;
  if (!r.u8(id)) return ParseResult<size_t>::need_more();
  if (id != 0x30) return ParseResult<size_t>::invalid("not a DER SEQUENCE", 0);
  if (!r.u8(b)) return ParseResult<size_t>::need_more();
  size_t length = b;
  if (b == 0x80 || b > 0x84) return ParseResult<size_t>::invalid("unsupported DER length", 1);
  if (b > 0x80) {
    length = 0;
    for (int i = 0; i < (b & 0x7f); ++i) {
      uint8_t x = 0;
      if (!r.u8(x)) return ParseResult<size_t>::need_more();
      length = (length << 8) | x;
    }
  }
  const size_t total = r.offset() + length;
  if (length > max_length) return ParseResult<size_t>::invalid("TSRequest longer than the limit", 1);
  return ParseResult<size_t>::ok(total, r.offset());
}

ParseResult<TsRequest> parse_ts_request(Bytes data) {
  auto top = D::read_tlv(data);
  if (top.is_need_more()) return ParseResult<TsRequest>::need_more();
  if (!top.is_ok()) return ParseResult<TsRequest>::invalid(top.reason(), top.offset());
  const D::Tlv& seq = top.value();
  if (seq.cls != D::Class::universal || seq.tag != D::tag::sequence || !seq.constructed)
    return ParseResult<TsRequest>::invalid("TSRequest is not a SEQUENCE", 0);
  TsRequest t;
  D::Reader r(seq.value);
  D::Tlv f, v;
  if (!r.next_context(0, f) || !D::inner(f, v)) return ParseResult<TsRequest>::invalid("TSRequest without version", 2);
  auto version = D::integer(v);
  if (!version || *version < 0 || *version > 0xffff)
    return ParseResult<TsRequest>::invalid("TSRequest version is not a small INTEGER", 2);
  t.version = static_cast<uint32_t>(*version);
  for (int i = 0; i < 8 && r.next(f); ++i) {
    if (f.cls != D::Class::context) continue;
    switch (f.tag) {
      case 1: {  // negoTokens: SEQUENCE OF SEQUENCE { [0] OCTET STRING }
        D::Tlv list, item, w, token;
        if (D::inner(f, list) && list.tag == D::tag::sequence && D::inner(list, item) && item.tag == D::tag::sequence &&
            D::inner(item, w) && w.cls == D::Class::context && w.tag == 0 && D::inner(w, token) &&
            token.tag == D::tag::octet_string)
          t.nego_token = token.value;
        break;
      }
      case 2: t.auth_info = true; break;
      case 3: t.pub_key_auth = true; break;
      case 4:
        if (D::inner(f, v))
          if (auto code = D::integer(v)) t.error_code = static_cast<uint32_t>(*code);  // NTSTATUS: a negative INTEGER
        break;
      case 5: t.client_nonce = true; break;
      default: break;
    }
  }
  if (r.failed()) return ParseResult<TsRequest>::invalid("TSRequest field does not fit", 2);
  return ParseResult<TsRequest>::ok(t, top.consumed());
}

const char* mech_name(const std::string& oid) {
  if (oid == oid::kerberos || oid == oid::kerberos_ms) return "Kerberos";
  if (oid == oid::kerberos_u2u) return "Kerberos user-to-user";
  if (oid == oid::ntlm) return "NTLM";
  if (oid == oid::negoex) return "NegoEx";
  return nullptr;
}

const char* inner_name(Inner i) {
  switch (i) {
    case Inner::none: return "none";
    case Inner::ntlm: return "NTLM";
    case Inner::kerberos: return "Kerberos";
    case Inner::unknown: return "unknown";
  }
  return "unknown";
}

const char* neg_state_name(int state) {
  switch (state) {
    case 0: return "accept-completed";
    case 1: return "accept-incomplete";
    case 2: return "reject";
    case 3: return "request-mic";
    default: return "unknown";
  }
}

namespace {

void classify_inner(Bytes mech_token, AuthToken& out) {
  out.inner_token = mech_token;
  if (ntlm::has_signature(mech_token)) {
    out.inner = Inner::ntlm;
  } else if (auto g = kerberos::unwrap_gss(mech_token)) {
    out.inner = Inner::kerberos;
    out.kerberos_tok_id = g->tok_id;
    out.inner_token = g->message;
  } else if (!mech_token.empty() && (mech_token[0] == 0x6e || mech_token[0] == 0x6f || mech_token[0] == 0x7e)) {
    out.inner = Inner::kerberos;  // a bare AP-REQ [APPLICATION 14] / AP-REP [15] / KRB-ERROR [30]
  } else {
    out.inner = mech_token.empty() ? Inner::none : Inner::unknown;
  }
}

// NegTokenInit ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1], mechToken [2] OCTET STRING, mechListMIC [3] }
void neg_token_init(const D::Tlv& seq, AuthToken& out) {
  D::Reader r(seq.value);
  D::Tlv f, v;
  for (int i = 0; i < 8 && r.next(f); ++i) {
    if (f.cls != D::Class::context) continue;
    if (f.tag == 0 && D::inner(f, v) && v.tag == D::tag::sequence) {
      D::Reader list(v.value);
      D::Tlv o;
      while (out.mech_types.size() < 8 && list.next(o))
        if (auto text = D::oid_text(o)) out.mech_types.push_back(*text);
    } else if (f.tag == 2 && D::inner(f, v) && v.tag == D::tag::octet_string) {
      classify_inner(v.value, out);
    }
  }
}

// NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED, supportedMech [1] MechType,
//   responseToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }
void neg_token_resp(const D::Tlv& seq, AuthToken& out) {
  D::Reader r(seq.value);
  D::Tlv f, v;
  for (int i = 0; i < 8 && r.next(f); ++i) {
    if (f.cls != D::Class::context || !D::inner(f, v)) continue;
    if (f.tag == 0) {
      if (auto s = D::integer(v)) out.neg_state = static_cast<int>(*s);
    } else if (f.tag == 1) {
      out.supported_mech = D::oid_text(v);
    } else if (f.tag == 2 && v.tag == D::tag::octet_string) {
      classify_inner(v.value, out);
    }
  }
}

}  // namespace

AuthToken inspect_token(Bytes token) {
  AuthToken out;
  D::Tlv t;
  // RFC 2743 3.1 / RFC 4178 4.2: the initial token is [APPLICATION 0] { OID spnego, NegotiationToken }.
  if (D::expect(token, D::Class::application, 0, t) && t.constructed) {
    auto oid = D::read_tlv(t.value);
    if (oid.is_ok() && D::oid_text(oid.value()) == std::string(oid::spnego)) {
      D::Tlv choice, seq;
      out.spnego = true;
      out.spnego_init = true;
      if (D::expect(t.value.subspan(oid.consumed()), D::Class::context, 0, choice) && D::inner(choice, seq) &&
          seq.tag == D::tag::sequence)
        neg_token_init(seq, out);
      else
        out.inner = Inner::unknown;
      return out;
    }
  }
  // A subsequent token: NegotiationToken CHOICE { negTokenInit [0], negTokenResp [1] } without the wrapper.
  if (D::expect(token, D::Class::context, 1, t) || D::expect(token, D::Class::context, 0, t)) {
    D::Tlv seq;
    if (D::inner(t, seq) && seq.tag == D::tag::sequence) {
      out.spnego = true;
      out.spnego_init = t.tag == 0;
      if (t.tag == 1) neg_token_resp(seq, out);
      else neg_token_init(seq, out);
      return out;
    }
  }
  classify_inner(token, out);
  return out;
}

}  // namespace rdpcap::proto::credssp
