package dev.musubi.mail.smtp;

import dev.musubi.mail.MailInbound.AuthResults;
import dev.musubi.mail.smtp.codec.MessageHeaders;
import dev.musubi.mail.smtp.codec.SmtpCommandParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.NoneException;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.impl.SPF;
import org.jspecify.annotations.Nullable;

/**
 * SPF (RFC 7208, Apache jSPF), DKIM (RFC 6376, Apache jDKIM) and DMARC (RFC 7489) for one received
 * message. All DNS goes through one {@link DNSService}, which production points at the configured
 * resolver and tests at their own DNS data.
 */
final class SenderChecks {

  private static final int MAX_HEADER_SECTION = 256 * 1024;

  private final DNSService dns;
  private final SPF spf;

  SenderChecks(DNSService dns) {
    this.dns = dns;
    this.spf = new SPF(dns);
  }

  /** What the checks found, plus what the server needs beyond {@link AuthResults}. */
  record Verdict(
      AuthResults results,
      Set<String> dkimDomains,
      List<String> fromDomains,
      @Nullable String dmarcPolicy) {

    /**
     * Whether {@code domain} is vouched for: a valid DKIM signature aligned with it, or SPF pass
     * for a MAIL FROM aligned with it (RFC 7489 §3.1, relaxed alignment).
     */
    boolean authenticates(String domain, String mailFromDomain) {
      if (dkimDomains.stream().anyMatch(d -> aligned(d, domain))) {
        return true;
      }
      return "pass".equals(results.spf()) && aligned(mailFromDomain, domain);
    }
  }

  Verdict check(
      String clientIp, String mailFrom, String helo, MessageSpool message, List<String> from)
      throws IOException {
    String spfResult = spf(clientIp, mailFrom, helo);
    var dkimDomains = new LinkedHashSet<String>();
    String dkimResult = "none";
    boolean signed;
    try (InputStream raw = message.open()) {
      signed = MessageHeaders.mayHaveField(raw, "DKIM-Signature", MAX_HEADER_SECTION);
    }
    // Without a signature the verifier would parse the whole message only to say "none".
    if (signed) {
      try (InputStream raw = message.open()) {
        dkimResult = dkim(raw, dkimDomains);
      }
    }
    String mailFromDomain = domainOf(mailFrom.isEmpty() ? "postmaster@" + helo : mailFrom);
    String dmarc;
    String policy = null;
    var distinctFrom = new LinkedHashSet<>(from);
    String fromDomain = distinctFrom.size() == 1 ? distinctFrom.iterator().next() : null;
    if (distinctFrom.size() > 1) {
      // RFC 7489 §6.6.1: several author domains cannot be evaluated as one.
      dmarc = "permerror";
    } else if (fromDomain == null) {
      dmarc = "none";
    } else {
      try {
        var record = dmarcRecord(fromDomain);
        if (record == null) {
          dmarc = "none";
        } else {
          policy = record.policy();
          boolean dkimAligned =
              dkimDomains.stream().anyMatch(d -> aligned(d, fromDomain, record.strictDkim()));
          boolean spfAligned =
              "pass".equals(spfResult) && aligned(mailFromDomain, fromDomain, record.strictSpf());
          dmarc = dkimAligned || spfAligned ? "pass" : "fail";
        }
      } catch (TimeoutException e) {
        dmarc = "temperror";
      }
    }
    return new Verdict(
        new AuthResults(spfResult, dkimResult, dmarc, fromDomain),
        dkimDomains,
        List.copyOf(from),
        policy);
  }

  private String spf(String clientIp, String mailFrom, String helo) {
    try {
      String result = spf.checkSPF(clientIp, mailFrom, helo).getResult();
      return switch (result) {
        case "pass", "fail", "softfail", "neutral", "none", "temperror", "permerror" -> result;
        case "error" -> "temperror";
        default -> "permerror";
      };
    } catch (RuntimeException e) {
      return "temperror";
    }
  }

  /** Fills {@code validDomains} with the {@code d=} of every valid signature. */
  private String dkim(InputStream raw, Set<String> validDomains) throws IOException {
    var verifier = new DKIMVerifier(keys());
    try {
      List<SignatureRecord> valid = verifier.verify(raw);
      if (valid == null) {
        return "none";
      }
      for (SignatureRecord signature : valid) {
        String domain = signature.getDToken().toString().toLowerCase(Locale.ROOT);
        // The d= value goes into Authentication-Results: only a well-formed domain may.
        if (SmtpCommandParser.validDomain(domain)) {
          validDomains.add(domain);
        }
      }
      return valid.isEmpty() ? "fail" : "pass";
    } catch (TempFailException e) {
      return "temperror";
    } catch (PermFailException e) {
      return "fail";
    } catch (FailException e) {
      return "fail";
    } catch (RuntimeException e) {
      // A signature the library cannot even parse is a broken signature (RFC 6376 §6.1).
      return "permerror";
    }
  }

