package dev.musubi.mail.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;

/**
 * DNS for the SMTP tests: answers from a map, as a resolver would (no records is {@code null}).
 * SPF, DKIM and DMARC evaluation on top of it is the real library code.
 */
public class MapDnsService implements DNSService {

  private final Map<String, List<String>> records = new ConcurrentHashMap<>();

  public void txt(String name, String... values) {
    records.put(key(name, DNSRequest.TXT), List.of(values));
  }

  public void a(String name, String... addresses) {
    records.put(key(name, DNSRequest.A), List.of(addresses));
  }

  private static String key(String name, int type) {
    String host = name.toLowerCase(Locale.ROOT);
    return (host.endsWith(".") ? host.substring(0, host.length() - 1) : host) + "/" + type;
  }

  @Override
  public List<String> getRecords(DNSRequest request) {
    return records.get(key(request.getHostname(), request.getRecordType()));
  }

  @Override
  public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
    return CompletableFuture.completedFuture(getRecords(request));
  }

  @Override
  public List<String> getLocalDomainNames() {
    return List.of("mx.musubi.test");
  }

  @Override
  public void setTimeOut(int seconds) {}

  @Override
  public int getRecordLimit() {
    return 10;
  }

  @Override
  public void setRecordLimit(int limit) {}
}
