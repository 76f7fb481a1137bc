package dev.musubi.messaging.web;

import dev.musubi.messaging.Attachment;
import dev.musubi.messaging.TalkAttachments;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ByteRanges;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/talk/rooms/{roomId}/attachments}: uploads (the request body is the file, streamed
 * to the blob store; the file name in {@code ?name=}) and downloads with ranges and ETags, for
 * members of the room only.
 */
@RestController
@RequestMapping("/api/v1/talk/rooms/{roomId}/attachments")
class AttachmentsController {

  static final String CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

  private final TalkAttachments attachments;

  AttachmentsController(TalkAttachments attachments) {
    this.attachments = attachments;
  }

  /**
   * Uploads one file: the body is its content (any type; {@code Content-Type} is its declared
   * type), {@code name} its file name. Pending until sent with a message ({@code attachments} of
   * the message request).
   */
  @PostMapping
  ResponseEntity<Attachment> upload(
      @PathVariable String roomId,
      @RequestParam(required = false) @Nullable String name,
      HttpServletRequest request)
      throws IOException {
    MemberPrincipal actor = CurrentMember.get();
    UUID room = id(roomId);
    String type = request.getContentType();
    if (type != null) {
      String t = type.toLowerCase(java.util.Locale.ROOT).strip();
      if (t.startsWith("multipart/") || t.startsWith("application/x-www-form-urlencoded")) {
        throw new dev.musubi.platform.web.ProblemException(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "send-file-as-body",
            "Send the file itself as the request body (its type in Content-Type, its name in"
                + " ?name=), not as a form.",
            java.util.List.of());
      }
    }
    try (InputStream body = request.getInputStream()) {
      Attachment a =
          attachments.upload(actor, room, name, type, request.getContentLengthLong(), body);
      return ResponseEntity.status(HttpStatus.CREATED).body(a);
    }
  }

  @GetMapping("/{attachmentId}")
  void download(
      @PathVariable String roomId,
      @PathVariable String attachmentId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    send(
        attachments.download(CurrentMember.get(), id(roomId), id(attachmentId), false),
        request,
        response);
  }

  /** Removes one of the caller's uploads that was not sent yet. */
  @DeleteMapping("/{attachmentId}")
  ResponseEntity<Void> discard(@PathVariable String roomId, @PathVariable String attachmentId) {
    attachments.discard(CurrentMember.get(), id(roomId), id(attachmentId));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{attachmentId}/thumbnail")
  void thumbnail(
      @PathVariable String roomId,
      @PathVariable String attachmentId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    send(
        attachments.download(CurrentMember.get(), id(roomId), id(attachmentId), true),
        request,
        response);
  }

  /**
   * Streams the content: single byte ranges (206, 416), ETag and If-None-Match (304), {@code
   * nosniff} and a sandboxing CSP always; inline only for images the server decoded itself.
   */
  private void send(
      TalkAttachments.Download d, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Content-Security-Policy", CSP);
    if (ByteRanges.notModified(request, response, d.etag())) {
      return;
    }
    response.setHeader("Content-Disposition", disposition(d.inline(), d.name()));
    response.setContentType(d.contentType());
    ByteRanges.send(request, response, d.size(), d.etag(), offset -> attachments.open(d, offset));
  }

  /** An ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187). */
  static String disposition(boolean inline, String name) {
    StringBuilder ascii = new StringBuilder();
    for (char c : name.toCharArray()) {
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';' ? c : '_');
    }
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return (inline ? "inline" : "attachment")
        + "; filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + encoded;
  }

  private static UUID id(String text) {
    UUID id = Ids.parseOrNull(text);
    if (id == null) {
      throw Problems.notFound();
    }
    return id;
  }
}
