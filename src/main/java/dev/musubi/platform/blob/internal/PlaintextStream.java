package dev.musubi.platform.blob.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Reads a decrypting channel as a stream. (The JDK's channel stream asks a seekable channel for its
 * size, which Tink's decrypting channel only knows after the first read.)
 */
final class PlaintextStream extends InputStream {

  private final SeekableByteChannel channel;
  private final byte[] one = new byte[1];
  private boolean eof;

  PlaintextStream(SeekableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (eof) {
      return -1;
    }
    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
    int n = channel.read(buffer);
    // Tink's channel answers 0 instead of -1 when positioned exactly at the end, and 0 while its
    // source has not yet delivered a whole header or segment
    for (int zeros = 1; n == 0; zeros++) {
      if (zeros > 10_000) {
        throw new IOException("the blob's ciphertext stopped delivering data");
      }
      if (atEnd()) {
        n = -1;
      } else {
        n = channel.read(buffer);
      }
    }
    if (n < 0) {
      eof = true;
    }
    return n;
  }

  private boolean atEnd() {
    try {
      return channel.position() >= channel.size();
    } catch (IOException e) {
      return false; // the size is known only once the header has been read
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
