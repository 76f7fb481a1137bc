/** Key handling shared by the stores: sealing with the master key. */
@NullMarked
package dev.musubi.platform.crypto;

import org.jspecify.annotations.NullMarked;
