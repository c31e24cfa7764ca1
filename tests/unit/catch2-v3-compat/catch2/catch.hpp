// Catch2 3 (Debian 13 and later) has no single header: this stands in for Catch2 2's <catch2/catch.hpp> so
// the unit tests compile unchanged against both. tests/CMakeLists.txt puts this folder on the include path
// only when Catch2 3 was found (Debian 12 ships Catch2 2.13 with the real header), and then links
// Catch2::Catch2WithMain, so CATCH_CONFIG_MAIN in main.cpp has nothing left to do.
#pragma once
#include <catch2/catch_all.hpp>