  /** RFC 6376 §3.6.2.2: the key is the TXT record at {@code selector._domainkey.domain}. */
  private PublicKeyRecordRetriever keys() {
    return (method, selector, token) -> {
      if (!"dns/txt".equalsIgnoreCase(method.toString())) {
        throw new PermFailException("unsupported key query method " + method);
      }
      try {
        List<String> records = txt(selector + "._domainkey." + token);
        if (records.isEmpty()) {
          throw new PermFailException("no key for selector " + selector);
        }
        return records;
      } catch (TimeoutException e) {
        throw new TempFailException("DNS timeout");
      }
    };
  }

  private record DmarcRecord(String policy, boolean strictDkim, boolean strictSpf) {}

  /** RFC 7489 §6.6.3: the record at {@code _dmarc.<from>}, else at the organisational domain. */
  private @Nullable DmarcRecord dmarcRecord(String fromDomain) throws TimeoutException {
    var record = dmarcRecordAt(fromDomain);
    String organisational = organisationalDomain(fromDomain);
    if (record == null && !organisational.equals(fromDomain)) {
      record = dmarcRecordAt(organisational);
    }
    return record;
  }

  private @Nullable DmarcRecord dmarcRecordAt(String domain) throws TimeoutException {
    var records = new ArrayList<String>();
    for (String txt : txt("_dmarc." + domain)) {
      if (txt.strip().startsWith("v=DMARC1")) {
        records.add(txt);
      }
    }
    if (records.size() != 1) {
      return null; // RFC 7489 §6.6.3: none or several records mean no policy
    }
    String policy = "none";
    boolean strictDkim = false;
    boolean strictSpf = false;
    for (String tag : records.getFirst().split(";")) {
      String[] pair = tag.strip().split("=", 2);
      if (pair.length != 2) {
        continue;
      }
      String value = pair[1].strip().toLowerCase(Locale.ROOT);
      switch (pair[0].strip().toLowerCase(Locale.ROOT)) {
        case "p" -> policy = value;
        case "adkim" -> strictDkim = value.equals("s");
        case "aspf" -> strictSpf = value.equals("s");
        default -> {}
      }
    }
    if (!Set.of("none", "quarantine", "reject").contains(policy)) {
      policy = "none";
    }
    return new DmarcRecord(policy, strictDkim, strictSpf);
  }

  private List<String> txt(String name) throws TimeoutException {
    try {
      List<String> records = dns.getRecords(new DNSRequest(name, DNSRequest.TXT));
      return records == null ? List.of() : records.stream().map(SenderChecks::unquote).toList();
    } catch (NoneException e) {
      return List.of();
    }
  }

  /** dnsjava may hand TXT strings back in their zone-file quotes. */
  private static String unquote(String txt) {
    String s = txt.strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\" \"", "");
    }
    return s;
  }

  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return (at < 0 ? address : address.substring(at + 1)).toLowerCase(Locale.ROOT);
  }

  static boolean aligned(String a, String b) {
    return aligned(a, b, false);
  }

  /** RFC 7489 §3.1.1: strict means equal, relaxed means the same organisational domain. */
  static boolean aligned(String a, String b, boolean strict) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    return strict ? x.equals(y) : organisationalDomain(x).equals(organisationalDomain(y));
  }

  /**
   * RFC 7489 §3.2 with a short built-in list instead of the Public Suffix List: the registered name
   * under a generic or country TLD, and under the second-level public domains of Japan and the
   * commonly used ones of other countries ({@code co.jp}, {@code co.uk}, {@code com.au}, …).
   */
  static String organisationalDomain(String domain) {
    String[] labels = domain.split("\\.");
    if (labels.length <= 2) {
      return domain;
    }
    String tld = labels[labels.length - 1];
    String second = labels[labels.length - 2];
    boolean publicSecondLevel =
        tld.length() == 2
            && Set.of(
                    "co", "ne", "or", "ac", "go", "ed", "gr", "lg", "ad", "com", "net", "org",
                    "gov", "edu")
                .contains(second);
    int keep = publicSecondLevel ? 3 : 2;
    return String.join(".", List.of(labels).subList(labels.length - keep, labels.length));
  }
}
