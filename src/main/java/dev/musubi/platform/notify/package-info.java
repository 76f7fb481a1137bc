/**
 * The notification port: how a module tells a member something by mail without depending on the
 * mail module ({@link dev.musubi.platform.notify.MemberNotices}). The mail module implements it.
 */
@NullMarked
package dev.musubi.platform.notify;

import org.jspecify.annotations.NullMarked;
