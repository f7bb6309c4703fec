// queue/bounce: see include/smtpsend/queue/bounce.hpp.
#include "smtpsend/queue/bounce.hpp"
