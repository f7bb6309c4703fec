// Boost.JSON in header-only mode: its definitions are compiled here, once for the whole program.
#include <boost/json/src.hpp>
