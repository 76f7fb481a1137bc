package dev.musubi.messaging;

import dev.musubi.testing.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real WebSocket client on {@code /api/v1/events} that records what it receives. */
final class EventSocket implements WebSocket.Listener, AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private @Nullable WebSocket socket;

  /** Opens a socket with the client's session cookie and the given Origin (null: none). */
  static EventSocket open(int port, ApiClient client, @Nullable String origin, String query)
      throws Exception {
    EventSocket listener = new EventSocket();
    WebSocket.Builder b =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .header("Cookie", "MUSUBI_SESSION=" + client.cookie("MUSUBI_SESSION"));
    if (origin != null) {
      b.header("Origin", origin);
    }
    listener.socket =
        b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/v1/events" + query), listener)
            .get(10, TimeUnit.SECONDS);
    return listener;
  }

  static String origin(int port) {
    return "http://127.0.0.1:" + port;
  }

  List<JsonNode> ofType(String type) {
    return received.stream().filter(n -> type.equals(n.path("type").asString(""))).toList();
  }

  void send(String text) {
    if (socket != null) {
      socket.sendText(text, true).join();
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(JSON.readTree(partial.toString()));
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    if (socket != null && !socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS);
    }
  }
}
