#!/usr/bin/perl
# Verifies every DKIM signature of the message on stdin with Mail::DKIM (libmail-dkim-perl),
# asking the loopback DNS server named by the arguments for the keys. Prints one line per
# signature: "RESULT ALGORITHM SELECTOR DOMAIN [DETAIL]".
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ($server, $port) = @ARGV;
Mail::DKIM::DNS::resolver(Net::DNS::Resolver->new(
    nameservers => [$server], port => $port, recurse => 1, tcp_timeout => 2, udp_timeout => 2,
    retry => 2));
binmode STDIN;
my $dkim = Mail::DKIM::Verifier->new();
while (read(STDIN, my $buffer, 65536)) {
    $dkim->PRINT($buffer);  # CRLF line ends already: fed as they arrived
}
$dkim->CLOSE;
foreach my $signature ($dkim->signatures) {
    my $detail = $signature->result_detail // '';
    printf "%s %s %s %s %s\n", $signature->result, $signature->algorithm, $signature->selector,
        $signature->domain, $detail;
}
