package dev.musubi.mail.smtp;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The test DNS (there is no internet here) of the tests that exchange real mail with an outside
 * company, {@code partner.example}: its SPF allows the loopback network and its DMARC policy is
 * {@code p=none}. The mail end-to-end and iMIP tests both import it, so they share one Spring
 * context; everything else in that context is the real Musubi.
 */
@TestConfiguration(proxyBeanMethods = false)
public class PartnerDnsConfiguration {

  @Bean
  @Primary
  @Qualifier("smtp")
  MapDnsService partnerDns() {
    MapDnsService dns = new MapDnsService();
    dns.txt("partner.example", "v=spf1 ip4:127.0.0.0/8 -all");
    dns.txt("_dmarc.partner.example", "v=DMARC1; p=none");
    return dns;
  }
}
