#include "smtpsend/app/run.hpp"

int main(int argc, char** argv) { return smtpsend::run(argc, argv); }
