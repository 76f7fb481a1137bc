package dev.musubi.drive.web;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;

/**
 * The application's multipart resolver: the servlet container's, except for drive uploads and bot
 * uploads ({@code /bot/v1/}), which their controllers read part by part while they arrive (the
 * container would first spool the whole body and cap its size).
 */
@Component("multipartResolver")
class DriveMultipartResolver extends StandardServletMultipartResolver {

  @Override
  public boolean isMultipart(HttpServletRequest request) {
    String uri = request.getRequestURI();
    if (uri != null && (uri.startsWith("/api/v1/drive/") || uri.startsWith("/bot/v1/"))) {
      return false;
    }
    return super.isMultipart(request);
  }
}
