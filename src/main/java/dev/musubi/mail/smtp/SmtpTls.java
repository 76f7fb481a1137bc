package dev.musubi.mail.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** TLS for the SMTP servers: the key store of {@code musubi.smtp.tls} and server handshakes. */
public final class SmtpTls {

  private SmtpTls() {}

  /** Loads the key store into a server context; throws when it cannot be read. */
  public static SSLContext context(SmtpProperties.Tls tls)
      throws IOException, GeneralSecurityException {
    String type = tls.keyStoreType() == null ? "PKCS12" : tls.keyStoreType();
    char[] password =
        tls.keyStorePassword() == null ? new char[0] : tls.keyStorePassword().toCharArray();
    var keyStore = KeyStore.getInstance(type);
    try (InputStream in =
        Files.newInputStream(Path.of(java.util.Objects.requireNonNull(tls.keyStore())))) {
      keyStore.load(in, password);
    }
    var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, password);
    var context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  /**
   * Layers TLS over an accepted connection as the server and completes the handshake (bounded by
   * the socket's read timeout, which the caller sets).
   */
  public static SSLSocket handshake(SSLContext context, Socket plain) throws IOException {
    var secure =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
    secure.setUseClientMode(false);
    secure.startHandshake();
    return secure;
  }
}
