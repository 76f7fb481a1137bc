/** The blob store port: encrypted, content-addressed file contents shared by every module. */
@NullMarked
package dev.musubi.platform.blob;

import org.jspecify.annotations.NullMarked;
