/**
 * Messaging (Talk): direct, group and announcement rooms, messages with a gap-free sequence per
 * room, read pointers and unread counts, reactions, recall, the realtime gateway at {@code
 * /api/v1/events} and message search. Other modules call {@link dev.musubi.messaging.Rooms} and
 * {@link dev.musubi.messaging.Messages} or listen to its events ({@link
 * dev.musubi.messaging.MessageCreated} and friends), which are published after commit.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit", "drive"})
package dev.musubi.messaging;

import org.jspecify.annotations.NullMarked;
