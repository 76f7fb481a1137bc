/** The blob store's implementation: Tink envelope encryption over a local-disk or S3 backend. */
@NullMarked
package dev.musubi.platform.blob.internal;

import org.jspecify.annotations.NullMarked;
