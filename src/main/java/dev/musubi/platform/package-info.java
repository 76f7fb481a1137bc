/**
 * Platform: what every module stands on. IDs, time, the signed-in principal, RFC 9457 errors,
 * request facts (client IP, user agent), commands. Depends on no other module.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.musubi.platform;

import org.jspecify.annotations.NullMarked;
