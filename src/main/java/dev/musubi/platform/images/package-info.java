/**
 * Image helpers shared by the modules that make pictures from uploads (talk thumbnails, member
 * photos): reading a JPEG's EXIF orientation and turning an image the way it is meant to be seen.
 */
@NullMarked
package dev.musubi.platform.images;

import org.jspecify.annotations.NullMarked;
