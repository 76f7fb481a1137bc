package dev.musubi.mail.smtp;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The SMTP tests' mailbox store double and DNS. DNS data: {@code sender.example} allows 127.0.0.1
 * by SPF, publishes a DKIM key under selector {@code sel} and DMARC {@code p=reject}; {@code
 * other.example} allows nobody; the hosted {@code musubi.test} allows only 127.0.0.9 and has DMARC
 * {@code p=reject}.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SmtpTestConfiguration {

  /** The DKIM key of {@code sender.example}, selector {@code sel}. */
  public static final KeyPair DKIM_KEY = rsaKey();

  @Bean
  @Primary
  RecordingMailInbound recordingMailInbound() {
    return new RecordingMailInbound();
  }

  @Bean
  @Primary
  @Qualifier("smtp")
  MapDnsService testDns() {
    var dns = new MapDnsService();
    dns.txt("sender.example", "v=spf1 ip4:127.0.0.0/24 -all");
    dns.txt(
        "sel._domainkey.sender.example",
        "v=DKIM1; k=rsa; p="
            + Base64.getEncoder().encodeToString(DKIM_KEY.getPublic().getEncoded()));
    dns.txt("_dmarc.sender.example", "v=DMARC1; p=reject; adkim=r; aspf=r");
    dns.txt("other.example", "v=spf1 -all");
    dns.txt("_dmarc.other.example", "v=DMARC1; p=quarantine");
    dns.txt("musubi.test", "v=spf1 ip4:127.0.0.9 -all");
    dns.txt("_dmarc.musubi.test", "v=DMARC1; p=reject");
    return dns;
  }

  private static KeyPair rsaKey() {
    try {
      var generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
