package dev.musubi.mail.smtp;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.impl.DNSServiceXBillImpl;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xbill.DNS.SimpleResolver;

/** The DNS the sender checks use: {@code musubi.smtp.dns} when set, else the system's. */
@Configuration(proxyBeanMethods = false)
class SmtpDnsConfiguration {

  @Bean
  @Qualifier("smtp")
  DNSService smtpDnsService(SmtpProperties properties) throws UnknownHostException {
    String server = properties.dns();
    if (server == null || server.isBlank()) {
      return new DNSServiceXBillImpl();
    }
    String host = server.strip();
    int port = 53;
    int colon = host.lastIndexOf(':');
    if (colon > 0 && !host.endsWith("]") && host.indexOf(':') == colon) {
      port = Integer.parseInt(host.substring(colon + 1));
      host = host.substring(0, colon);
    }
    var resolver =
        new SimpleResolver(new InetSocketAddress(host.replace("[", "").replace("]", ""), port));
    return new DNSServiceXBillImpl(resolver);
  }
}
