#include "key_sources.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "capture/gzip_file.hpp"
#include "tls/pcapng_secrets.hpp"

namespace rdpcap::cli {

void add_key_options(CLI::App& app, KeyOptions& options) {
  app.add_option("--keylog", options.keylog_files,
                 "TLS key log (NSS format, SSLKEYLOGFILE) to decrypt the connections it has secrets for "
                 "(repeatable); secrets embedded in a pcapng input are used without it")
      ->allow_extra_args(false)
      ->type_name("FILE");
}

namespace {

// The capture's Decryption Secrets Blocks; a .pcapng.gz is decompressed for
// this walk (a second pass over the file: gzip cannot seek over packet blocks).
tls::PcapngSecrets secrets_of(const std::string& path, tls::KeyLog& log) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return {0, path + ": cannot open: " + std::strerror(errno)};
  if (!capture::starts_with_gzip(file)) {
    std::fclose(file);
    return tls::add_pcapng_secrets(path, log);
  }
  std::string gzip_error;  // a damaged .gz is reported by the capture reader, not here
  std::FILE* plain = capture::open_gunzip(file, true, &gzip_error);
  if (!plain) {
    std::fclose(file);
    return {};
  }
  tls::PcapngSecrets found = tls::add_pcapng_secrets(plain, path, log, /*seekable=*/false);
  std::fclose(plain);
  return found;
}

}  // namespace

std::optional<std::string> load_keys(const KeyOptions& options, const std::vector<std::string>& captures,
                                     std::shared_ptr<const tls::KeyLog>& keys) {
  auto log = std::make_shared<tls::KeyLog>();
  bool any_source = false;
  for (const auto& file : options.keylog_files) {
    if (auto err = log->add_file(file)) return err;
    any_source = true;
  }
  for (const auto& capture : captures) {
    if (capture == "-") continue;  // standard input is read once, by the capture reader
    tls::PcapngSecrets found = secrets_of(capture, *log);
    if (found.error && found.error->find("cannot open") == std::string::npos)
      std::fprintf(stderr, "rdpcap-analyze: warning: %s\n", found.error->c_str());
    if (found.blocks > 0) any_source = true;
  }
  if (any_source) keys = std::move(log);
  return std::nullopt;
}

}  // namespace rdpcap::cli
