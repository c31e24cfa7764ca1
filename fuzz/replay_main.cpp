// A main() for the fuzz targets outside libFuzzer (any compiler): runs
// LLVMFuzzerTestOneInput once on every file given, or on every file of a
// directory given. The test suite uses it to replay tests/regressions/ and
// the generated seed corpora with the normal and the sanitizer builds.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static void collect(const std::string& path, std::vector<std::string>& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  if (!S_ISDIR(st.st_mode)) {
    out.push_back(path);
    return;
  }
  DIR* dir = ::opendir(path.c_str());
  std::vector<std::string> names;
  while (dirent* e = dir ? ::readdir(dir) : nullptr)
    if (e->d_name[0] != '.') names.push_back(path + "/" + e->d_name);
  if (dir) ::closedir(dir);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) collect(n, out);
}

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) collect(argv[i], files);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A copy of exactly the input's size, so ASan sees any read past it.
    uint8_t* data = new uint8_t[std::max<size_t>(bytes.size(), 1)];
    std::copy(bytes.begin(), bytes.end(), data);
    LLVMFuzzerTestOneInput(data, bytes.size());
    delete[] data;
  }
  std::printf("replayed %zu input(s)\n", files.size());
  return 0;
}
