/** The operator's backup API. */
@NullMarked
package dev.musubi.ops.web;

import org.jspecify.annotations.NullMarked;
