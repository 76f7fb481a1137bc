# IMAP4rev2 and its folded-in extensions driven by Mail::IMAPTalk (Debian libmail-imaptalk-perl,
# the client Fastmail and the Cyrus test suite use). Run by ImapPerlIntegrationTests with
# port, login ID and password; the INBOX holds two messages: UID 1 with a base64 attachment
# (part 2) holding NUL and other control octets, UID 2 a plain one from Alice. Dies on a mismatch.
use strict;
use warnings;
use Mail::IMAPTalk;

my ($port, $user, $password) = @ARGV;
sub check { my ($ok, $what) = @_; die "FAILED: $what\n" unless $ok; }

my $t = Mail::IMAPTalk->new(
  Server => '127.0.0.1', Port => $port, Username => $user, Password => $password,
  Uid => 1, PreserveINBOX => 1) or die "connect: $@";
my $caps = $t->capability();
for my $cap (qw(imap4rev2 esearch searchres binary list-extended list-status status=size)) {
  check($caps->{$cap}, "capability $cap");
}
check($t->enable('imap4rev2'), 'ENABLE IMAP4rev2');
$t->select('INBOX') or die $t->get_last_error();

# ESEARCH, the only SEARCH answer an IMAP4rev2 client gets.
$t->search('RETURN', '(MIN MAX COUNT ALL)', 'ALL');
my $esearch = $t->get_response_code('esearch') // '';
check($esearch =~ /UID MIN 1 MAX 2 COUNT 2 ALL 1:2$/, "ESEARCH: $esearch");
$t->search('FROM', 'alice');
$esearch = $t->get_response_code('esearch') // '';
check($esearch =~ /UID ALL 2$/, "plain SEARCH as ESEARCH: $esearch");

# SEARCHRES: the saved result as "$".
$t->search('RETURN', '(SAVE)', 'FROM', 'alice');
my $saved = $t->fetch('$', '(uid)');
check(join(',', sort keys %$saved) eq '2', 'FETCH $ gives the saved message');

# BINARY: the attachment decoded (a literal8 for its NUL), its size, a partial.
my $expected = "%PDF-1.4\n\0\x01\x02 binary\n";
my $binary = $t->fetch('1', '(binary.peek[2] binary.size[2])');
check($binary->{1}{binary} eq $expected, 'BINARY[2] decoded');
check($binary->{1}{'binary.size[2]'} == length($expected), 'BINARY.SIZE[2]');
my $partial = $t->fetch('1', '(binary.peek[2]<9.3>)');
check($partial->{1}{binary} eq "\0\x01\x02", 'BINARY[2]<9.3>');

# STATUS SIZE and DELETED; LIST with selection and RETURN (STATUS …).
my $status = $t->status('INBOX', '(MESSAGES SIZE DELETED)');
check($status->{messages} == 2 && $status->{size} > 100 && $status->{deleted} == 0,
  'STATUS SIZE DELETED');
my $special = $t->list(['SPECIAL-USE'], '', '*');
my @names = map { $_->[2] } @$special;
check(join(' ', @names) eq 'Sent Drafts Trash Junk Archive', "LIST (SPECIAL-USE): @names");
$t->list('', 'INBOX', 'RETURN', ['STATUS', ['MESSAGES', 'UNSEEN']]);
my $listed = $t->get_response_code('status') // {};
check(ref($listed) eq 'HASH' && ($listed->{INBOX}{messages} // -1) == 2,
  'LIST RETURN (STATUS)');

$t->logout();
print "imaptalk IMAP4rev2 OK\n";
